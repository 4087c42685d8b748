package search

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"nmnsearch/index"
	"nmnsearch/search/bleveq"
)

// Typo tolerance, as Meilisearch users expect: an English word of
// OneTypoRunes letters or more may have one typo, of TwoTypoRunes two. A
// typo or a completed prefix scores below the exact word.
const (
	OneTypoRunes   = 5
	TwoTypoRunes   = 9
	MinPrefixRunes = 2 // the last word is also a prefix from this length

	fuzzyBoost  = 0.3
	prefixBoost = 0.5
)

// widenEnglish lets an unquoted English word also match with typos, and the
// query's last word as a prefix (search as you type). The exact match stays
// in the query, so it ranks first. Words with digits or symbols (SIRT1,
// NAD+, IL-6) are matched exactly only.
//
// Typos and prefixes are judged on words as written (index.FieldENWord),
// not on stems: "sensitivty" is one typo from "sensitivity" but four from
// its stem "sensit", and "sensitiv" is not a prefix of "sensit". The words
// found are then searched by their stems, each scored as if it were as
// common as the most common of them (as Lucene blends a fuzzy query's
// terms): a rare form (mitochondria) must not outrank the usual one
// (mitochondrial) just for being rare.
func (s *builder) widenEnglish(exact query.Query, text string, last bool) query.Query {
	toks := s.mapping.AnalyzerNamed(index.AnalyzerENQuery).Analyze([]byte(text))
	if len(toks) != 1 || toks[0].KeyWord || !isLetters(text) {
		return exact
	}
	word := strings.ToLower(text)
	prefix := last && utf8.RuneCountInString(word) >= MinPrefixRunes
	exps, err := s.v.EnglishExpansions(word, typos(word), prefix, MaxPrefixTerms)
	st := s.v.BM25Stats(index.FieldEN)
	if err != nil || len(exps) == 0 || st == nil {
		return exact
	}
	most := 0
	for _, e := range exps {
		most = max(most, e.Docs)
	}
	alts := []query.Query{exact}
	for _, e := range exps {
		q := bleve.NewTermQuery(e.Stem)
		q.SetField(index.FieldEN)
		w := fuzzyBoost
		if e.Prefix {
			w = prefixBoost
		}
		q.SetBoost(w * bm25IDF(st.DocCount, most) / bm25IDF(st.DocCount, e.Docs))
		alts = append(alts, s.onField(index.FieldEN, q))
	}
	return bleveq.NewAnyOf(alts...)
}

// bm25IDF is bleve's BM25 idf of a term in docs of n documents.
func bm25IDF(n float64, docs int) float64 {
	d := float64(docs)
	return math.Log(1 + (n-d+0.5)/(d+0.5))
}

// typos is how many typos a word may have: none below OneTypoRunes
// letters, one from there, two from TwoTypoRunes.
func typos(word string) int {
	switch n := utf8.RuneCountInString(word); {
	case n >= TwoTypoRunes:
		return 2
	case n >= OneTypoRunes:
		return 1
	}
	return 0
}

func isLetters(s string) bool {
	for _, r := range s {
		if r >= 0x80 || !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}
