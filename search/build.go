package search

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"nmnsearch/index"
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
