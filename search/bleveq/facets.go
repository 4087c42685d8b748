package bleveq

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/numeric"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"nmnsearch/index"
)

// Facets are counted while the query's hits stream past, not by bleve's
// facet builder: that one reads the facet field's doc values for every hit
// (and a sort on fields reads theirs), which at 100,000 paragraphs was more
// than half of a search's CPU. Here each hit costs one slice lookup: a
// facetTable maps the snapshot's document numbers to their FieldFacet key,
// built once per index snapshot from the facet field's posting lists.
//
// The topic and lang filters are applied in the same pass (a hit whose key
// the request filters out is counted, then dropped), so disjunctive facets
// need no second search.

// facetTable is the FieldFacet key, the paragraph order and the Japanese
// text of every live document of one index reader (a scorch snapshot).
type facetTable struct {
	reader bleveindex.IndexReader // the snapshot it describes; compared, never used
	keys   []string               // keys[0] is "" for documents without one
	ofDoc  []uint16               // index into keys by document number
	// order holds orderBytes per document number: its article's rank among
	// the article ids, then its paragraph number, both big-endian, so that
	// comparing two substrings compares (article, n).
	order string
	// texts holds the Folded text of each Japanese paragraph by document
	// number ("" for the others), for wordSearcher to check a word on;
	// nil when the table was built without the snapshot.
	texts []string
	// articles is how many article ids there are: the ranks in order
	// are below it.
	articles int
}

const orderBytes = 8

// key returns the index into keys of the document with this internal id.
// scorch's internal ids are 8-byte big-endian document numbers, unique
// within a snapshot.
func (t *facetTable) key(id bleveindex.IndexInternalID) uint16 {
	if n, ok := docNum(id); ok && n < uint64(len(t.ofDoc)) {
		return t.ofDoc[n]
	}
	return 0
}

// orderOf returns the (article, n) sort key of the document with this
// internal id.
func (t *facetTable) orderOf(id bleveindex.IndexInternalID) string {
	if n, ok := docNum(id); ok && n < uint64(len(t.order)/orderBytes) {
		return t.order[n*orderBytes : (n+1)*orderBytes]
	}
	return "\xff\xff\xff\xff\xff\xff\xff\xff"
}

// textOf returns the Folded Japanese text of the document with this
// internal id, "" if it has none.
func (t *facetTable) textOf(id bleveindex.IndexInternalID) string {
	if n, ok := docNum(id); ok && n < uint64(len(t.texts)) {
		return t.texts[n]
	}
	return ""
}

// articleRank is the article's rank in an orderOf key.
func articleRank(order string) int {
	return int(order[0])<<24 | int(order[1])<<16 | int(order[2])<<8 | int(order[3])
}

func docNum(id bleveindex.IndexInternalID) (uint64, bool) {
	if len(id) != 8 {
		return 0, false
	}
	return binary.BigEndian.Uint64(id), true
}

// maxFacetKeys bounds the distinct FieldFacet keys (topic sets × languages:
// 16 today): a key's index is a uint16, 0 for none.
const maxFacetKeys = math.MaxUint16

// buildFacetTable builds the table of r, with texts when snap, the
// snapshot r was opened on, is given.
func buildFacetTable(ctx context.Context, r bleveindex.IndexReader, snap *index.Snapshot) (*facetTable, error) {
	t := &facetTable{reader: r}
	var order []byte
	setOrder := func(doc uint64, at int, v uint32) {
		if need := int(doc+1) * orderBytes; need > len(order) {
			order = append(order, make([]byte, need-len(order))...)
		}
		binary.BigEndian.PutUint32(order[int(doc)*orderBytes+at:], v)
	}
	keys, err := eachTerm(ctx, r, index.FieldFacet, nil, func(k int, term string, doc uint64) {
		if doc >= uint64(len(t.ofDoc)) {
			t.ofDoc = slices.Grow(t.ofDoc, int(doc+1)-len(t.ofDoc))[:doc+1]
		}
		t.ofDoc[doc] = uint16(k + 1)
	})
	if err != nil {
		return nil, err
	}
	if len(keys) >= maxFacetKeys {
		return nil, fmt.Errorf("%d distinct %s keys, more than %d", len(keys), index.FieldFacet, maxFacetKeys)
	}
	t.keys = append([]string{""}, keys...)
	// Article ids come from the dictionary in order; paragraph numbers are
	// the numeric field's full-precision terms (shift 0).
	articles, err := eachTerm(ctx, r, index.FieldArticle, nil, func(k int, _ string, doc uint64) {
		setOrder(doc, 0, uint32(k))
	})
	if err != nil {
		return nil, err
	}
	if _, err := eachTerm(ctx, r, index.FieldN, fullPrecision, func(_ int, term string, doc uint64) {
		if i, err := numeric.PrefixCoded(term).Int64(); err == nil {
			setOrder(doc, 4, uint32(numeric.Int64ToFloat64(i)))
		}
	}); err != nil {
		return nil, err
	}
	t.order, t.articles = string(order), len(articles)
	if snap != nil {
		t.texts = make([]string, len(order)/orderBytes)
		for doc := range t.texts {
			at := order[doc*orderBytes:]
			k, n := binary.BigEndian.Uint32(at), int(binary.BigEndian.Uint32(at[4:]))
			if int(k) >= len(articles) {
				continue
			}
			a, ok := snap.Article(articles[k])
			if !ok || n < 1 || n > len(a.Paragraphs) {
				continue
			}
			t.texts[doc] = a.Paragraphs[n-1].FoldedJA()
		}
	}
	return t, nil
}

// fullPrecision reports whether a numeric field's term is a value itself,
// not one of the coarser prefixes indexed for range queries.
func fullPrecision(term string) bool {
	shift, err := numeric.PrefixCoded(term).Shift()
	return err == nil && shift == 0
}

// eachTerm calls fn with every term of field that keep accepts (all when
// keep is nil; k counts them, in dictionary order) and each live document
// number that has it.
func eachTerm(ctx context.Context, r bleveindex.IndexReader, field string, keep func(string) bool, fn func(k int, term string, doc uint64)) ([]string, error) {
	dict, err := r.FieldDict(field)
	if err != nil {
		return nil, err
	}
	var terms []string
	for {
		e, err := dict.Next()
		if err != nil {
			dict.Close()
			return nil, err
		}
		if e == nil {
			break
		}
		if keep == nil || keep(e.Term) {
			terms = append(terms, e.Term)
		}
	}
	if err := dict.Close(); err != nil {
		return nil, err
	}
	var tfd bleveindex.TermFieldDoc
	for k, term := range terms {
		tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
		if err != nil {
			return nil, err
		}
		for {
			d, err := tfr.Next(tfd.Reset())
			if err != nil {
				tfr.Close()
				return nil, err
			}
			if d == nil {
				break
			}
			doc, ok := docNum(d.ID)
			if !ok {
				tfr.Close()
				return nil, fmt.Errorf("internal id of %d bytes: not a scorch index", len(d.ID))
			}
			fn(k, term, doc)
		}
		if err := tfr.Close(); err != nil {
			return nil, err
		}
	}
	return terms, nil
}

// facetTablesKept is how many snapshots' tables Tables keeps: a write
// makes several snapshots in a row (the write itself, scorch persisting and
// merging it), and searches still running on one must not evict the table
// of the next.
const facetTablesKept = 4

// Tables keeps the tables of the index readers searched last, newest
// first: each live document's FieldFacet key, its paragraph order and its
// Japanese text, by document number. A table holds its reader, so a
// reader's address is never reused while it is kept. The zero value is
// ready; a search service keeps one for all its searches.
type Tables struct {
	cur atomic.Pointer[[]*facetTable] // read without mu
	mu  sync.Mutex                    // one build at a time
}

func (c *Tables) find(r bleveindex.IndexReader) *facetTable {
	if ts := c.cur.Load(); ts != nil {
		for _, t := range *ts {
			if t.reader == r {
				return t
			}
		}
	}
	return nil
}

// get returns the table of r, building it if need be; snap, when given,
// is the snapshot r was opened on, and the table then has texts.
func (c *Tables) get(ctx context.Context, r bleveindex.IndexReader, snap *index.Snapshot) (*facetTable, error) {
	found := func() *facetTable {
		if t := c.find(r); t != nil && (snap == nil || t.texts != nil) {
			return t
		}
		return nil
	}
	if t := found(); t != nil {
		return t, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if t := found(); t != nil {
		return t, nil
	}
	t, err := buildFacetTable(ctx, r, snap)
	if err != nil {
		return nil, fmt.Errorf("facet table: %w", err)
	}
	ts := []*facetTable{t}
	if old := c.cur.Load(); old != nil {
		ts = append(ts, (*old)[:min(len(*old), facetTablesKept-1)]...)
	}
	c.cur.Store(&ts)
	return t, nil
}

// FacetCount is one search's facet counts and filter, filled in by the
// searcher of its NewFacetQuery.
type FacetCount struct {
	tables *Tables
	keep   func(topics []string, lang string) bool // nil keeps every hit

	table *facetTable
	n     []int // hits by key index, filtered out or not
	// seen marks the articles, by rank, of the hits kept; articles counts
	// them.
	seen     []bool
	articles int
	// byArticle, with CountArticles, lists by key index the article
	// ranks of its hits, filtered out or not (a rank once in a row).
	byArticle [][]int32
}

// CountArticles makes fc list the articles of each key's hits too, for
// facets that count articles (ArticleCounts).
func (fc *FacetCount) CountArticles() { fc.byArticle = [][]int32{} }

// ArticleCounts returns, by FieldFacet key, the ranks of the articles of
// its hits, sorted, each once; nil unless CountArticles was called before
// the search ran.
func (fc *FacetCount) ArticleCounts() map[string][]int32 {
	if fc.table == nil || fc.byArticle == nil {
		return nil
	}
	m := map[string][]int32{}
	for k, ranks := range fc.byArticle {
		if k > 0 && len(ranks) > 0 {
			slices.Sort(ranks)
			m[fc.table.keys[k]] = slices.Compact(ranks)
		}
	}
	return m
}

// NewFacetCount returns the facet count of one search, read from the
// tables of tables, which keeps the hits whose topics and language keep
// accepts (nil: every hit).
func NewFacetCount(tables *Tables, keep func(topics []string, lang string) bool) *FacetCount {
	return &FacetCount{tables: tables, keep: keep}
}

// Reader returns the index reader the search ran on, nil before it ran.
func (fc *FacetCount) Reader() bleveindex.IndexReader {
	if fc.table == nil {
		return nil
	}
	return fc.table.reader
}

// Articles returns how many articles the hits kept are of.
func (fc *FacetCount) Articles() int { return fc.articles }

// Counts returns the hits counted by FieldFacet key, those the filter
// dropped too; nil before the search ran.
func (fc *FacetCount) Counts() map[string]int {
	if fc.table == nil {
		return nil
	}
	m := make(map[string]int, len(fc.n))
	for k, n := range fc.n {
		if n > 0 && k > 0 {
			m[fc.table.keys[k]] = n
		}
	}
	return m
}

// NewFacetQuery returns q, whose searcher counts every hit of q in fc by
// facet key and passes on only those fc keeps. It must be the request's
// top-level query: a searcher above it that skips ahead (Advance) would
// skip counting.
func NewFacetQuery(q query.Query, fc *FacetCount) query.Query {
	return &facetQuery{Query: q, fc: fc}
}

type facetQuery struct {
	query.Query
	fc *FacetCount
}

func (q *facetQuery) MarshalJSON() ([]byte, error) { return json.Marshal(q.Query) }

func (q *facetQuery) Searcher(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	t, err := q.fc.tables.get(ctx, r, index.Searched(ctx))
	if err != nil {
		return nil, err
	}
	inner, err := q.Query.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	fc := q.fc
	fc.table = t
	fc.n = make([]int, len(t.keys))
	keep := make([]bool, len(t.keys))
	for k, key := range t.keys {
		keep[k] = fc.keep == nil || (k > 0 && fc.keep(index.ParseFacetKey(key)))
	}
	n := fc.n
	fc.seen, fc.articles = make([]bool, t.articles), 0
	if fc.byArticle != nil {
		fc.byArticle = make([][]int32, len(t.keys))
	}
	return &filterSearcher{Searcher: inner, keep: func(_ *bsearch.SearchContext, dm *bsearch.DocumentMatch) bool {
		k := t.key(dm.IndexInternalID)
		n[k]++
		a := articleRank(t.orderOf(dm.IndexInternalID))
		if fc.byArticle != nil {
			if ranks := fc.byArticle[k]; len(ranks) == 0 || ranks[len(ranks)-1] != int32(a) {
				fc.byArticle[k] = append(ranks, int32(a))
			}
		}
		if !keep[k] {
			return false
		}
		if a < len(fc.seen) && !fc.seen[a] {
			fc.seen[a] = true
			fc.articles++
		}
		return true
	}}, nil
}

// NewParagraphOrder returns a sort key, (article, paragraph number), read
// from the table of fc's search rather than from each hit's doc values.
// After the score it makes the order of equal scores the reading order,
// whatever order the index holds the paragraphs in.
func NewParagraphOrder(fc *FacetCount) bsearch.SearchSort { return &paragraphOrder{fc} }

type paragraphOrder struct{ fc *FacetCount }

func (o *paragraphOrder) Value(d *bsearch.DocumentMatch) string {
	return o.fc.table.orderOf(d.IndexInternalID)
}
func (o *paragraphOrder) UpdateVisitor(string, []byte) {}
func (o *paragraphOrder) DecodeValue(v string) string  { return v }
func (o *paragraphOrder) Descending() bool             { return false }
func (o *paragraphOrder) RequiresDocID() bool          { return false }
func (o *paragraphOrder) RequiresScoring() bool        { return false }
func (o *paragraphOrder) RequiresFields() []string     { return nil }
func (o *paragraphOrder) Reverse()                     {}
func (o *paragraphOrder) Copy() bsearch.SearchSort     { c := *o; return &c }
func (o *paragraphOrder) MarshalJSON() ([]byte, error) { return json.Marshal("paragraph order") }
