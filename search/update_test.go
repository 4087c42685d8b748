package search

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"nmnsearch/index"
)

// A search while an article is being replaced sees the old article or the
// new one, never a mix: every hit of one result comes from one version, and
// its highlight marks that version's text. Searches alternate between
// highlighting from the main search and from a second one (locate), which
// the index may change between.
func TestSearchDuringUpdates(t *testing.T) {
	ix, err := index.Build(os.DirFS("../index/testdata"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	s := New(ix, nil)
	// The versions differ in length too: hits of one version read with the
	// paragraphs of the other would lose or mislabel some.
	version := func(v string, paragraphs int) index.Article {
		var b strings.Builder
		fmt.Fprintf(&b, "Update marker article %s\n\n", v)
		for i := range paragraphs {
			fmt.Fprintf(&b, "Paragraph %d of the update marker article says version%s about melatonin.\n\n", i, v)
		}
		a, err := index.ParseArticle("099-update", []byte(b.String()), "sleep")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	va, vb := version("a", 12), version("b", 6)
	want := map[string]int{"a": 13, "b": 7} // with the title
	deadline := time.Now().Add(time.Second)
	wait := putInTurn(t, ix, deadline, va, vb)
	searches := 0
	for time.Now().Before(deadline) {
		s.locateApartAbove = []int{locateApartAbove, 0}[searches%2]
		res, err := s.Search(context.Background(), Request{Q: `"update marker"`, Size: MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		searches++
		seen := map[string]bool{}
		for _, h := range res.Hits {
			if strings.ReplaceAll(strings.ReplaceAll(h.Highlight, "<mark>", ""), "</mark>", "") != h.Text ||
				!strings.Contains(strings.ToLower(h.Highlight), "<mark>update marker</mark>") {
				t.Fatalf("hit %s: highlight %q of text %q", h.ID, h.Highlight, h.Text)
			}
			switch {
			case strings.Contains(h.Text, "versiona"):
				seen["a"] = true
			case strings.Contains(h.Text, "versionb"):
				seen["b"] = true
			}
		}
		if len(seen) != 1 {
			t.Fatalf("one result holds versions %v", seen)
		}
		for v := range seen {
			if len(res.Hits) != want[v] || res.Total != uint64(want[v]) {
				t.Fatalf("version %s: %d hits of %d, want %d", v, len(res.Hits), res.Total, want[v])
			}
		}
	}
	wait()
	t.Logf("%d searches during updates", searches)
}

// Marking an article while it is being replaced marks one version and
// returns that version: as many mark lists as it has paragraphs, each with
// its own marker word marked where its text has it (the versions put it at
// different places).
func TestMarkArticleDuringUpdates(t *testing.T) {
	ix, err := index.Build(os.DirFS("../index/testdata"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	s := New(ix, nil)
	texts := map[string][]string{
		"versiona": {"Marking article a"},
		"versionb": {"Marking article b"},
	}
	for i := range 12 {
		texts["versiona"] = append(texts["versiona"], fmt.Sprintf("Paragraph %d says versiona about melatonin.", i))
	}
	for i := range 6 {
		texts["versionb"] = append(texts["versionb"], fmt.Sprintf("In the other version, paragraph %d of it names versionb.", i))
	}
	article := func(marker string) index.Article {
		a, err := index.ParseArticle("099-marks", []byte(strings.Join(texts[marker], "\n\n")), "sleep")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	va, vb := article("versiona"), article("versionb")
	deadline := time.Now().Add(time.Second)
	wait := putInTurn(t, ix, deadline, va, vb)
	marked := 0
	for time.Now().Before(deadline) {
		// Quoted: no typo or prefix matches (versiona finds "version").
		a, marks, err := s.MarkArticle(context.Background(), "099-marks", `"versiona" "versionb"`)
		if err != nil {
			t.Fatal(err)
		}
		marked++
		marker := "versiona"
		if strings.HasSuffix(a.Title, " b") {
			marker = "versionb"
		}
		if len(a.Paragraphs) != len(texts[marker]) || len(marks) != len(a.Paragraphs) {
			t.Fatalf("%s: %d paragraphs and %d mark lists, want %d", marker, len(a.Paragraphs), len(marks), len(texts[marker]))
		}
		for i, ms := range marks[1:] {
			p := a.Paragraphs[i+1].Text
			if len(ms) != 1 || ms[0].Start < 0 || ms[0].End > len(p) || p[ms[0].Start:ms[0].End] != marker {
				t.Fatalf("%s paragraph %d %q: marks %v, want its %s alone", marker, i+1, p, ms, marker)
			}
		}
	}
	wait()
	t.Logf("%d markings during updates", marked)
}

// putInTurn puts the first version, then, in a goroutine, each version in
// turn until deadline; wait waits for that goroutine.
func putInTurn(t *testing.T, ix *index.Index, deadline time.Time, versions ...index.Article) (wait func()) {
	t.Helper()
	if err := ix.Put(versions[0]); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 1; time.Now().Before(deadline); i++ {
			if err := ix.Put(versions[i%len(versions)]); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	return func() { <-done }
}

// An index whose articles were all deleted is ready: a load balancer must
// not drop a healthy service for being empty.
func TestReadyWhenEmpty(t *testing.T) {
	ix, err := index.New()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if s := New(ix, nil); !s.Ready() {
		t.Error("an empty index is not ready")
	}
}

// A search's query is built from the snapshot it runs on: an article
// written after the search began, but before its searcher read the index,
// is found by an English prefix of its word, which the query expands
// through that snapshot's vocabulary (issue 21: the expansions came from
// the snapshot before).
func TestQueryBuiltFromTheSnapshotSearched(t *testing.T) {
	ix, err := index.Build(fstest.MapFS{"a.txt": {Data: []byte("Sleep\nA paragraph about sleep and rest.")}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	s := New(ix, nil)
	testHookSearch = func() {
		testHookSearch = nil
		err := ix.PutSource(index.Source{ID: "b", Text: "Marsupials\nA zyxwvuts paragraph written as the search began."})
		if err != nil {
			t.Error(err)
		}
	}
	defer func() { testHookSearch = nil }()
	res, err := s.Search(context.Background(), Request{Q: "zyxwv"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 || res.Hits[0].ID != "b-2" || !strings.Contains(res.Hits[0].Highlight, "<mark>zyxwvuts</mark>") {
		t.Errorf("zyxwv found %+v, want b-2 with zyxwvuts marked", res.Hits)
	}
}
