package index

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// damageInPlace inverts the bytes of f from from% to to% of its length,
// writing over them as a disk's fault would, without truncating the file
// scorch has mapped in memory.
func damageInPlace(t *testing.T, f string, from, to int) {
	t.Helper()
	fh, err := os.OpenFile(f, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		t.Fatal(err)
	}
	n := st.Size()
	buf := make([]byte, n*int64(to-from)/100)
	if _, err := fh.ReadAt(buf, n*int64(from)/100); err != nil {
		t.Fatal(err)
	}
	for i := range buf {
		buf[i] ^= 0xff
	}
	if _, err := fh.WriteAt(buf, n*int64(from)/100); err != nil {
		t.Fatal(err)
	}
}

// A segment damaged while the index serves makes bleve panic (a postings
// list's bounds) or fail (a dictionary's header): the search that meets it,
// and the reads after it, get ErrDamaged while the index is rebuilt from
// the store, which then serves every article, the last write included.
func TestDamageWhileServingHeals(t *testing.T) {
	for _, span := range []struct {
		name     string
		from, to int
	}{{"panic", 1, 3}, {"error", 1, 70}} {
		t.Run(span.name, func(t *testing.T) {
			dir := t.TempDir()
			ix, log := openLogged(t, dir)
			if err := ix.Put(srcArticle(t, Source{ID: "900-kept", Text: "Kept\nA quokkazyx paragraph that must survive."})); err != nil {
				t.Fatal(err)
			}
			before, _ := filepath.Glob(filepath.Join(dir, indexPrefix+"*"))
			segments, _ := filepath.Glob(filepath.Join(dir, indexPrefix+"*", "store", "*.zap"))
			if len(segments) == 0 {
				t.Fatal("no segment to damage")
			}
			for _, f := range segments {
				damageInPlace(t, f, span.from, span.to)
			}
			search := func(word string) error {
				return ix.View(func(s *Snapshot) error {
					q := bleve.NewMatchQuery(word)
					q.SetField(FieldENWord)
					_, _, err := s.Search(context.Background(), bleve.NewSearchRequest(q))
					return err
				})
			}
			var found error
			for _, w := range []string{"sleep", "nmn", "insulin", "quokkazyx"} {
				if found = search(w); found != nil {
					break
				}
			}
			if !errors.Is(found, ErrDamaged) {
				t.Fatalf("searches of the damaged index: %v, want ErrDamaged", found)
			}
			deadline := time.Now().Add(30 * time.Second)
			for ix.Healing() {
				if time.Now().After(deadline) {
					t.Fatal("still healing after 30 s")
				}
				time.Sleep(5 * time.Millisecond)
			}
			if err := search("sleep"); err != nil {
				t.Fatalf("after the rebuild: %v", err)
			}
			if hits := wordHits(t, ix.Bleve(), "quokkazyx"); !slices.Equal(hits, []string{"900-kept-2"}) {
				t.Errorf("after the rebuild quokkazyx finds %v", hits)
			}
			if after, _ := filepath.Glob(filepath.Join(dir, indexPrefix+"*")); slices.Equal(after, before) {
				t.Errorf("index directories %v, before %v: want a new one", after, before)
			}
			for _, want := range []string{"level=WARN msg=\"index damaged", "level=INFO msg=\"index rebuilt after damage"} {
				if !strings.Contains(log.String(), want) {
					t.Errorf("log lacks %s:\n%s", want, log.String())
				}
			}
		})
	}
}

// openLogged opens dir with the test seeds, its log written to the buffer
// it returns; the index is closed when the test ends.
func openLogged(t *testing.T, dir string) (*Index, *bytes.Buffer) {
	t.Helper()
	var log bytes.Buffer
	ix, err := Open(dir, os.DirFS("testdata"), WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix, &log
}
