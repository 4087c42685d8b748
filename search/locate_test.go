package search

import (
	"context"
	"slices"
	"testing"

	bleveindex "github.com/blevesearch/bleve_index_api"
)

// Highlights are the same whether the positions of matches come with the
// search (a small index) or from a second search over the returned hits
// (a large one).
func TestLocateApart(t *testing.T) {
	inline := seedSearch(t)
	apart := New(inline.ix, nil)
	apart.locateApartAbove = -1
	ctx := context.Background()
	for _, q := range []string{"メラトニン", "NAD+", "睡眠", "melatonin sleep", "飲む", `"blood sugar"`, "脳", "sensitivty", "入眠困難", "NAD+ -睡眠"} {
		for _, r := range []Request{{Q: q}, {Q: q, Topics: []string{"sleep"}}, {Q: q, Page: 2}} {
			a, err := inline.Search(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			b, err := apart.Search(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			if a.Total != b.Total || len(a.Hits) != len(b.Hits) {
				t.Errorf("%+v: total %d, %d hits inline; %d, %d apart", r, a.Total, len(a.Hits), b.Total, len(b.Hits))
				continue
			}
			marked := 0
			for i := range a.Hits {
				if a.Hits[i].ID != b.Hits[i].ID || a.Hits[i].Highlight != b.Hits[i].Highlight {
					t.Errorf("%+v hit %d:\n inline %s %s\n apart  %s %s", r, i, a.Hits[i].ID, a.Hits[i].Highlight, b.Hits[i].ID, b.Hits[i].Highlight)
				}
				if a.Hits[i].Highlight != a.Hits[i].Text {
					marked++
				}
			}
			if len(a.Hits) > 0 && marked == 0 {
				t.Errorf("%+v: no hit has a mark", r)
			}
			if !slices.Equal(a.Facets.Topic, b.Facets.Topic) {
				t.Errorf("%+v: facets differ", r)
			}
		}
	}
}

// The facet tables of the last few snapshots are kept: a search on an older
// one does not make the newer one's table be built again.
func TestFacetTablesKept(t *testing.T) {
	a := serviceOver(t, "700_a.txt", "Table A", "", "The alphaword paragraph.")
	b := serviceOver(t, "701_b.txt", "Table B", "", "The betaword paragraph.")
	reader := func(s *Service) bleveindex.IndexReader {
		adv, err := s.ix.Bleve().Advanced()
		if err != nil {
			t.Fatal(err)
		}
		r, err := adv.Reader()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		return r
	}
	ra, rb := reader(a), reader(b)
	var c facetTables
	ctx := context.Background()
	ta, err := c.get(ctx, ra, nil)
	if err != nil {
		t.Fatal(err)
	}
	tb, _ := c.get(ctx, rb, nil)
	if again, _ := c.get(ctx, ra, nil); again != ta {
		t.Error("A's table was built again after B's")
	}
	if again, _ := c.get(ctx, rb, nil); again != tb {
		t.Error("B's table was built again")
	}
	if ta == tb || len(ta.keys) < 2 || len(ta.ofDoc) == 0 {
		t.Errorf("tables: A %+v, B %+v", ta, tb)
	}
}
