package search

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"

	"nmnsearch/index"
)

// MaxSuggestions is how many completions Suggest returns at most.
const MaxSuggestions = 10

// Suggestion is one completion of a prefix.
type Suggestion struct {
	Text       string `json:"text"`
	Paragraphs int    `json:"paragraphs"` // how many paragraphs use it
}

// Suggest completes the last word of q from the words of the indexed
// articles (chrome is not indexed, so never suggested): mela → melatonin,
// メラ → メラトニン. Words used by more paragraphs come first.
func (s *Service) Suggest(q string) ([]Suggestion, error) {
	q = Normalize(q)
	if q == "" {
		return nil, invalidf("q is required")
	}
	if n := utf8.RuneCountInString(q); n > MaxQueryRunes {
		return nil, invalidf("q must be at most %d characters (got %d)", MaxQueryRunes, n)
	}
	if i := strings.LastIndexByte(q, ' '); i >= 0 {
		q = q[i+1:]
	}
	prefix := strings.ToLower(strings.TrimLeft(q, `-"`))
	out := []Suggestion{}
	if prefix == "" {
		return out, nil
	}
	words := slices.Clone(s.ix.WordsWithPrefix(prefix))
	slices.SortStableFunc(words, func(a, b index.Word) int {
		return cmp.Or(b.Paragraphs-a.Paragraphs, len(a.Key)-len(b.Key), strings.Compare(a.Key, b.Key))
	})
	for _, w := range words[:min(len(words), MaxSuggestions)] {
		out = append(out, Suggestion{Text: w.Text, Paragraphs: w.Paragraphs})
	}
	return out, nil
}
