package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// hasSentence reports whether t holds a sentence: it ends as one, or one
// ends inside it.
func hasSentence(t string) bool {
	return endsSentence(t) || strings.Contains(t, "。") || strings.Contains(t, ". ") || strings.Contains(t, "? ")
}

// IsListItem reports whether a block is an item of a list, as text keeps
// it: after a bullet or a number.
func IsListItem(t string) bool { return listItem.MatchString(t) }

// IsBulleted reports whether a block starts with a bullet: an item of a
// list, never a heading (a numbered line may be either).
func IsBulleted(t string) bool { return bullet.MatchString(t) }

var bullet = regexp.MustCompile(`^\s*[•・●◦▪‣*]|^\s*[-–]\s`)

// listItem is the start of an item of a list, as text keeps it.
var listItem = regexp.MustCompile(`^\s*([•・●◦▪‣*]|[-–]\s|\d{1,2}[.)]\s|[（(]\d{1,2}[)）])`)

// textSize is a block's length in jusText's characters.
func textSize(t string) int {
	n := 0
	for _, r := range t {
		if IsJapanese(r) {
			n += japaneseWeight
		} else {
			n++
		}
	}
	return n
}

// IsJapanese reports whether r is a kanji or kana.
func IsJapanese(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

// IsJapaneseText reports whether at least a fifth of t's letters are kana
// or kanji: Japanese prose is mostly kana and kanji even when it names
// NAD+ or SIRT1, while an English paragraph that quotes one Japanese word
// stays English.
func IsJapaneseText(t string) bool {
	ja, letters := 0, 0
	for _, r := range t {
		if unicode.IsLetter(r) {
			letters++
			if IsJapanese(r) {
				ja++
			}
		}
	}
	return ja > 0 && ja*5 >= letters
}

// stopwordDensity is the share of a block's words that are stop words. In
// Japanese, where words are not spaced, it is the share of hiragana among
// hiragana, kanji runs and katakana runs: particles, endings and
// auxiliaries are hiragana, and sentences are full of them while labels,
// menus and addresses are runs of kanji and katakana.
func stopwordDensity(t string) float64 {
	if IsJapaneseText(t) {
		units, hira := 0, 0
		var prev *unicode.RangeTable
		for _, r := range t {
			var script *unicode.RangeTable
			switch {
			case unicode.Is(unicode.Hiragana, r) && r != 'ー':
				hira++
				units++
			case unicode.Is(unicode.Han, r):
				script = unicode.Han
			case unicode.Is(unicode.Katakana, r) || r == 'ー':
				script = unicode.Katakana
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				script = unicode.Latin
			}
			if script != nil && script != prev {
				units++
			}
			prev = script
		}
		if units == 0 {
			return 0
		}
		return float64(hira) / float64(units)
	}
	words, stops := 0, 0
	for _, w := range strings.FieldsFunc(strings.ToLower(t), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\'' && r != '’'
	}) {
		words++
		if englishStopWords[strings.ReplaceAll(w, "’", "'")] {
			stops++
		}
	}
	if words == 0 {
		return 0
	}
	return float64(stops) / float64(words)
}

// endsSentence reports whether t ends as a sentence does.
func endsSentence(t string) bool {
	t = strings.TrimRight(t, " \"'”」』)）")
	last, _ := utf8.DecodeLastRuneInString(t)
	return strings.ContainsRune("。．.!！?？", last)
}

// maxHeadingRunes: longer than this, a line is a paragraph, not a heading.
const maxHeadingRunes = 160

// headingShape reports whether t could be a heading: short, with no
// sentence inside it.
func headingShape(t string) bool {
	return utf8.RuneCountInString(t) <= maxHeadingRunes && !hasSentence(t)
}
