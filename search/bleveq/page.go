package bleveq

import (
	"context"
	"encoding/json"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"nmnsearch/index"
)

// OnPage returns q for the search that finds where its matches stand in
// hits, a page of hits that a first search found on the index reader found
// (their paragraphs in v). Where it runs on that reader, a Japanese word
// (NewPhrase with a word) is found on the hits' text (pageWordSearcher),
// not through its bigrams' positions; on another reader, or with found
// nil, through them.
func OnPage(q query.Query, found bleveindex.IndexReader, v *index.Snapshot, hits bsearch.DocumentMatchCollection) query.Query {
	return &pageQuery{Query: q, page: newPage(found, v, hits)}
}

// pageQuery hands its page to the phrases below it, through the searchers
// of bleve's own queries, which pass on nothing but the context.
type pageQuery struct {
	query.Query
	page *page
}

func (q *pageQuery) MarshalJSON() ([]byte, error) { return json.Marshal(q.Query) }

func (q *pageQuery) Searcher(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	// A merge of segments between the two searches would renumber
	// documents: the page's ids hold only in the reader that found them.
	if q.page.reader != nil && q.page.reader == r {
		ctx = context.WithValue(ctx, pageKey{}, q.page)
	}
	return q.Query.Searcher(ctx, r, m, opts)
}

// pageKey carries the page of a pageQuery (a *page) to the phrases below
// it, for pageWordSearcher.
type pageKey struct{}

// page is the hits whose matches OnPage's search finds, by internal id in
// the reader that found them.
type page struct {
	reader bleveindex.IndexReader
	hits   []pageHit // by id
}

type pageHit struct {
	id   bleveindex.IndexInternalID
	para *index.Paragraph
}

// newPage returns the page of hits found by reader, paragraphs in v.
func newPage(reader bleveindex.IndexReader, v *index.Snapshot, hits bsearch.DocumentMatchCollection) *page {
	pg := &page{reader: reader}
	for _, h := range hits {
		if p, ok := v.Paragraph(h.ID); ok {
			pg.hits = append(pg.hits, pageHit{h.IndexInternalID, p})
		}
	}
	slices.SortFunc(pg.hits, func(a, b pageHit) int { return a.id.Compare(b.id) })
	return pg
}

// pageWordSearcher finds a Japanese word in the page's hits, for OnPage's
// search, from their text: the occurrences in the Folded text, mapped back to the
// paragraph's own bytes, are the spans its bigrams' positions would mark
// (they merge into one). Reading those positions for ten paragraphs meant
// opening every bigram's postings with term vectors in every segment.
type pageWordSearcher struct {
	word, field, term string    // term: the first bigram, under which the spans go
	hits              []pageHit // by id
	next              int
	spans             [][2]int // scratch
}

func (s *pageWordSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	for s.next < len(s.hits) {
		h := s.hits[s.next]
		s.next++
		if dm := s.locate(ctx, h); dm != nil {
			return dm, nil
		}
	}
	return nil, nil
}

func (s *pageWordSearcher) Advance(ctx *bsearch.SearchContext, id bleveindex.IndexInternalID) (*bsearch.DocumentMatch, error) {
	for s.next < len(s.hits) && s.hits[s.next].id.Compare(id) < 0 {
		s.next++
	}
	return s.Next(ctx)
}

// locate returns the match of h with the word's spans, or nil when h does
// not have the word in FieldJA (which holds Japanese paragraphs only).
func (s *pageWordSearcher) locate(ctx *bsearch.SearchContext, h pageHit) *bsearch.DocumentMatch {
	s.spans = s.spans[:0]
	occurrences(h.para.FoldedJA(), s.word, math.MaxInt, func(start int) {
		s.spans = append(s.spans, [2]int{start, start + len(s.word)})
	})
	if len(s.spans) == 0 {
		return nil
	}
	dm := ctx.DocumentMatchPool.Get()
	dm.IndexInternalID = append(dm.IndexInternalID[:0], h.id...)
	for _, sp := range h.para.Unfold(s.spans) {
		dm.FieldTermLocations = append(dm.FieldTermLocations, bsearch.FieldTermLocation{
			Field:    s.field,
			Term:     s.term,
			Location: bsearch.Location{Start: uint64(sp[0]), End: uint64(sp[1])},
		})
	}
	return dm
}

func (s *pageWordSearcher) Weight() float64            { return 1 }
func (s *pageWordSearcher) SetQueryNorm(float64)       {}
func (s *pageWordSearcher) Count() uint64              { return uint64(len(s.hits)) }
func (s *pageWordSearcher) Min() int                   { return 0 }
func (s *pageWordSearcher) Size() int                  { return 0 }
func (s *pageWordSearcher) DocumentMatchPoolSize() int { return 1 }
func (s *pageWordSearcher) Close() error               { return nil }
