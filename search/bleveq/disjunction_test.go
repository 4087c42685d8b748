package bleveq

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"nmnsearch/index"
)

// NewAnyOf scores as bleve's disjunction does, whether it leaves out the
// alternatives the index holds nothing for or not: the same hits, the same
// scores, for queries whose disjunctions have such (the English field's
// メラトニン) and queries whose have none. A tripwire: bleve's disjunction
// searcher is the reference.
func TestAnyOfScoresAsBleve(t *testing.T) {
	f := seeds(t)
	lone := 0
	for _, q := range [][]string{{"メラトニン"}, {"melatonin"}, {"NAD+"}, {"NAD+", "睡眠"}, {"睡眠の質"}, {"入眠困難"}, {"改善する"},
		{"cortisol", "-sleep"}, {"脳"}, {"blood sugar"}, {"insulin", "sensitivity"}, {"サーチュイン", "遺伝子"}, {"メラトニン", "melatonin"}} {
		ours, theirs := f.tree(q), f.tree(q)
		asBleve(theirs)
		lone += countLone(t, f, ours)
		for _, withLocations := range []bool{true, false} {
			a, b := f.run(t, ours, withLocations), f.run(t, theirs, withLocations)
			if len(a) != len(b) || len(a) == 0 {
				t.Errorf("%s: %d hits, bleve's disjunctions %d", q, len(a), len(b))
				continue
			}
			for i := range a {
				if a[i].id != b[i].id || math.Abs(a[i].score-b[i].score) > 1e-12*math.Max(1, b[i].score) {
					t.Errorf("%s: %s %.15f, bleve's %s %.15f", q, a[i].id, a[i].score, b[i].id, b[i].score)
				}
			}
		}
	}
	if lone == 0 {
		t.Error("no disjunction left anything out: the test does not test it")
	}
}

// tree is a query of the shapes package search builds for these terms,
// without its glossary, typos and predictive characters: each term is any
// of its phrase in the Japanese field (or that and its dictionary forms,
// below it) and its phrase in the English field, each scored with its
// field's statistics; all the terms together, or each alone far below;
// a term with a leading - excluded.
func (f *fixture) tree(terms []string) query.Query {
	term := func(text string) query.Query {
		var alts []query.Query
		if ja := f.slots(text, index.AnalyzerJAQuery, index.FieldJA); ja != nil {
			if strings.ContainsFunc(text, index.IsJapanese) {
				if base := f.slots(text, index.AnalyzerJABase, index.FieldJABase); base != nil {
					BoostLeaves(base, 0.3)
					ja = NewAnyOf(ja, base)
				}
			}
			alts = append(alts, ja)
		}
		if en := f.slots(text, index.AnalyzerENQuery, index.FieldEN); en != nil {
			alts = append(alts, en)
		}
		switch len(alts) {
		case 0:
			return nil
		case 1:
			return alts[0]
		}
		return NewAnyOf(alts...)
	}
	var must, mustNot []query.Query
	var positive []string
	for _, text := range terms {
		if rest, ok := strings.CutPrefix(text, "-"); ok {
			mustNot = append(mustNot, term(rest))
			continue
		}
		must = append(must, term(text))
		positive = append(positive, text)
	}
	all := must[0]
	if len(must) > 1 {
		alts := []query.Query{query.NewConjunctionQuery(must)}
		for _, text := range positive {
			alone := term(text)
			BoostLeaves(alone, 0.05)
			alts = append(alts, alone)
		}
		all = NewAnyOf(alts...)
	}
	if len(mustNot) == 0 {
		return all
	}
	b := bleve.NewBooleanQuery()
	b.AddMust(all)
	b.AddMustNot(mustNot...)
	return b
}

// slots is the phrase of text's tokens in analyzer, in field, with that
// field's statistics; its terms alone when it has one position; nil when
// it has none.
func (f *fixture) slots(text, analyzer, field string) query.Query {
	toks := f.analyze(analyzer, text)
	slots := Slots(toks)
	if len(slots) == 0 {
		return nil
	}
	return WithStats(NewSlots(slots, field, toks, &f.tables), f.stats(field))
}

// asBleve turns every anyOf in q into bleve's disjunction, in place.
func asBleve(q query.Query) query.Query {
	switch q := q.(type) {
	case *anyOf:
		for i, d := range q.Disjuncts {
			q.Disjuncts[i] = asBleve(d)
		}
		return q.DisjunctionQuery
	case *query.ConjunctionQuery:
		for i, c := range q.Conjuncts {
			q.Conjuncts[i] = asBleve(c)
		}
	case *query.BooleanQuery:
		if q.Must != nil {
			asBleve(q.Must)
		}
		if q.MustNot != nil {
			asBleve(q.MustNot)
		}
	case *statsQuery:
		q.Query = asBleve(q.Query)
	}
	return q
}

// countLone counts the anyOf nodes of q whose searcher, over f's index, is
// a loneSearcher.
func countLone(t *testing.T, f *fixture, q query.Query) int {
	t.Helper()
	n := 0
	f.withReader(t, func(v *index.Snapshot, r bleveindex.IndexReader) error {
		var walk func(q query.Query) error
		walk = func(q query.Query) error {
			switch q := q.(type) {
			case *anyOf:
				sr, err := q.Searcher(context.Background(), r, v.Bleve().Mapping(), bsearch.SearcherOptions{})
				if err != nil {
					return err
				}
				if _, ok := sr.(*loneSearcher); ok {
					n++
				}
				sr.Close()
				for _, d := range q.Disjuncts {
					if err := walk(d); err != nil {
						return err
					}
				}
			case *query.ConjunctionQuery:
				for _, c := range q.Conjuncts {
					if err := walk(c); err != nil {
						return err
					}
				}
			case *query.BooleanQuery:
				if q.Must != nil {
					return walk(q.Must)
				}
			case *statsQuery:
				return walk(q.Query)
			}
			return nil
		}
		return walk(q)
	})
	return n
}
