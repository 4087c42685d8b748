package search

import (
	"context"
	"slices"
	"testing"
)

// Highlights are the same whether the positions of matches come with the
// search (a small index) or from a second search over the returned hits
// (a large one).
func TestLocateApart(t *testing.T) {
	inline := seedSearch(t)
	apart := New(inline.ix)
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
