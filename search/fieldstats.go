package search

import (
	"context"
	"encoding/json"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
)

// statsQuery is a query on one field whose BM25 scores use that field's own
// statistics (index.Index.BM25Stats): bleve reads them from the searcher's
// context, where it otherwise finds none and guesses a field's average
// length from the size of its dictionary.
type statsQuery struct {
	query.Query
	stats *bsearch.BM25Stats
}

func (q *statsQuery) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, o bsearch.SearcherOptions) (bsearch.Searcher, error) {
	return q.Query.Searcher(context.WithValue(ctx, bsearch.BM25StatsKey, q.stats), r, m, o)
}

// onField returns q, a query on field alone, scored with field's
// statistics.
func (s *builder) onField(field string, q query.Query) query.Query {
	st := s.v.BM25Stats(field)
	if st == nil || q == nil {
		return q
	}
	return &statsQuery{Query: q, stats: st}
}

// MarshalJSON shows the query it wraps: the statistics are not part of
// what is asked.
func (q *statsQuery) MarshalJSON() ([]byte, error) { return json.Marshal(q.Query) }
