package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// versions of one article: each paragraph but the title says zebrafish and
// its version's marker, and the versions differ in length, so a search
// that mixed them would find ids of one version with texts of the other,
// or ids the snapshot lacks.
var versions = []struct {
	marker string
	src    Source
}{
	{"alphamark", Source{ID: "900-zebra", Paragraphs: []string{"Version one",
		"zebrafish alphamark one.", "zebrafish alphamark two.", "zebrafish alphamark three."}}},
	{"betamark", Source{ID: "900-zebra", Paragraphs: []string{"Version two",
		"zebrafish betamark one.", "zebrafish betamark two.", "zebrafish betamark three.",
		"zebrafish betamark four.", "zebrafish betamark five."}}},
}

// checkView searches zebrafish within one View and checks that the hits
// and the paragraphs and article they look up in the snapshot the search
// names are all of one version. A search that meets ErrChanged runs again,
// as search.Service's do: a busy machine can hold a search between taking
// its bleve state and resolving it while two writes go in. The third try
// holds writes off, and ErrChanged there fails.
func checkView(ix *Index) error {
	for try := 1; ; try++ {
		view := ix.View
		if try == 3 {
			view = ix.ViewBetweenWrites
		}
		_, err := zebraMarkerIn(view)
		if !errors.Is(err, ErrChanged) || try == 3 {
			return err
		}
		viewsChanged.Add(1)
	}
}

// viewsChanged counts checkView's searches that met ErrChanged.
var viewsChanged atomic.Int64

// zebraMarker is checkView's search, once, in View, returning the version
// marker the hits say.
func zebraMarker(ix *Index) (marker string, err error) { return zebraMarkerIn(ix.View) }

func zebraMarkerIn(view func(func(*Snapshot) error) error) (marker string, err error) {
	err = view(func(v *Snapshot) error {
		q := bleve.NewTermQuery("zebrafish")
		q.SetField(FieldENWord)
		sr, s, err := v.Search(context.Background(), bleve.NewSearchRequestOptions(q, 100, 0, false))
		if err != nil {
			return err
		}
		for _, h := range sr.Hits {
			p, ok := s.Paragraph(h.ID)
			if !ok {
				return fmt.Errorf("hit %s is not in the snapshot", h.ID)
			}
			m := strings.Fields(p.Text)[1]
			if marker == "" {
				marker = m
			}
			if m != marker {
				return fmt.Errorf("hit %s says %s, an earlier one %s", h.ID, m, marker)
			}
		}
		a, ok := s.Article("900-zebra")
		if !ok {
			return fmt.Errorf("no article")
		}
		if n := len(a.Paragraphs) - 1; int(sr.Total) != n || len(sr.Hits) != n {
			return fmt.Errorf("%d hits (%d shown) of a version of %d paragraphs", sr.Total, len(sr.Hits), n)
		}
		if !strings.Contains(a.Paragraphs[1].Text, marker) {
			return fmt.Errorf("the article says %q, its hits %s", a.Paragraphs[1].Text, marker)
		}
		return nil
	})
	return marker, err
}

// While one goroutine puts the two versions of an article in turn (and
// reindexes now and then), searches within View see one version or the
// other, never a mix.
func TestViewSeesOneVersion(t *testing.T) {
	withVersionedIndex(t, func(t *testing.T, dir string, ix *Index) {
		const puts = 60
		changed := viewsChanged.Load()
		var done atomic.Bool
		var views atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for !done.Load() {
					if err := checkView(ix); err != nil {
						errs <- err
						return
					}
					views.Add(1)
				}
			}()
		}
		for i := range puts {
			v := versions[i%2]
			if err := ix.Put(srcArticle(t, v.src)); err != nil {
				t.Fatal(err)
			}
			if i%20 == 10 {
				if err := ix.Reindex(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
		}
		done.Store(true)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		t.Logf("%d puts, %d consistent views, %d searches run again (ErrChanged)", puts, views.Load(), viewsChanged.Load()-changed)
	})
}

// withVersionedIndex runs fn on an index in memory (dir "") and on one on disk,
// each holding the seeds and the first version of the test article.
func withVersionedIndex(t *testing.T, fn func(t *testing.T, dir string, ix *Index)) {
	for _, dir := range []string{"", t.TempDir()} {
		name := "memory"
		if dir != "" {
			name = "disk"
		}
		t.Run(name, func(t *testing.T) {
			ix, err := Open(dir, os.DirFS("testdata"))
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			if err := ix.Put(srcArticle(t, versions[0].src)); err != nil {
				t.Fatal(err)
			}
			fn(t, dir, ix)
		})
	}
}

// A search does not wait for a write: while a write is held just before
// its batch, searches answer from the version before it; held once the
// batch is in but before its snapshot is published, from the new one (the
// snapshot the bleve state names); once it is done, from the new one. (The
// lock searches used to share with writes held them back for as long as
// bleve indexed the batch: a second for an article of 2,000 paragraphs.)
func TestSearchesDoNotWaitForWrites(t *testing.T) {
	withVersionedIndex(t, func(t *testing.T, dir string, ix *Index) {
		before, in := make(chan struct{}), make(chan struct{})
		release := make(chan struct{})
		testHookApply = func() {
			close(before)
			<-release
		}
		testHookApplied = func() {
			close(in)
			<-release
		}
		defer func() { testHookApply, testHookApplied = nil, nil }()
		put := make(chan error, 1)
		go func() { put <- ix.Put(srcArticle(t, versions[1].src)) }()

		search := func(when string, want string) {
			t.Helper()
			searched := make(chan string, 1)
			go func() {
				m, err := zebraMarker(ix)
				if err != nil {
					m = err.Error()
				}
				searched <- m
			}()
			select {
			case m := <-searched:
				if m != want {
					t.Errorf("%s: %s, want %s", when, m, want)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("%s: the search waited for the write", when)
			}
		}
		<-before
		search("before the batch", versions[0].marker)
		release <- struct{}{}
		<-in
		search("batch in, snapshot not published", versions[1].marker)
		close(release)
		if err := <-put; err != nil {
			t.Fatal(err)
		}
		search("after the write", versions[1].marker)
	})
}

// A Reindex swaps in its new index while a View still reads the old one:
// the old one stays open until the View is done.
func TestReindexWaitsForViews(t *testing.T) {
	withVersionedIndex(t, func(t *testing.T, dir string, ix *Index) {
		reindexed := make(chan error, 1)
		waiting := make(chan struct{})
		testHookWaitUsers = func() { close(waiting) }
		defer func() { testHookWaitUsers = nil }()
		err := ix.View(func(v *Snapshot) error {
			go func() { reindexed <- ix.Reindex(context.Background()) }()
			for ix.snap() == v {
				select {
				case err := <-reindexed:
					return fmt.Errorf("Reindex returned (%v) while a View held the old index", err)
				case <-time.After(time.Millisecond):
				}
			}
			// Swapped: Reindex now waits to close v's index.
			<-waiting
			q := bleve.NewTermQuery("zebrafish")
			q.SetField(FieldENWord)
			sr, seen, err := v.Search(context.Background(), bleve.NewSearchRequestOptions(q, 100, 0, false))
			if err != nil {
				return fmt.Errorf("search on the swapped-out index: %w", err)
			}
			if seen != v || sr.Total != uint64(len(seen.articles["900-zebra"].Paragraphs)-1) {
				return fmt.Errorf("search on the swapped-out index: %d hits, snapshot %p of %p", sr.Total, seen, v)
			}
			return nil
		})
		if err != nil {
			t.Error(err)
		}
		if err := <-reindexed; err != nil {
			t.Fatal(err)
		}
	})
}
