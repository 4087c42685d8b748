package search

import (
	"strings"
	"unicode/utf8"
)

// didYouMean is the query of terms, which found nothing, with each word
// that no article uses replaced by the nearest word the articles do use
// (the index's own vocabulary): one edit away from a word of OneTypoRunes characters or more, two
// from one of TwoTypoRunes; "" when no word changed. メラトニソ, ン typed
// as ソ, becomes メラトニン.
func (s *Service) didYouMean(terms []Term) string {
	changed := false
	out := make([]string, 0, len(terms))
	for _, t := range terms {
		text := t.Text
		if !t.Negate && !t.Phrase {
			if w, ok := s.nearestWord(text); ok {
				text, changed = w, true
			}
		}
		if t.Phrase {
			text = `"` + text + `"`
		}
		if t.Negate {
			text = "-" + text
		}
		out = append(out, text)
	}
	if !changed {
		return ""
	}
	return strings.Join(out, " ")
}

// nearestWord returns the vocabulary's word nearest to word, when word is
// not one itself and one is near enough; the most used of the nearest.
func (s *Service) nearestWord(word string) (string, bool) {
	key := strings.ToLower(word)
	n := utf8.RuneCountInString(key)
	most := 0
	switch {
	case n >= TwoTypoRunes:
		most = 2
	case n >= OneTypoRunes:
		most = 1
	default:
		return "", false
	}
	_, size := utf8.DecodeRuneInString(key)
	best, bestDist, bestUses := "", most+1, 0
	for _, w := range s.ix.WordsWithPrefix(key[:size]) {
		if w.Key == key {
			return "", false // a word of the articles: nothing to correct
		}
		d := editDistance(key, w.Key, most)
		if d < bestDist || d == bestDist && w.Paragraphs > bestUses {
			best, bestDist, bestUses = w.Text, d, w.Paragraphs
		}
	}
	return best, best != ""
}

// editDistance is the Levenshtein distance between a and b in runes (bleve's
// LevenshteinDistanceMax counts bytes: a kana typed wrong is two or three),
// or most+1 once it is sure to be more than most.
func editDistance(a, b string, most int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > most || -d > most {
		return most + 1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(rb); j++ {
			sub := prev[j-1]
			if ra[i-1] != rb[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
			low = min(low, cur[j])
		}
		if low > most {
			return most + 1
		}
		prev, cur = cur, prev
	}
	return min(prev[len(rb)], most+1)
}
