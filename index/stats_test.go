package index

import (
	"os"
	"testing"
)

// BM25Stats gives each text field its own paragraph count and true average
// length, and stays right when an article is replaced.
func TestBM25Stats(t *testing.T) {
	ix, err := Build(os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs := map[string]int{}
	for _, a := range ix.Articles() {
		for _, p := range a.Paragraphs {
			docs[p.Lang]++
		}
	}
	check := func(when string) {
		t.Helper()
		for _, f := range []struct {
			field, lang string
			minAvg      float64
		}{
			{FieldJA, LangJA, 20}, // bigrams: about one per character
			{FieldJABase, LangJA, 10},
			{FieldEN, LangEN, 8},
		} {
			st := ix.BM25Stats(f.field)
			if st == nil {
				t.Fatalf("%s: no stats for %s", when, f.field)
			}
			if int(st.DocCount) != docs[f.lang] {
				t.Errorf("%s: %s DocCount %v, want the %d %s paragraphs", when, f.field, st.DocCount, docs[f.lang], f.lang)
			}
			if avg := float64(st.FieldCardinality[f.field]) / st.DocCount; avg < f.minAvg || avg > 200 {
				t.Errorf("%s: %s average length %.1f tokens, want %.0f to 200", when, f.field, avg, f.minAvg)
			}
		}
	}
	check("built")
	before := *ix.BM25Stats(FieldJA)
	arts, err := ReadArticles(os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Add(arts[1]); err != nil { // replace one article
		t.Fatal(err)
	}
	check("after a replace")
	if after := ix.BM25Stats(FieldJA); after.DocCount != before.DocCount ||
		after.FieldCardinality[FieldJA] != before.FieldCardinality[FieldJA] {
		t.Errorf("replacing an article changed %s stats: %+v -> %+v", FieldJA, before, *after)
	}
	if st := ix.BM25Stats("no_such_field"); st != nil {
		t.Errorf("unknown field: %+v, want nil", st)
	}
}
