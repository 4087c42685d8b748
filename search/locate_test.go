package search

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"nmnsearch/index"
	"nmnsearch/search/bleveq"
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

// locate finds a Japanese word's spans on the page's text when its search
// reads the snapshot the main search read, and through the bigrams'
// positions when not (a merge between the two renumbers documents): the
// highlights are the same, half-width text included.
func TestLocateWordOnText(t *testing.T) {
	s := serviceOver(t, "900_locate.txt", "語の位置", "",
		"ﾒﾗﾄﾆﾝの話。メラトニンとメラトニン。", "", "メラトニンの話です。", "", "睡眠の話です。")
	text, _, mk := s.now().textQuery(Parse("メラトニン"))
	err := s.ix.View(func(v *index.Snapshot) error {
		fc := bleveq.NewFacetCount(&s.tables, nil)
		sr, _, err := v.Search(context.Background(), bleve.NewSearchRequestOptions(bleveq.NewFacetQuery(text, fc), 10, 0, false))
		if err != nil {
			return err
		}
		if len(sr.Hits) != 2 {
			t.Fatalf("%d hits, want 2", len(sr.Hits))
		}
		onText, err := s.locate(context.Background(), v, fc.Reader(), text, sr.Hits)
		if err != nil {
			return err
		}
		byPositions, err := s.locate(context.Background(), v, nil, text, sr.Hits)
		if err != nil {
			return err
		}
		for _, h := range sr.Hits {
			p, _ := v.Paragraph(h.ID)
			a, b := Highlight(p.Text, mk.spans(p.Text, onText[h.ID])), Highlight(p.Text, mk.spans(p.Text, byPositions[h.ID]))
			if a != b || !strings.Contains(a, "<mark>") {
				t.Errorf("%s: on the text %s, by positions %s", h.ID, a, b)
			}
			// A word found on the text (bleveq.OnPage) has no positions; bleve's start at 1.
			for _, locs := range onText[h.ID].Locations[index.FieldJA] {
				for _, l := range locs {
					if l.Pos != 0 {
						t.Errorf("%s: position %d: the word was not located on the text", h.ID, l.Pos)
					}
				}
			}
			for _, locs := range byPositions[h.ID].Locations[index.FieldJA] {
				for _, l := range locs {
					if l.Pos == 0 {
						t.Errorf("%s: located on the text, for a search on another reader", h.ID)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
