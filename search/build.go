package search

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"nmnsearch/index"
	"nmnsearch/search/bleveq"
)

// builder builds a query from one snapshot of the index: its BM25
// statistics, English expansions, bigram endings and dictionary. The
// query-building methods (textQuery and those it calls) are its.
type builder struct {
	*Service
	v *index.Snapshot
	r bleveindex.IndexReader // the reader the query runs on; nil: v's index
}

// textQuery is the text query of a search, built when bleve asks for its
// searcher, from the snapshot that searcher reads (index.Searched): the
// statistics and expansions of the query are those of the hits it finds,
// whatever writes happened since the search began. marks, after a search,
// are those of the query built for it.
type textQuery struct {
	s      *Service
	terms  []Term
	browse bool // q is empty: every paragraph, filtered

	built *index.Snapshot
	q     query.Query
	mk    *marks
}

func newTextQuery(s *Service, terms []Term, browse bool) *textQuery {
	return &textQuery{s: s, terms: terms, browse: browse}
}

func (t *textQuery) Searcher(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	v := index.Searched(ctx)
	if v == nil {
		return nil, errors.New("search: a text query run outside Snapshot.Search")
	}
	if t.built != v {
		q, searchable, mk := (&builder{Service: t.s, v: v, r: r}).textQuery(t.terms)
		if !searchable && !t.browse {
			q = bleve.NewMatchNoneQuery() // nothing in q can match anything ("*", "-")
		}
		t.built, t.q, t.mk = v, q, mk
	}
	return t.q.Searcher(ctx, r, m, opts)
}

// marks returns the marks of the query last built, nil before.
func (t *textQuery) marks() *marks { return t.mk }

// MarshalJSON shows the terms: the query is built per snapshot.
func (t *textQuery) MarshalJSON() ([]byte, error) { return json.Marshal(t.terms) }

// textQuery builds the query for the terms: every positive term must match,
// no negated term may. Each term is a phrase over the analyzed text in the
// Japanese and the English field, so メラトニン needs its four bigrams in a
// row, not any one of them. Terms that analyze to nothing are dropped;
// searchable is false when no term is left.
//
// Paragraphs that match only some of the terms, or only some words of one
// Japanese compound (入眠 of 入眠困難), follow those that match them all,
// scored at relaxedWeight: see relaxed.
func (s *builder) textQuery(terms []Term) (q query.Query, searchable bool, mk *marks) {
	mk = &marks{own: map[string]bool{}, predictive: map[string]bool{}, suffix: map[string]bool{}, forms: map[string]analysis.TokenStream{}}
	var must, mustNot []query.Query
	var units [][2]int // start and length in terms of each query in must
	for i := 0; i < len(terms); i++ {
		t := terms[i]
		if t.Negate {
			// Excluding a concept excludes all its names.
			for _, name := range append([]string{t.Text}, s.glossary[glossaryKey(t.Text)]...) {
				if tq := s.termQuery(name, nil); tq != nil {
					mustNot = append(mustNot, tq)
				}
			}
			continue
		}
		tq, n := s.unitQuery(terms, i, mk)
		if tq != nil {
			must = append(must, tq)
			units = append(units, [2]int{i, n})
		}
		i += n - 1
	}
	if len(must) == 0 && len(mustNot) == 0 {
		return bleve.NewMatchAllQuery(), false, mk
	}
	if len(mustNot) == 0 {
		// No boolean around it: one conjunction of one query was one more
		// searcher for every hit to pass through.
		return s.relaxed(must, terms, units, mk), true, mk
	}
	b := bleve.NewBooleanQuery()
	if len(must) > 0 {
		b.AddMust(s.relaxed(must, terms, units, mk))
	} else {
		b.AddMust(bleve.NewMatchAllQuery())
	}
	if len(mustNot) > 0 {
		b.AddMustNot(mustNot...)
	}
	return b, true, mk
}

// relaxedWeight scores a paragraph that has only some of the query's words
// below every paragraph that has them all, as Meilisearch's matching
// strategy does, and above a match in the other language (glossaryWeight):
// a clinic article that says 入眠 is about 入眠困難 more often than not.
const relaxedWeight = 0.05

// minPartRunes is the shortest word of a Japanese compound that counts on
// its own: one kanji (差 of 個人差, 薬 of 睡眠薬) is too vague.
const minPartRunes = 2

// relaxed returns the query that all units must match together, or, where
// the query has two or more units (a term, or a run of terms that names a
// glossary concept), the disjunction of that and each unit alone at
// relaxedWeight, but for a single character (質, 2). A query of one glossary
// name relaxes to its words (type 2 diabetes: type, diabetes), one of a
// Japanese compound to its words as kagome splits them (入眠困難: 入眠, 困難;
// 睡眠の質: 睡眠). A query with a "quoted" term does not relax.
func (s *builder) relaxed(must []query.Query, terms []Term, units [][2]int, mk *marks) query.Query {
	var all query.Query
	var parts []query.Query
	quoted := slices.ContainsFunc(terms, func(t Term) bool { return t.Phrase && !t.Negate })
	switch {
	case quoted:
		// Quotes ask for exactly this: no partial matches.
		if len(must) == 1 {
			return must[0]
		}
		return bleve.NewConjunctionQuery(must...)
	case len(must) >= 2:
		all = bleve.NewConjunctionQuery(must...)
		for _, u := range units {
			if t := terms[u[0]].Text; u[1] == 1 && utf8.RuneCountInString(t) < minPartRunes {
				continue // 質 of "睡眠 質" alone would find 物質 and 体質
			}
			// A fresh copy: BoostLeaves changes the leaves it is given.
			if uq, _ := s.unitQuery(terms, u[0], mk); uq != nil {
				parts = append(parts, uq)
			}
		}
	case len(units) == 1 && units[0][1] > 1:
		// One glossary name of several words ("type 2 diabetes"): each word.
		all = must[0]
		for _, t := range terms[units[0][0] : units[0][0]+units[0][1]] {
			if utf8.RuneCountInString(t.Text) < minPartRunes {
				continue
			}
			if wq, _ := s.unitQuery([]Term{t}, 0, mk); wq != nil {
				parts = append(parts, wq)
			}
		}
	case len(units) == 1:
		all = must[0]
		for _, word := range s.compoundWords(terms[units[0][0]].Text, mk) {
			if wq := s.termQuery(word, mk); wq != nil {
				parts = append(parts, wq)
			}
		}
	case len(must) == 1:
		return must[0]
	default:
		return bleve.NewConjunctionQuery(must...)
	}
	if len(parts) == 0 {
		return all
	}
	alts := []query.Query{all}
	for _, p := range parts {
		bleveq.BoostLeaves(p, relaxedWeight)
		alts = append(alts, p)
	}
	return bleveq.NewAnyOf(alts...)
}

// unitQuery is the query for the unit of terms that starts at i: the
// longest run of terms that names a glossary concept, else terms[i] alone.
// It returns the query (nil if the unit holds nothing to search) and how
// many terms the unit spans.
func (s *builder) unitQuery(terms []Term, i int, mk *marks) (query.Query, int) {
	// A word typed in hiragana searches the katakana word it reads as,
	// as if typed so, and the hiragana too, below it.
	var typed string
	if w := s.readingWord(terms[i].Text); w != "" && !terms[i].Phrase {
		typed = terms[i].Text
		terms = slices.Clone(terms)
		terms[i].Text = w
	}
	n, alts := s.glossaryRun(terms[i:])
	near := 1.0
	if t := terms[i]; alts == nil && !t.Phrase && isLetters(t.Text) {
		word := strings.ToLower(t.Text)
		alts = s.glossary.near(word, typos(word), i == len(terms)-1)
		near = nearWeight
	}
	var parts []query.Query
	for j, t := range terms[i : i+n] {
		tq := s.termQuery(t.Text, mk)
		if tq == nil {
			continue
		}
		if !t.Phrase {
			tq = s.widenEnglish(tq, t.Text, i+j == len(terms)-1)
		}
		parts = append(parts, tq)
	}
	var tq query.Query
	switch len(parts) {
	case 0:
	case 1:
		tq = parts[0]
	default:
		tq = bleve.NewConjunctionQuery(parts...)
	}
	// The concept's other names (メラトニン for melatonin) match too,
	// scored below what was typed.
	var either []query.Query
	for _, alt := range alts {
		if aq := s.termQuery(alt, mk); aq != nil {
			w := glossaryWeight
			if sameLanguage(alt, terms[i].Text) {
				w = synonymWeight
			}
			bleveq.BoostLeaves(aq, w*near)
			either = append(either, aq)
		}
	}
	if typed != "" {
		if hq := s.termQuery(typed, mk); hq != nil {
			bleveq.BoostLeaves(hq, synonymWeight)
			either = append(either, hq)
		}
	}
	if len(either) > 0 {
		if tq != nil {
			either = append([]query.Query{tq}, either...)
		}
		tq = bleveq.NewAnyOf(either...)
	}
	return tq, n
}

// glossaryRun returns how many of the leading positive terms to take as one
// unit (the longest run, up to maxGlossaryWords, that is a glossary name;
// else 1) and the concept's other names.
func (s *builder) glossaryRun(terms []Term) (int, []string) {
	for n := min(len(terms), maxGlossaryWords); n >= 1; n-- {
		words := make([]string, 0, n)
		for _, t := range terms[:n] {
			if t.Negate {
				break
			}
			words = append(words, t.Text)
		}
		if len(words) < n {
			continue
		}
		if alts, ok := s.glossary[glossaryKey(strings.Join(words, " "))]; ok {
			return n, alts
		}
	}
	return 1, nil
}

// MaxPrefixTerms bounds how many indexed bigrams one predictive character
// expands to, those it starts and those it ends together.
const MaxPrefixTerms = 256

// baseFormBoost scores a match of a Japanese term's dictionary forms
// (index.FieldJABase) below a match of the term as typed (FieldJA's bigrams),
// as typos and completions score below the exact English word: 改善する
// finds 改善され, but paragraphs that say 改善する come first. A paragraph
// with the typed form matches both fields and gets both scores.
const baseFormBoost = 0.3

// termQuery is the query for one term or phrase, or nil when it holds
// nothing to search. A term in Latin script is searched in both fields (NAD+
// and SIRT1 stand in Japanese text too), but whether it is searchable at all
// is the English analyzer's call: a stop word such as "of" is ignored, not
// required.
func (s *builder) termQuery(text string, mk *marks) query.Query {
	enToks := s.mapping.AnalyzerNamed(index.AnalyzerENQuery).Analyze([]byte(text))
	if len(enToks) == 0 && !strings.ContainsFunc(text, index.IsJapanese) {
		return nil
	}
	var alts []query.Query
	if q := s.jaPhrase(text, mk); q != nil {
		alts = append(alts, q)
	}
	if len(enToks) > 0 {
		alts = append(alts, s.onField(index.FieldEN, s.slotsQuery(bleveq.Slots(enToks), index.FieldEN, nil)))
	}
	switch len(alts) {
	case 0:
		return nil
	case 1:
		return alts[0]
	}
	return bleveq.NewAnyOf(alts...)
}

// onField returns q, a query on field alone, scored with field's
// statistics.
func (s *builder) onField(field string, q query.Query) query.Query {
	return bleveq.WithStats(q, s.v.BM25Stats(field))
}
