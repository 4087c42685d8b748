package index

import (
	"slices"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Word is one entry of the vocabulary that completions come from: a word as
// it is written in the articles, and how many paragraphs use it.
type Word struct {
	Text       string // lower case if the articles ever write it so, e.g. "sleep", "NAD+", "メラトニン"
	Key        string // what prefixes are matched against: NFKC, lower case
	Paragraphs int
}

// words splits text into the units a person would complete to: runs of
// Latin letters and digits (with a trailing '+', as in NAD+), runs of
// katakana (with ー), runs of kanji. Hiragana is left out: in Japanese prose
// it is mostly particles and endings, not words anyone types a prefix of.
func words(text string) []string {
	text = norm.NFKC.String(text)
	var out []string
	class := func(r rune) int {
		switch {
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			return 1
		case unicode.Is(unicode.Katakana, r) || r == 'ー':
			return 2
		case unicode.Is(unicode.Han, r):
			return 3
		}
		return 0
	}
	start, cur := -1, 0
	flush := func(end int) {
		if start >= 0 {
			w := text[start:end]
			if cur == 1 {
				for end < len(text) && text[end] == '+' {
					end++
				}
				w = text[start:end]
			}
			if len([]rune(w)) >= 2 {
				out = append(out, w)
			}
		}
		start = -1
	}
	for i, r := range text {
		c := class(r)
		if c != cur || c == 0 {
			flush(i)
			if c != 0 {
				start = i
			}
			cur = c
		}
	}
	flush(len(text))
	return out
}

// buildVocab counts, for every word of the articles, the paragraphs using
// it, by key; sortedVocab lists them by Key for prefix look-ups.
func buildVocab(articles map[string]*Article) map[string]Word {
	counts := map[string]Word{}
	for _, a := range articles {
		countWords(counts, a, 1)
	}
	return counts
}

// countWords adds (sign 1) or takes away (sign -1) the paragraphs of a
// that use each word: a write changes the counts of its articles only,
// where counting every article again made each write cost more as the
// index grew.
func countWords(counts map[string]Word, a *Article, sign int) {
	for _, p := range a.Paragraphs {
		seen := map[string]bool{}
		for _, w := range words(p.Text) {
			key := strings.ToLower(w)
			if seen[key] {
				continue
			}
			seen[key] = true
			e, ok := counts[key]
			if !ok {
				e = Word{Text: w, Key: key}
			}
			if sign > 0 && w == key {
				e.Text = w // "Sleep" at a sentence start is still "sleep"; NAD+ stays NAD+
			}
			if e.Paragraphs += sign; e.Paragraphs <= 0 {
				delete(counts, key)
				continue
			}
			counts[key] = e
		}
	}
}

// sortedVocab lists counts by Key.
func sortedVocab(counts map[string]Word) []Word {
	out := make([]Word, 0, len(counts))
	for _, w := range counts {
		out = append(out, w)
	}
	slices.SortFunc(out, func(a, b Word) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// WordsWithPrefix returns the vocabulary words whose key starts with prefix
// (already NFKC-folded and lower-cased by the caller). The slice is shared:
// do not modify it.
func (s *Snapshot) WordsWithPrefix(prefix string) []Word {
	i := sort.Search(len(s.vocab), func(i int) bool { return s.vocab[i].Key >= prefix })
	j := i
	for j < len(s.vocab) && strings.HasPrefix(s.vocab[j].Key, prefix) {
		j++
	}
	return s.vocab[i:j:j]
}

// WordsWithPrefix is Snapshot.WordsWithPrefix on the current snapshot.
func (ix *Index) WordsWithPrefix(prefix string) []Word { return ix.snap().WordsWithPrefix(prefix) }

// WordsReading returns the words of the vocabulary with kanji that read as
// kata (katakana, as Reading gives it), the most used first: すいみん, in
// katakana スイミン, is 睡眠.
func (s *Snapshot) WordsReading(kata string) []Word {
	s.readingsOnce.Do(func() {
		s.byReading = map[string][]Word{}
		for _, w := range s.vocab {
			if !strings.ContainsFunc(w.Text, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
				continue
			}
			if r, ok := Reading(w.Text); ok {
				s.byReading[r] = append(s.byReading[r], w)
			}
		}
		for _, ws := range s.byReading {
			slices.SortStableFunc(ws, func(a, b Word) int { return b.Paragraphs - a.Paragraphs })
		}
	})
	return s.byReading[kata]
}
