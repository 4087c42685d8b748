package bleveq

import (
	"context"

	bsearch "github.com/blevesearch/bleve/v2/search"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// filterSearcher passes on the matches of the searcher it wraps that keep
// accepts, and gives the others back to the pool. keep may change a match
// (facet counting, phrase positions).
type filterSearcher struct {
	bsearch.Searcher
	keep func(*bsearch.SearchContext, *bsearch.DocumentMatch) bool
	// done, when set, is the search's context: the loop that passes over
	// candidates keep refuses stops when it ends, as bleve's collector
	// looks only between the matches it is given.
	done context.Context
}

func (s *filterSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	dm, err := s.Searcher.Next(ctx)
	return s.filter(ctx, dm, err)
}

func (s *filterSearcher) Advance(ctx *bsearch.SearchContext, id bleveindex.IndexInternalID) (*bsearch.DocumentMatch, error) {
	dm, err := s.Searcher.Advance(ctx, id)
	return s.filter(ctx, dm, err)
}

// filter returns dm if keep accepts it, else the next match it accepts.
func (s *filterSearcher) filter(ctx *bsearch.SearchContext, dm *bsearch.DocumentMatch, err error) (*bsearch.DocumentMatch, error) {
	for dm != nil && err == nil {
		if s.done != nil {
			if err := s.done.Err(); err != nil {
				ctx.DocumentMatchPool.Put(dm)
				return nil, err
			}
		}
		if s.keep(ctx, dm) {
			return dm, nil
		}
		ctx.DocumentMatchPool.Put(dm)
		dm, err = s.Searcher.Next(ctx)
	}
	return dm, err
}
