package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// readAll does what package search does with the index outside View,
// through Bleve(), and returns the first error: a search, the dictionaries
// of typos and prefixes (Advanced, FieldDictPrefix), the document count.
func readAll(ix *Index) error {
	b := ix.Bleve()
	q := bleve.NewTermQuery("nmn")
	q.SetField(FieldENWord)
	sr, err := b.Search(bleve.NewSearchRequest(q))
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if sr.Total == 0 {
		return fmt.Errorf("search: no hits")
	}
	if _, err := b.Advanced(); err != nil {
		return fmt.Errorf("advanced: %w", err)
	}
	exps, err := ix.EnglishExpansions("melatonn", 1, true, 10)
	if err != nil || len(exps) == 0 {
		return fmt.Errorf("expansions %v: %w", exps, err)
	}
	dict, err := b.FieldDictPrefix(FieldJA, []byte("睡"))
	if err != nil {
		return fmt.Errorf("prefix dict: %w", err)
	}
	n := 0
	for e, err := dict.Next(); e != nil || err != nil; e, err = dict.Next() {
		if err != nil {
			dict.Close()
			return err
		}
		n++
	}
	dict.Close()
	if n == 0 {
		return fmt.Errorf("prefix dict: no terms")
	}
	if c, err := b.DocCount(); err != nil || c == 0 {
		return fmt.Errorf("doc count %d: %v", c, err)
	}
	if len(ix.BigramsEndingWith("眠")) == 0 {
		return fmt.Errorf("no bigrams ending with 眠")
	}
	return nil
}

// Reindex builds a new index, applies the writes made while it built, and
// swaps it in while searches through View and through Bleve() go on
// without an error; the old index directory is deleted, and the data
// directory reopens on the new one.
func TestReindex(t *testing.T) {
	withVersionedIndex(t, func(t *testing.T, dir string, ix *Index) {
		want := fingerprint(t, ix)

		var done atomic.Bool
		var reads atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for !done.Load() {
					var err error
					if i%2 == 0 {
						err = readAll(ix)
					} else {
						err = checkView(ix)
					}
					if err != nil {
						errs <- err
						return
					}
					reads.Add(1)
				}
			}()
		}
		for range 2 {
			if err := ix.Reindex(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if dir != "" {
			// Writes while the new index is built are applied to it.
			reindexHook = func() {
				if err := ix.Put(srcArticle(t, Source{ID: "during", Text: "During\nWritten during reindexzyx."})); err != nil {
					t.Error(err)
				}
				if err := ix.Put(srcArticle(t, versions[1].src)); err != nil {
					t.Error(err)
				}
				if err := ix.Delete("000-5f7a80a9702da62d"); err != nil {
					t.Error(err)
				}
			}
			defer func() { reindexHook = nil }()
			if err := ix.Reindex(context.Background()); err != nil {
				t.Fatal(err)
			}
			reindexHook = nil
		}
		done.Store(true)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		t.Logf("%d reads during the reindexing", reads.Load())
		if err := readAll(ix); err != nil {
			t.Error(err)
		}
		if dir == "" {
			if got := fingerprint(t, ix); got != want {
				t.Errorf("reindexed:\n%s\nwant\n%s", got, want)
			}
			return
		}

		check := func(when string) {
			t.Helper()
			if err := checkView(ix); err != nil {
				t.Errorf("%s: %v", when, err)
			}
			if hits := wordHits(t, ix.Bleve(), "reindexzyx"); !slices.Equal(hits, []string{"during-2"}) {
				t.Errorf("%s: a write during the reindexing finds %v", when, hits)
			}
			if hits := wordHits(t, ix.Bleve(), "betamark"); len(hits) != 5 {
				t.Errorf("%s: a replacement during the reindexing finds %v", when, hits)
			}
			if hits := wordHits(t, ix.Bleve(), "insulin"); len(hits) != 0 {
				t.Errorf("%s: an article deleted during the reindexing finds %v", when, hits)
			}
		}
		check("reindexed")
		if got := dirNames(t, dir); !slices.Equal(got, []string{"articles.db", "index-4"}) {
			t.Errorf("after three reindexings the data directory holds %v", got)
		}
		want = fingerprint(t, ix)
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
		ix, err := Open(dir, os.DirFS("testdata"))
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		if info := ix.OpenInfo(); info.Rebuilt || info.Reapplied != 0 {
			t.Errorf("reopened: %+v", info)
		}
		check("reopened")
		if got := fingerprint(t, ix); got != want {
			t.Errorf("reopened:\n%s\nwant\n%s", got, want)
		}
	})
}

// A reindex whose context ends (the service is stopping) stops and removes
// what it built: the index in use stays, serves, and is the one the next
// start opens, with nothing to rebuild.
func TestReindexStopsAtContext(t *testing.T) {
	dir := t.TempDir()
	ix := openT(t, dir, "testdata")
	before, _ := filepath.Glob(filepath.Join(dir, indexPrefix+"*"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := ix.Reindex(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Reindex with its context ended: %v, want context.Canceled", err)
	}
	if after, _ := filepath.Glob(filepath.Join(dir, indexPrefix+"*")); !slices.Equal(after, before) {
		t.Errorf("index directories %v after a stopped reindex, want %v", after, before)
	}
	if hits := wordHits(t, ix.Bleve(), "sleep"); len(hits) == 0 {
		t.Error("the index in use finds nothing after a stopped reindex")
	}
	ix.Close()
	ix = openT(t, dir, "testdata")
	if info := ix.OpenInfo(); info.Rebuilt {
		t.Errorf("the next start: %+v, want the index opened as it is", info)
	}
}
