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
			healed(t, ix)
			if err := search("sleep"); err != nil {
				t.Fatalf("after the rebuild: %v", err)
			}
			if err := ix.Put(srcArticle(t, Source{ID: "901-after", Text: "After\nA wombatzyx paragraph written after the rebuild."})); err != nil {
				t.Errorf("a write after the rebuild: %v", err)
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

// A write that meets a damaged segment (its batch reads the old paragraphs'
// postings) is stored and answers ErrDamaged, never a 500; the rebuild,
// which reads the store, indexes it; a write while the index heals writes
// nothing and says so.
func TestWriteMeetingDamageHeals(t *testing.T) {
	dir := t.TempDir()
	ix, _ := openLogged(t, dir)
	segments, _ := filepath.Glob(filepath.Join(dir, indexPrefix+"*", "store", "*.zap"))
	for _, f := range segments {
		damageInPlace(t, f, 1, 70)
	}
	err := ix.PutSource(Source{ID: "000-5f7a80a9702da62d", Text: "Replaced\nA numbatzyx paragraph replacing a seed."})
	if !errors.Is(err, ErrDamaged) {
		t.Fatalf("a write over damaged segments: %v, want ErrDamaged", err)
	}
	healed(t, ix)
	if hits := wordHits(t, ix.Bleve(), "numbatzyx"); len(hits) != 1 {
		t.Errorf("the write that met the damage: numbatzyx finds %v after the rebuild, want it", hits)
	}
}

// healed waits until ix is no longer healing.
func healed(t *testing.T, ix *Index) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ix.Healing(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("still healing after 30 s")
		}
	}
}

// scorch's merger meeting a damaged segment reports it to the callback: the
// index in use heals; an error of an index no longer in use is not damage.
func TestMergeErrorHeals(t *testing.T) {
	dir := t.TempDir()
	ix, log := openLogged(t, dir)
	before := ix.indexName
	damage := errors.New("source: merger, persist error: merging err: error loading roaring bitmap")
	onAsyncError(damage, filepath.Join(dir, indexPrefix+"99", "store"))
	if ix.Healing() {
		t.Error("an error of another index started a heal")
	}
	onAsyncError(damage, filepath.Join(dir, before, "store"))
	healed(t, ix)
	if ix.indexName == before || !strings.Contains(log.String(), "level=WARN msg=\"index damaged") || strings.Contains(log.String(), "disk is full") {
		t.Errorf("after a merge error: index %s (was %s), log:\n%s", ix.indexName, before, log)
	}
}

// blockedIndex is a bleve index whose Close never returns, as a damaged
// scorch index whose merger left a root.bolt transaction open.
type blockedIndex struct{ bleveIndex }

// bleveIndex names the embedded interface apart from its Index method.
type bleveIndex = bleve.Index

func (blockedIndex) Close() error { select {} }

// A swap, and Close, give up on an index that does not close, after
// closeTimeout: the heal of a damaged index must not hang on the old one.
func TestCloseWithinGivesUp(t *testing.T) {
	if err := closeWithin(blockedIndex{}, time.Millisecond); err == nil {
		t.Error("closeWithin of an index that never closes returned no error")
	}
	if closeTimeout <= 0 || closeTimeout > shutdownBudget {
		t.Errorf("closeTimeout %v: want a few seconds, within a shutdown", closeTimeout)
	}
}

// shutdownBudget is what a test allows a stopping service to spend closing
// its index (cmd/nmnsearch's shutdown waits 10 s for requests, then this).
const shutdownBudget = 30 * time.Second
