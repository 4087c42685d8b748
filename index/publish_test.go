package index

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// openReadOnlyT opens dir read-only and closes it when the test ends.
func openReadOnlyT(t *testing.T, dir string) *Index {
	t.Helper()
	ix, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatalf("OpenReadOnly(%s): %v", dir, err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// treeSum is every file and directory under dir with its mode, size,
// modification time and content hash: any write shows in it.
func treeSum(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		fmt.Fprintf(&b, "%s %v %d %d", rel, fi.Mode(), fi.Size(), fi.ModTime().UnixNano())
		if !d.IsDir() {
			raw, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(raw)
			fmt.Fprintf(&b, " %s", hex.EncodeToString(sum[:8]))
		}
		b.WriteByte('\n')
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// checkWritesRefused wants every write of ix refused with ErrReadOnly.
func checkWritesRefused(t *testing.T, ix *Index) {
	t.Helper()
	a := srcArticle(t, Source{ID: "ro", Text: "Read only\nA readonlyzyx line."})
	for name, err := range map[string]error{
		"Put":     ix.Put(a),
		"Add":     ix.Add(a),
		"Delete":  ix.Delete("001-c2c3b5d23e0135b4"),
		"Reindex": ix.Reindex(context.Background()),
	} {
		if !errors.Is(err, ErrReadOnly) {
			t.Errorf("%s on a read-only index: %v, want ErrReadOnly", name, err)
		}
	}
	if _, ok := ix.Article("ro"); ok {
		t.Error("a refused Put shows")
	}
}

// A directory a writer built and closed opens read-only in two places at
// once, each serving what the writer served, and neither writes to it;
// while they have it open, a writer is refused.
func TestOpenReadOnlyWriterDir(t *testing.T) {
	dir := t.TempDir()
	w := openT(t, dir, "testdata")
	if err := w.Put(srcArticle(t, Source{ID: "x", Text: "X\nA quokkazyx line."})); err != nil {
		t.Fatal(err)
	}
	want := fingerprint(t, w)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	before := treeSum(t, dir)

	a := openReadOnlyT(t, dir)
	b := openReadOnlyT(t, dir)
	for name, ix := range map[string]*Index{"first": a, "second": b} {
		if got := fingerprint(t, ix); got != want {
			t.Errorf("%s read-only open differs from the writer:\n%s\nwant\n%s", name, got, want)
		}
		if info := ix.OpenInfo(); info.Rebuilt || info.Reapplied != 0 || info.Articles != 4 {
			t.Errorf("%s: %+v", name, info)
		}
		if !ix.ReadOnly() {
			t.Errorf("%s: ReadOnly() false", name)
		}
		checkWritesRefused(t, ix)
	}
	if ix, err := Open(dir, os.DirFS("testdata")); !errors.Is(err, ErrLocked) {
		if ix != nil {
			ix.Close()
		}
		t.Errorf("a writer's Open while replicas read: %v, want ErrLocked", err)
	}
	for _, ix := range []*Index{a, b} {
		if err := ix.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}
	if after := treeSum(t, dir); after != before {
		t.Errorf("read-only opens changed the directory:\n%s\nwas\n%s", after, before)
	}
}

// While a writer has its directory open, a read-only open of it is
// refused at once, saying to serve a published copy.
func TestOpenReadOnlyWhileWriterOpen(t *testing.T) {
	dir := t.TempDir()
	openT(t, dir, "testdata")
	ix, err := OpenReadOnly(dir)
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "published") {
		if ix != nil {
			ix.Close()
		}
		t.Fatalf("OpenReadOnly of a writer's open directory: %v, want ErrLocked naming publish", err)
	}
}

// Publish copies a writer's directory while it is open, writes not yet on
// disk included: the copy opens read-only as the writer's index was, later
// writes do not reach it, and no writer may open it.
func TestPublish(t *testing.T) {
	dir := t.TempDir()
	w := openT(t, dir, "testdata")
	// unsafe_batch: this write is searchable, likely not yet persisted.
	if err := w.Put(srcArticle(t, Source{ID: "x", Text: "X\nA quokkazyx line."})); err != nil {
		t.Fatal(err)
	}
	want := fingerprint(t, w)
	dest := filepath.Join(t.TempDir(), "replicas", "snap-1") // parent created
	info, err := w.Publish(dest)
	if err != nil {
		t.Fatal(err)
	}
	if info.Dir != dest || info.Articles != 4 || info.Index != "index-1" || info.Bytes == 0 || info.Seq == 0 {
		t.Errorf("PublishInfo %+v", info)
	}
	if got := dirNames(t, dest); !slices.Equal(got, []string{"PUBLISHED", "articles.db", "index-1"}) {
		t.Errorf("published directory holds %v", got)
	}
	if got := dirNames(t, filepath.Dir(dest)); !slices.Equal(got, []string{"snap-1"}) {
		t.Errorf("beside it: %v, want no temporary directory left", got)
	}
	raw, err := os.ReadFile(filepath.Join(dest, publishedFile))
	if err != nil {
		t.Fatal(err)
	}
	var p Published
	if err := json.Unmarshal(raw, &p); err != nil || p.Seq != info.Seq || p.IndexVersion != IndexVersion || p.Articles != 4 {
		t.Errorf("PUBLISHED: %s (%v)", raw, err)
	}

	// The writer goes on; the copy does not follow.
	if err := w.Put(srcArticle(t, Source{ID: "y", Text: "Y\nA wombatzyx line."})); err != nil {
		t.Fatal(err)
	}
	before := treeSum(t, dest)
	r := openReadOnlyT(t, dest)
	if got := fingerprint(t, r); got != want {
		t.Errorf("published copy differs from the writer at publish:\n%s\nwant\n%s", got, want)
	}
	if hits := wordHits(t, r.Bleve(), "wombatzyx"); len(hits) != 0 {
		t.Errorf("a write after publish shows in the copy: %v", hits)
	}
	checkWritesRefused(t, r)

	if _, err := w.Publish(dest); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("Publish onto an existing directory: %v", err)
	}
	if _, err := w.Publish(filepath.Join(dir, "inside")); err == nil {
		t.Error("Publish into the data directory itself succeeded")
	}
	r.Close()
	if ix, err := Open(dest, os.DirFS("testdata")); !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), "PUBLISHED") {
		if ix != nil {
			ix.Close()
		}
		t.Errorf("a writer's Open of a published directory: %v, want ErrReadOnly naming PUBLISHED", err)
	}
	if after := treeSum(t, dest); after != before {
		t.Errorf("the published directory changed:\n%s\nwas\n%s", after, before)
	}

	// A second publish, after the write, has it.
	info2, err := w.Publish(filepath.Join(filepath.Dir(dest), "snap-2"))
	if err != nil {
		t.Fatal(err)
	}
	if info2.Seq <= info.Seq {
		t.Errorf("second publish at write %d, first at %d", info2.Seq, info.Seq)
	}
	r2 := openReadOnlyT(t, info2.Dir)
	if hits := wordHits(t, r2.Bleve(), "wombatzyx"); !slices.Equal(hits, []string{"y-2"}) {
		t.Errorf("wombatzyx in the second copy: %v", hits)
	}
}

// A directory that cannot be served as it is (another IndexVersion, an
// index that lacks writes its store holds, no data directory at all) is
// refused with an error that says what to do; nothing is written.
func TestOpenReadOnlyRefuses(t *testing.T) {
	t.Run("IndexVersion", func(t *testing.T) {
		dir := t.TempDir()
		indexVersion = IndexVersion + 1
		t.Cleanup(func() { indexVersion = IndexVersion })
		ix, err := Open(dir, os.DirFS("testdata"))
		if err != nil {
			t.Fatal(err)
		}
		ix.Close()
		indexVersion = IndexVersion
		before := treeSum(t, dir)
		_, err = OpenReadOnly(dir)
		want := fmt.Sprintf("built with IndexVersion %d and this binary reads IndexVersion %d", IndexVersion+1, IndexVersion)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "publish it again") {
			t.Errorf("OpenReadOnly: %v, want %q and what to do", err, want)
		}
		if after := treeSum(t, dir); after != before {
			t.Errorf("a refused open changed the directory")
		}
	})
	t.Run("lost writes", func(t *testing.T) {
		// The index put back as it was before a write the store holds, as
		// after a crash: a writer would re-apply it, a replica cannot.
		dir := t.TempDir()
		w := openT(t, dir, "testdata")
		w.Close()
		saved := filepath.Join(t.TempDir(), "index-1")
		if err := os.CopyFS(saved, os.DirFS(filepath.Join(dir, "index-1"))); err != nil {
			t.Fatal(err)
		}
		w = openT(t, dir, "testdata")
		if err := w.Put(srcArticle(t, Source{ID: "x", Text: "X\nA quokkazyx line."})); err != nil {
			t.Fatal(err)
		}
		w.Close()
		os.RemoveAll(filepath.Join(dir, "index-1"))
		if err := os.CopyFS(filepath.Join(dir, "index-1"), os.DirFS(saved)); err != nil {
			t.Fatal(err)
		}
		_, err := OpenReadOnly(dir)
		if err == nil || !strings.Contains(err.Error(), "lacks 1 writes") {
			t.Errorf("OpenReadOnly: %v, want the lost write named", err)
		}
	})
	t.Run("not a data directory", func(t *testing.T) {
		dir := t.TempDir()
		_, err := OpenReadOnly(dir)
		if err == nil || !strings.Contains(err.Error(), "not a data directory") {
			t.Errorf("OpenReadOnly of an empty directory: %v", err)
		}
		if names := dirNames(t, dir); len(names) != 0 {
			t.Errorf("it wrote %v", names)
		}
		if _, err := OpenReadOnly(""); err == nil {
			t.Error(`OpenReadOnly("") succeeded`)
		}
	})
}

// A destination inside the data directory is refused, named directly or
// through a link into it: the next writer start would delete it.
func TestPublishRefusesInsideDataDir(t *testing.T) {
	dir := t.TempDir()
	ix := openT(t, dir, "testdata")
	defer ix.Close()
	link := filepath.Join(t.TempDir(), "into-data")
	if err := os.Symlink(dir, link); err != nil {
		t.Skip(err)
	}
	for _, dest := range []string{filepath.Join(dir, "pub"), filepath.Join(link, "pub"), filepath.Join(link, "a", "b", "pub")} {
		if _, err := ix.Publish(dest); err == nil || !strings.Contains(err.Error(), "inside the data directory") {
			t.Errorf("publish to %s: %v", dest, err)
		}
		for _, made := range []string{"pub", "a"} {
			if _, err := os.Lstat(filepath.Join(dir, made)); err == nil {
				t.Errorf("publish to %s made %s in the data directory", dest, made)
			}
		}
	}
}
