package index

import (
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	porterstemmer "github.com/blevesearch/go-porterstemmer"
)

// minPrefixStem is the shortest English stem that also matches longer
// words: sleep finds sleepless, nap does not find napkin.
const minPrefixStem = 4

// stemEndings are what may follow a keyword's stem in a longer word that
// means the same thing (sleepless, sleepi for sleepy, mentalli): rest
// finds restless, not restrict.
var stemEndings = map[string]bool{"s": true, "i": true, "y": true, "less": true, "ness": true, "ful": true, "li": true}

// keywordMatcher counts, in a text, the keywords of each of several groups
// (one group a topic). Text and keywords are reduced to terms the same way:
// Japanese to kagome's dictionary forms, English to Porter stems, so that a
// keyword matches whole words, never part of one.
type keywordMatcher struct {
	byFirst map[string][]keyword // by the keyword's first term
	longest int                  // the longest first term, in bytes
}

type keyword struct {
	group int
	terms []string
}

func newKeywordMatcher(groups [][]string) *keywordMatcher {
	m := &keywordMatcher{byFirst: map[string][]keyword{}}
	for g, words := range groups {
		for _, w := range words {
			for _, terms := range keywordTerms(w) {
				m.byFirst[terms[0]] = append(m.byFirst[terms[0]], keyword{g, terms})
				m.longest = max(m.longest, len(terms[0]))
			}
		}
	}
	return m
}

// count returns how many keywords of each group terms hold, and how many
// terms it has.
func (m *keywordMatcher) count(terms []string, groups int) []int {
	hits := make([]int, groups)
	for i, t := range terms {
		seen := -1 // one keyword per position: the first group's, in the file's order
		m.each(t, func(k keyword) {
			if seen < 0 && i+len(k.terms) <= len(terms) && matchTerms(k.terms[1:], terms[i+1:]) {
				seen = k.group
			}
		})
		if seen >= 0 {
			hits[seen]++
		}
	}
	return hits
}

// each calls f with the keywords whose first term matches t: equal, or for
// an English stem of minPrefixStem letters or more, a prefix of t.
func (m *keywordMatcher) each(t string, f func(keyword)) {
	for _, k := range m.byFirst[t] {
		f(k)
	}
	if !isASCIIWord(t) {
		return
	}
	for n := minPrefixStem; n < len(t) && n <= m.longest; n++ {
		if !stemEndings[t[n:]] {
			continue
		}
		for _, k := range m.byFirst[t[:n]] {
			f(k)
		}
	}
}

func matchTerms(want, have []string) bool {
	for i, w := range want {
		h := have[i]
		if h != w && !(isASCIIWord(w) && len(w) >= minPrefixStem && strings.HasPrefix(h, w) && stemEndings[h[len(w):]]) {
			return false
		}
	}
	return true
}

func isASCIIWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 {
			return false
		}
	}
	return s != ""
}

// Analyzers for keyword terms, from bleve's registry: the same chains the
// index uses, so a keyword means what a query of it would.
var termAnalyzers = sync.OnceValues(func() (ja, en analysis.Analyzer) {
	c := registry.NewCache()
	var err error
	if ja, err = c.AnalyzerNamed(AnalyzerJABase); err == nil {
		en, err = c.AnalyzerNamed(AnalyzerENQuery)
	}
	if err != nil {
		panic(err) // registered in this package's init
	}
	return ja, en
})

// textTerms reduces a paragraph to the terms keywords are matched with:
// Japanese text to dictionary forms (the English words in it to stems),
// English text to stems, stop words left out.
func textTerms(text string) []string {
	ja, en := termAnalyzers()
	if detectLang(text) != LangJA {
		return terms(en.Analyze([]byte(text)), false)
	}
	return terms(ja.Analyze([]byte(text)), true)
}

// keywordTerms reduces a keyword as textTerms reduces the texts it is
// looked for in: a Japanese keyword as Japanese text; an English one as
// English text and as Japanese text, which may quote it (HbA1c in a
// Japanese sentence is split as kagome splits it).
func keywordTerms(w string) [][]string {
	ja, en := termAnalyzers()
	var out [][]string
	add := func(ts []string) {
		if len(ts) > 0 && !slices.ContainsFunc(out, func(o []string) bool { return slices.Equal(o, ts) }) {
			out = append(out, ts)
		}
	}
	if strings.ContainsFunc(w, IsJapanese) {
		add(terms(ja.Analyze([]byte(w)), true))
		return out
	}
	english := terms(en.Analyze([]byte(w)), false)
	if len(english) == 0 {
		return nil // a stop word: no word of its own
	}
	add(english)
	add(terms(ja.Analyze([]byte(w)), true))
	return out
}

func terms(ts analysis.TokenStream, stemASCII bool) []string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		s := string(t.Term)
		if stemASCII && isASCIIWord(s) {
			s = porterstemmer.StemString(s)
		}
		out = append(out, s)
	}
	return out
}
