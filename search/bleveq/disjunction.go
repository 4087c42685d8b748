package bleveq

import (
	"context"
	"encoding/json"
	"math"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// anyOf is bleve's disjunction query (any of its queries, scores summed
// times the share of them that matched), whose searcher leaves out the
// alternatives the snapshot holds nothing for when at most one is left:
// most queries have such, as the English field's メラトニン, and each
// level of disjunction costs every hit passing through it. What it leaves
// out still counts, so that scores are bleve's: its weight in the query
// norm, its place in the share (a lone match scores 1/n).
type anyOf struct {
	*query.DisjunctionQuery
}

// NewAnyOf returns the query that matches what any of qs matches, scored
// as bleve's disjunction query scores it.
func NewAnyOf(qs ...query.Query) query.Query {
	return &anyOf{query.NewDisjunctionQuery(qs)}
}

func (q *anyOf) MarshalJSON() ([]byte, error) { return json.Marshal(q.DisjunctionQuery) }

func (q *anyOf) Searcher(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	var all []bsearch.Searcher
	live := -1 // the one that may match, if there is one
	empty := 0
	for _, d := range q.Disjuncts {
		s, err := d.Searcher(ctx, r, m, opts)
		if err != nil {
			for _, s := range all {
				s.Close()
			}
			return nil, err
		}
		if s.Count() == 0 {
			empty++
		} else {
			live = len(all)
		}
		all = append(all, s)
	}
	if empty == 0 || len(all)-empty > 1 || q.Min > 1 || opts.Explain {
		return searcher.NewDisjunctionSearcher(ctx, r, all, q.Min, opts)
	}
	lone := &loneSearcher{coord: 1 / float64(len(all)), min: int(q.Min)}
	for i, s := range all {
		lone.weight += s.Weight()
		if i == live {
			lone.Searcher = s
		} else {
			s.Close()
		}
	}
	if lone.Searcher == nil {
		ms, err := searcher.NewMatchNoneSearcher(r)
		if err != nil {
			return nil, err
		}
		lone.Searcher = ms
	}
	lone.computeQueryNorm()
	return lone, nil
}

// loneSearcher is a disjunction of which one searcher alone may match: its
// matches, scored as bleve's disjunction scores one match of n.
type loneSearcher struct {
	bsearch.Searcher
	coord  float64 // 1/n
	weight float64 // the weight of all n
	min    int     // the disjunction's: a boolean query reads it
}

func (s *loneSearcher) Min() int { return s.min }

// computeQueryNorm sets the query norm as bleve's disjunction does when it
// is built, with every searcher's weight; an enclosing one sets it again.
func (s *loneSearcher) computeQueryNorm() {
	if s.weight > 0 {
		s.SetQueryNorm(1 / math.Sqrt(s.weight))
	}
}

func (s *loneSearcher) Weight() float64 { return s.weight }

func (s *loneSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	dm, err := s.Searcher.Next(ctx)
	if dm != nil {
		dm.Score *= s.coord
	}
	return dm, err
}

func (s *loneSearcher) Advance(ctx *bsearch.SearchContext, id bleveindex.IndexInternalID) (*bsearch.DocumentMatch, error) {
	dm, err := s.Searcher.Advance(ctx, id)
	if dm != nil {
		dm.Score *= s.coord
	}
	return dm, err
}
