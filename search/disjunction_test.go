package search

import (
	"context"
	"math"
	"testing"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"nmnsearch/index"
)

// anyOf scores as bleve's disjunction does, whether it leaves out the
// alternatives the index holds nothing for or not: the same hits, the same
// scores, for queries whose disjunctions have such (the English field's
// メラトニン) and queries whose have none.
func TestAnyOfScoresAsBleve(t *testing.T) {
	s := seedSearch(t)
	lone := 0
	for _, q := range []string{"メラトニン", "melatonin", "NAD+", "NAD+ 睡眠", "睡眠の質", "入眠困難", "改善する",
		"cortisol -sleep", "脳", `"blood sugar"`, "insulin sensitivty", "mela", "サーチュイン 遺伝子"} {
		ours, _, _ := s.now().textQuery(Parse(q))
		theirs, _, _ := s.now().textQuery(Parse(q))
		asBleve(theirs)
		lone += countLone(t, s, ours)
		for _, withLocations := range []bool{true, false} {
			a, b := run(t, s, ours, withLocations), run(t, s, theirs, withLocations)
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

// countLone counts the anyOf nodes of q whose searcher, over s's index, is
// a loneSearcher.
func countLone(t *testing.T, s *Service, q query.Query) int {
	t.Helper()
	n := 0
	withReader(t, s, func(v *index.Snapshot, r bleveindex.IndexReader) error {
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
			case *statsQuery:
				return walk(q.Query)
			}
			return nil
		}
		return walk(q)
	})
	return n
}
