package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// openT opens dir with seeds and closes it when the test ends.
func openT(t *testing.T, dir string, seeds any) *Index {
	t.Helper()
	var ix *Index
	var err error
	switch s := seeds.(type) {
	case string:
		ix, err = Open(dir, os.DirFS(s))
	case fstest.MapFS:
		ix, err = Open(dir, s)
	default:
		t.Fatalf("seeds %T", seeds)
	}
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// wordHits returns the ids of the paragraphs whose English words include
// word (lower case, as written), searched in the bleve index itself.
func wordHits(t *testing.T, b bleve.Index, word string) []string {
	t.Helper()
	q := bleve.NewTermQuery(word)
	q.SetField(FieldENWord)
	req := bleve.NewSearchRequestOptions(q, 1000, 0, false)
	req.SortBy([]string{"_id"})
	sr, err := b.Search(req)
	if err != nil {
		t.Fatalf("search %q: %v", word, err)
	}
	var ids []string
	for _, h := range sr.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func srcArticle(t *testing.T, s Source) Article {
	t.Helper()
	a, err := s.Parse()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// fingerprint is what a reader of the index can see, to compare two
// indexes: the articles with their paragraphs, BM25 statistics, the
// vocabulary and bigram endings, and the documents bleve holds.
func fingerprint(t *testing.T, ix *Index) string {
	t.Helper()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	for _, a := range ix.Articles() {
		enc.Encode(a)
		for _, p := range a.Paragraphs {
			enc.Encode(p.lengths)
		}
	}
	for _, f := range textFields {
		enc.Encode(ix.BM25Stats(f.field))
	}
	enc.Encode(ix.WordsWithPrefix(""))
	enc.Encode(ix.BigramsEndingWith("眠"))
	n, err := ix.Bleve().DocCount()
	if err != nil {
		t.Fatal(err)
	}
	enc.Encode(n)
	enc.Encode(wordHits(t, ix.Bleve(), "nmn"))
	return b.String()
}

// A new data directory is seeded and built; reopening it loads the same
// articles, statistics and index without parsing, analyzing or re-applying
// anything, and they are what an in-memory Build makes of the seeds.
func TestOpenCreatesThenReopens(t *testing.T) {
	dir := t.TempDir()
	began := time.Now()
	ix, err := Open(dir, os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	built := time.Since(began)
	info := ix.OpenInfo()
	if !info.Rebuilt || info.Reason != "new data directory" || len(info.Seeded) != 3 || info.Articles != 3 {
		t.Errorf("first Open: %+v", info)
	}
	mem, err := Build(os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	want := fingerprint(t, mem)
	if got := fingerprint(t, ix); got != want {
		t.Errorf("built on disk differs from Build:\n%s\nwant\n%s", got, want)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	began = time.Now()
	ix = openT(t, dir, "testdata")
	opened := time.Since(began)
	info = ix.OpenInfo()
	if info.Rebuilt || info.Reapplied != 0 || len(info.Seeded) != 0 || info.Articles != 3 {
		t.Errorf("reopen: %+v, want it opened as it was", info)
	}
	if got := fingerprint(t, ix); got != want {
		t.Errorf("reopened differs from Build:\n%s\nwant\n%s", got, want)
	}
	t.Logf("build %v, reopen %v", built, opened)
	if !slices.Equal(dirNames(t, dir), []string{"articles.db", "index-1"}) {
		t.Errorf("data directory holds %v", dirNames(t, dir))
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// Articles put and deleted survive a clean restart, and a new IndexVersion
// rebuilds the index from the store, keeping them.
func TestOpenKeepsWritesAndRebuildsOnNewVersion(t *testing.T) {
	dir := t.TempDir()
	ix := openT(t, dir, "testdata")
	put := srcArticle(t, Source{ID: "900-new", Title: "Quokka notes", URL: "https://example.com/q",
		Topics: []string{"sleep"}, Paragraphs: []string{"Quokkas sleep by day.", "  ", "A quokkazyx paragraph."}})
	if err := ix.Put(put); err != nil {
		t.Fatal(err)
	}
	if err := ix.Delete("000-5f7a80a9702da62d"); err != nil {
		t.Fatal(err)
	}
	ix.Close()

	check := func(ix *Index, when string) {
		t.Helper()
		if _, ok := ix.Article("000-5f7a80a9702da62d"); ok {
			t.Errorf("%s: the deleted article is back", when)
		}
		if hits := wordHits(t, ix.Bleve(), "insulin"); len(hits) != 0 {
			t.Errorf("%s: the deleted article's paragraphs are searchable: %v", when, hits)
		}
		a, ok := ix.Article("900-new")
		if !ok || a.Title != "Quokka notes" || a.URL != "https://example.com/q" || len(a.Paragraphs) != 2 ||
			!slices.Equal(a.Topics, []string{"sleep"}) {
			t.Fatalf("%s: put article = %+v, %v", when, a, ok)
		}
		if hits := wordHits(t, ix.Bleve(), "quokkazyx"); !slices.Equal(hits, []string{"900-new-2"}) {
			t.Errorf("%s: quokkazyx finds %v", when, hits)
		}
		if p, ok := ix.Paragraph("900-new-2"); !ok || p.Text != "A quokkazyx paragraph." {
			t.Errorf("%s: paragraph = %+v", when, p)
		}
	}
	ix = openT(t, dir, "testdata")
	if info := ix.OpenInfo(); info.Rebuilt || info.Articles != 3 {
		t.Errorf("reopen: %+v", info)
	}
	check(ix, "reopened")
	ix.Close()

	indexVersion++
	defer func() { indexVersion-- }()
	ix = openT(t, dir, "testdata")
	if info := ix.OpenInfo(); !info.Rebuilt || info.Reason != fmt.Sprintf("IndexVersion %d -> %d", IndexVersion, IndexVersion+1) || len(info.Seeded) != 0 {
		t.Errorf("new IndexVersion: %+v", info)
	}
	check(ix, "rebuilt")
	if got := dirNames(t, dir); !slices.Equal(got, []string{"articles.db", "index-2"}) {
		t.Errorf("after the rebuild the data directory holds %v", got)
	}
	ix.Close()
	ix = openT(t, dir, "testdata")
	if info := ix.OpenInfo(); info.Rebuilt {
		t.Errorf("reopen after the rebuild: %+v", info)
	}
	check(ix, "reopened after the rebuild")
}

func seedFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return fsys
}

// When the seeds change, the store's seed articles follow them, except an
// article someone put or deleted under a seed's id: the clinic's edit wins.
func TestOpenReseeds(t *testing.T) {
	dir := t.TempDir()
	v1 := seedFS(map[string]string{
		"a.txt": "Alpha\nAlpha says sleep well, first edition.",
		"b.txt": "Beta\nBeta says sleep well, first edition.",
		"c.txt": "Gamma\nGamma says sleep well, first edition.",
		"d.txt": "Delta\nDelta says sleep well, first edition.",
	})
	ix := openT(t, dir, v1)
	if got := ix.OpenInfo().Seeded; !slices.Equal(got, []string{"a", "b", "c", "d"}) {
		t.Errorf("seeded %v", got)
	}
	edited := srcArticle(t, Source{ID: "a", Text: "Alpha\nAlpha as the clinic corrected it."})
	if err := ix.Put(edited); err != nil {
		t.Fatal(err)
	}
	if err := ix.Delete("b"); err != nil {
		t.Fatal(err)
	}
	ix.Close()

	v2 := seedFS(map[string]string{
		"a.txt": "Alpha\nAlpha says sleep well, second edition.",
		"b.txt": "Beta\nBeta says sleep well, second edition.",
		"c.txt": "Gamma\nGamma says sleep well, second edition.",
		"e.txt": "Epsilon\nEpsilon says sleep well, second edition.",
	})
	ix = openT(t, dir, v2)
	info := ix.OpenInfo()
	if !info.Rebuilt || info.Reason != "seeds changed" || !slices.Equal(info.Seeded, []string{"c", "e", "d"}) {
		t.Errorf("new seeds: %+v", info)
	}
	var ids []string
	for _, a := range ix.Articles() {
		ids = append(ids, a.ID)
	}
	if !slices.Equal(ids, []string{"a", "c", "e"}) {
		t.Errorf("articles %v, want a (edited), c and e: b was deleted, d left the seeds", ids)
	}
	text := func(id string) string {
		a, _ := ix.Article(id)
		if a == nil {
			return ""
		}
		return a.Paragraphs[len(a.Paragraphs)-1].Text
	}
	if got := text("a"); got != "Alpha as the clinic corrected it." {
		t.Errorf("a = %q, want the clinic's edit", got)
	}
	if got := text("c"); !strings.Contains(got, "second") {
		t.Errorf("c = %q, want the new seed", got)
	}
	if hits := wordHits(t, ix.Bleve(), "first"); len(hits) != 0 {
		t.Errorf("the first edition is still indexed: %v", hits)
	}
	ix.Close()
	ix = openT(t, dir, v2)
	if info := ix.OpenInfo(); info.Rebuilt || len(info.Seeded) != 0 {
		t.Errorf("same seeds again: %+v", info)
	}
	// Putting a deleted seed's id again makes it the clinic's article.
	if err := ix.Put(srcArticle(t, Source{ID: "b", Text: "Beta\nBeta is back."})); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	ix = openT(t, dir, v1)
	if got := text("b"); got != "Beta is back." {
		t.Errorf("b = %q after the seeds changed back", got)
	}
	if got := text("d"); !strings.Contains(got, "first") {
		t.Errorf("d = %q: a seed that came back is seeded again", got)
	}
}

// A second Open of a directory in use fails fast with ErrLocked.
func TestOpenLocked(t *testing.T) {
	dir := t.TempDir()
	openT(t, dir, "testdata")
	began := time.Now()
	ix, err := Open(dir, os.DirFS("testdata"))
	if !errors.Is(err, ErrLocked) {
		if ix != nil {
			ix.Close()
		}
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	if d := time.Since(began); d > 3*lockTimeout {
		t.Errorf("second Open took %v", d)
	}
	t.Log(err)
}

// Close is clean and final: a second Close does nothing, and writes,
// views and reindexing answer ErrClosed.
func TestClose(t *testing.T) {
	for _, dir := range []string{"", t.TempDir()} {
		ix, err := Open(dir, os.DirFS("testdata"))
		if err != nil {
			t.Fatal(err)
		}
		if err := ix.Close(); err != nil {
			t.Errorf("%q: Close: %v", dir, err)
		}
		if err := ix.Close(); err != nil {
			t.Errorf("%q: second Close: %v", dir, err)
		}
		a := srcArticle(t, Source{ID: "x", Text: "X\nSome text."})
		for name, err := range map[string]error{
			"Put":     ix.Put(a),
			"Delete":  ix.Delete("x"),
			"Reindex": ix.Reindex(context.Background()),
			"View":    ix.View(func(*Snapshot) error { return nil }),
		} {
			if !errors.Is(err, ErrClosed) {
				t.Errorf("%q: %s after Close: %v", dir, name, err)
			}
		}
	}
}

// An index that is lost, unreadable, or behind what the store's log still
// holds is rebuilt from the store.
func TestOpenRecovers(t *testing.T) {
	for _, tt := range []struct {
		name   string
		break_ func(t *testing.T, dir string)
		reason string
	}{
		{"removed", func(t *testing.T, dir string) {
			os.RemoveAll(filepath.Join(dir, "index-1"))
		}, "index unreadable"},
		{"garbled", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "index-1", "index_meta.json"), []byte("{garbage"), 0o644)
		}, "index unreadable"},
		{"behind", func(t *testing.T, dir string) {
			// unsafe_batch false: SetInternal returns once on disk.
			b, err := bleve.OpenUsing(filepath.Join(dir, "index-1"), map[string]any{"unsafe_batch": false})
			if err != nil {
				t.Fatal(err)
			}
			if err := b.SetInternal(keyApplied, u64(0)); err != nil {
				t.Fatal(err)
			}
			b.Close()
		}, "index is behind the store's log"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			ix := openT(t, dir, "testdata")
			if err := ix.Put(srcArticle(t, Source{ID: "x", Text: "X\nA quokkazyx line."})); err != nil {
				t.Fatal(err)
			}
			ix.Close()
			tt.break_(t, dir)
			ix = openT(t, dir, "testdata")
			if info := ix.OpenInfo(); !info.Rebuilt || !strings.HasPrefix(info.Reason, tt.reason) || info.Articles != 4 {
				t.Errorf("%+v, want rebuilt because %s", info, tt.reason)
			}
			if hits := wordHits(t, ix.Bleve(), "quokkazyx"); !slices.Equal(hits, []string{"x-2"}) {
				t.Errorf("quokkazyx finds %v", hits)
			}
		})
	}
}

// A seed that does not parse fails Open with the seed's name, and leaves
// the store as it was.
func TestOpenBadSeed(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(dir, seedFS(map[string]string{"ok.txt": "Ok\nFine text.", "bad.txt": "TEL 06-6375-5888"}))
	if !errors.Is(err, errInvalid) || !strings.Contains(err.Error(), "seed bad") {
		t.Fatalf("Open = %v, want the bad seed named", err)
	}
	ix := openT(t, dir, seedFS(map[string]string{"ok.txt": "Ok\nFine text."}))
	if info := ix.OpenInfo(); !info.Rebuilt || !slices.Equal(info.Seeded, []string{"ok"}) {
		t.Errorf("%+v", info)
	}
}

// An article is written with at most MaxParagraphs paragraphs; one stored
// with more, or whose source no longer parses (the rules changed since it
// was written), stays in the store, and a rebuild keeps the first and
// skips the second, saying so.
func TestRebuildKeepsWhatItCan(t *testing.T) {
	dir := t.TempDir()
	v1 := seedFS(map[string]string{"a.txt": "Alpha\nAlpha says sleep well, first edition."})
	ix := openT(t, dir, v1)
	paragraphs := func(n int) []string {
		ps := []string{"Long"}
		for i := range n - 1 {
			ps = append(ps, fmt.Sprintf("Paragraph %d says sleep well.", i))
		}
		return ps
	}
	if err := ix.Put(srcArticle(t, Source{ID: "long", Paragraphs: paragraphs(MaxParagraphs + 1)})); !errors.Is(err, errInvalid) ||
		!strings.Contains(err.Error(), "at most 2000 paragraphs") {
		t.Errorf("Put of %d paragraphs: %v, want errInvalid", MaxParagraphs+1, err)
	}
	if err := ix.Put(srcArticle(t, Source{ID: "full", Paragraphs: paragraphs(MaxParagraphs)})); err != nil {
		t.Errorf("Put of %d paragraphs: %v", MaxParagraphs, err)
	}
	// Written behind Put's back: what an older version let in.
	long := srcArticle(t, Source{ID: "long", Paragraphs: paragraphs(MaxParagraphs + 1)})
	bad := srcArticle(t, Source{ID: "bad", Text: "Bad\nA paragraph."})
	bad.src.Text = "" // neither text nor paragraphs: no version parses it
	if _, err := ix.store.commit([]*Article{&long, &bad}, nil); err != nil {
		t.Fatal(err)
	}
	ix.Close()

	ix = openT(t, dir, seedFS(map[string]string{"a.txt": "Alpha\nAlpha says sleep well, second edition."}))
	info := ix.OpenInfo()
	if !info.Rebuilt || len(info.Skipped) != 1 || !strings.HasPrefix(info.Skipped[0], "bad: ") {
		t.Errorf("rebuild: %+v, want bad skipped", info)
	}
	if a, ok := ix.Article("long"); !ok || len(a.Paragraphs) != MaxParagraphs+1 {
		t.Error("the article stored with more than MaxParagraphs is gone after the rebuild")
	}
	if _, ok := ix.Article("bad"); ok {
		t.Error("bad, which does not parse, is served")
	}
	ix.Close()
	ix = openT(t, dir, seedFS(map[string]string{"a.txt": "Alpha\nAlpha says sleep well, second edition."}))
	if info := ix.OpenInfo(); info.Rebuilt || len(info.Skipped) != 1 {
		t.Errorf("reopen: %+v, want opened as it was, bad still skipped", info)
	}
}

// An index beside a missing or empty articles.db is refused, never
// re-seeded over: the store is the source of truth.
func TestOpenRefusesLostStore(t *testing.T) {
	for _, lose := range []func(string) error{
		os.Remove,
		func(p string) error { return os.Truncate(p, 0) },
		func(p string) error { // a new, empty bbolt file in its place
			if err := os.Remove(p); err != nil {
				return err
			}
			st, err := openStore(p, false)
			if err == nil {
				st.close()
			}
			return err
		},
	} {
		dir := t.TempDir()
		openT(t, dir, "testdata").Close()
		if err := lose(filepath.Join(dir, storeFile)); err != nil {
			t.Fatal(err)
		}
		_, err := Open(dir, os.DirFS("testdata"))
		if err == nil || !strings.Contains(err.Error(), "missing, empty or new") {
			t.Errorf("open: %v, want a refusal", err)
		}
		if entries, _ := filepath.Glob(filepath.Join(dir, indexPrefix+"*")); len(entries) == 0 {
			t.Error("the index was deleted")
		}
	}
}

// A damaged index (a segment's footer or its dictionaries, root.bolt) is
// rebuilt from the store at the next start, not a panic: the store is the
// source of truth.
func TestOpenRebuildsDamagedIndex(t *testing.T) {
	for _, target := range []string{"*.zap", "root.bolt", "*.zap dictionaries", "root.bolt cut short", "*.zap postings"} {
		dir := t.TempDir()
		ix := openT(t, dir, "testdata")
		if err := ix.Put(srcArticle(t, Source{ID: "900-kept", Text: "Kept\nA quokkazyx paragraph that must survive."})); err != nil {
			t.Fatal(err)
		}
		ix.Close()
		glob, _, _ := strings.Cut(target, " ")
		files, _ := filepath.Glob(filepath.Join(dir, indexPrefix+"*", "store", glob))
		if len(files) == 0 {
			t.Fatalf("no %s to damage", target)
		}
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			// a segment's footer (bytes that make zapx panic); both of
			// bbolt's meta pages
			spans := [][2]int{{max(0, len(raw)-36), len(raw) - 20}}
			switch target {
			case "root.bolt":
				spans = [][2]int{{16, 80}, {4096 + 16, 4096 + 80}}
			case "*.zap dictionaries":
				// read past opening, for the bigram endings: a panic there
				spans = [][2]int{{len(raw) * 83 / 100, len(raw)*83/100 + 64}}
			case "*.zap postings":
				// bytes bleve reads only for some queries, wrong without an
				// error: the footer's CRC-32 finds them
				spans = [][2]int{{len(raw) * 40 / 100, len(raw)*40/100 + 64}}
			case "root.bolt cut short":
				// bbolt faults (SIGBUS) reading its mapping past the end
				raw, spans = raw[:2*4096], nil // its meta pages only: they name pages past the end
			}
			damageFile(t, f, raw, spans)
		}
		ix, err := Open(dir, os.DirFS("testdata"))
		if err != nil {
			t.Errorf("%s damaged: %v", target, err)
			continue
		}
		if info := ix.OpenInfo(); !info.Rebuilt || !strings.Contains(info.Reason, "index unreadable") {
			t.Errorf("%s damaged: %+v, want a rebuild", target, info)
		}
		if hits := wordHits(t, ix.Bleve(), "quokkazyx"); !slices.Equal(hits, []string{"900-kept-2"}) {
			t.Errorf("%s damaged: quokkazyx finds %v", target, hits)
		}
		ix.Close()
	}
}

// damageFile writes raw to path with the bytes of each [start, end) span
// inverted.
func damageFile(t *testing.T, path string, raw []byte, spans [][2]int) {
	t.Helper()
	for _, sp := range spans {
		for i := sp[0]; i < sp[1]; i++ {
			raw[i] ^= 0xff
		}
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}
