package bleveq

import (
	"context"
	"encoding/json"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
)

// WithStats returns q, a query on one field, scored with that field's own
// BM25 statistics (index.Snapshot.BM25Stats); q itself when stats or q is
// nil.
func WithStats(q query.Query, stats *bsearch.BM25Stats) query.Query {
	if stats == nil || q == nil {
		return q
	}
	return &statsQuery{Query: q, stats: stats}
}

// statsQuery is a query on one field whose BM25 scores use that field's own
// statistics: bleve reads them from the searcher's context, where it
// otherwise finds none and guesses a field's average length from the size
// of its dictionary.
type statsQuery struct {
	query.Query
	stats *bsearch.BM25Stats
}

func (q *statsQuery) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, o bsearch.SearcherOptions) (bsearch.Searcher, error) {
	return q.Query.Searcher(context.WithValue(ctx, bsearch.BM25StatsKey, q.stats), r, m, o)
}

// MarshalJSON shows the query it wraps: the statistics are not part of
// what is asked.
func (q *statsQuery) MarshalJSON() ([]byte, error) { return json.Marshal(q.Query) }
