package bleveq

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"nmnsearch/index"
)

// fixture is an index and the tables its searches read, as package
// search keeps them.
type fixture struct {
	ix     *index.Index
	tables Tables
}

var (
	seedOnce    sync.Once
	seedFixture *fixture
	seedErr     error
)

// seeds returns the fixture of the three seed articles in index/testdata,
// built once per test binary.
func seeds(tb testing.TB) *fixture {
	tb.Helper()
	seedOnce.Do(func() {
		var ix *index.Index
		ix, seedErr = index.Build(os.DirFS("../../index/testdata"))
		seedFixture = &fixture{ix: ix}
	})
	if seedErr != nil {
		tb.Fatal(seedErr)
	}
	return seedFixture
}

// over returns the fixture of one article of these lines, stored as the
// file name in an in-memory file system.
func over(tb testing.TB, name string, lines ...string) *fixture {
	tb.Helper()
	ix, err := index.Build(fstest.MapFS{name: {Data: []byte(strings.Join(lines, "\n"))}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	return &fixture{ix: ix}
}

// analyze returns text's tokens in the analyzer of this name.
func (f *fixture) analyze(analyzer, text string) analysis.TokenStream {
	return f.ix.Bleve().Mapping().AnalyzerNamed(analyzer).Analyze([]byte(text))
}

// phrase is the phrase of toks in field, a word when they spell one, as
// package search builds it.
func (f *fixture) phrase(toks analysis.TokenStream, field string) query.Query {
	return NewPhrase(Slots(toks), field, toks, &f.tables)
}

// stats returns the BM25 statistics of field, which package search scores
// each field's queries with (WithStats).
func (f *fixture) stats(field string) *bsearch.BM25Stats {
	var st *bsearch.BM25Stats
	f.ix.View(func(v *index.Snapshot) error {
		st = v.BM25Stats(field)
		return nil
	})
	return st
}

// withReader calls fn with a snapshot of f's index and a bleve index
// reader on it, closed after fn returns; an error from either fails tb.
func (f *fixture) withReader(tb testing.TB, fn func(v *index.Snapshot, r bleveindex.IndexReader) error) {
	tb.Helper()
	err := f.ix.View(func(v *index.Snapshot) error {
		adv, err := v.Bleve().Advanced()
		if err != nil {
			return err
		}
		r, err := adv.Reader()
		if err != nil {
			return err
		}
		defer r.Close()
		return fn(v, r)
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// text returns the text of the paragraph with this id.
func (f *fixture) text(id string) string {
	var text string
	f.ix.View(func(v *index.Snapshot) error {
		if p, ok := v.Paragraph(id); ok {
			text = p.Text
		}
		return nil
	})
	return text
}

// hitRow is a hit as run returns it.
type hitRow struct {
	id    string
	score float64
	locs  []string // sorted, when asked for
}

// show prints rows, with their scores or not.
func show(rows []hitRow, scores bool) string {
	out := ""
	for _, r := range rows {
		out += r.id
		if scores {
			out += fmt.Sprintf(" %.9f", math.Round(r.score*1e9)/1e9)
		}
		if r.locs != nil {
			out += fmt.Sprint(" ", r.locs)
		}
		out += "; "
	}
	return out
}

func withoutLocations(rows []hitRow) []hitRow {
	out := slices.Clone(rows)
	for i := range out {
		out[i].locs = nil
	}
	return out
}

// run returns the hits of q by id: id, score and, with locations, the
// sorted positions of each. It searches as package search does, under a
// facet query, in index.Snapshot.Search (so that a word may be checked on
// the text of the snapshot searched).
func (f *fixture) run(t *testing.T, q query.Query, withLocations bool) []hitRow {
	t.Helper()
	var sr *bleve.SearchResult
	err := f.ix.View(func(v *index.Snapshot) error {
		req := bleve.NewSearchRequestOptions(NewFacetQuery(q, NewFacetCount(&f.tables, nil)), 1000, 0, false)
		req.IncludeLocations = withLocations
		req.SortBy([]string{"_id"})
		var err error
		sr, _, err = v.Search(context.Background(), req)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []hitRow
	for _, h := range sr.Hits {
		r := hitRow{id: h.ID, score: h.Score}
		if withLocations { // bleve's phrase searcher gives them unasked
			r.locs = locations(h)
		}
		out = append(out, r)
	}
	return out
}

func locations(h *bsearch.DocumentMatch) []string {
	out := []string{}
	for field, terms := range h.Locations {
		for term, locs := range terms {
			for _, l := range locs {
				out = append(out, fmt.Sprintf("%s:%s@%d[%d:%d]", field, term, l.Pos, l.Start, l.End))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
