package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// segments is how many segments the index holds on disk.
func segments(t *testing.T, ix *Index) int {
	t.Helper()
	adv, err := ix.Bleve().Advanced()
	if err != nil {
		t.Fatal(err)
	}
	return fileSegments(adv.(*scorch.Scorch))
}

// Writes leave segments; Compact merges them into one that holds the same
// articles, statistics and documents, on disk across a reopen. An
// index in memory is left alone; a closed index and a replica refuse.
func TestCompact(t *testing.T) {
	// scorch's own merger would merge some of them first, now and then.
	testScorchConfig = map[string]any{"scorchMergePlanOptions": map[string]any{"MaxSegmentsPerTier": 1000, "SegmentsPerMergeTask": 1000}}
	t.Cleanup(func() { testScorchConfig = nil })
	dir := t.TempDir()
	ix := openT(t, dir, "testdata")
	// A segment on disk per write: scorch merges what is still in memory
	// when it writes it.
	for i := range 3 {
		if err := ix.Put(srcArticle(t, Source{ID: fmt.Sprintf("91%d-put", i), Text: "Quokka notes\nQuokkas sleep by day."})); err != nil {
			t.Fatal(err)
		}
		if err := persist(ix.snap().bleve, ix.applied); err != nil {
			t.Fatal(err)
		}
	}
	want := fingerprint(t, ix)
	before, after, err := ix.Compact(context.Background())
	if err != nil || before < 2 || after != 1 {
		t.Errorf("Compact = %d, %d, %v; want several segments merged into 1", before, after, err)
	}
	// On disk when Compact returns: the newest snapshot root.bolt holds is
	// of one segment. (Scorch may introduce epochs of its own meanwhile: a
	// comparison of epochs would race with them.)
	adv, _ := ix.Bleve().Advanced()
	sc := adv.(*scorch.Scorch)
	epochs, err := sc.RootBoltSnapshotEpochs()
	if err != nil || len(epochs) == 0 {
		t.Fatalf("persisted snapshots: %v, %v", epochs, err)
	}
	persisted, err := sc.LoadSnapshot(epochs[0])
	if err != nil {
		t.Fatal(err)
	}
	if n := len(persisted.Segments()); n != 1 {
		t.Errorf("Compact returned before the merged index was on disk: the newest persisted snapshot has %d segments", n)
	}
	persisted.DecRef()
	if got := fingerprint(t, ix); got != want {
		t.Errorf("after Compact:\n%s\nwant\n%s", got, want)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix = openT(t, dir, "testdata")
	if info := ix.OpenInfo(); info.Rebuilt || info.Reapplied != 0 {
		t.Errorf("reopen: %+v, want it opened as it was", info)
	}
	if n := segments(t, ix); n != 1 {
		t.Errorf("%d segments after reopening, want 1", n)
	}
	if got := fingerprint(t, ix); got != want {
		t.Errorf("reopened:\n%s\nwant\n%s", got, want)
	}

	mem, err := Build(os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	if before, after, err := mem.Compact(context.Background()); before != 0 || after != 0 || err != nil {
		t.Errorf("in memory: Compact = %d, %d, %v; want nothing done", before, after, err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ix.Compact(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("closed: Compact = %v, want ErrClosed", err)
	}
	ro, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, _, err := ro.Compact(context.Background()); !errors.Is(err, ErrReadOnly) {
		t.Errorf("read-only: Compact = %v, want ErrReadOnly", err)
	}
}

// A build on disk ends in one segment however many batches of
// maxBatchDocs paragraphs it took: the first build of a data directory and
// a reindex.
func TestBuildMergesItsBatches(t *testing.T) {
	files := map[string]string{}
	paragraphs := 0
	for a := 0; paragraphs <= 2*maxBatchDocs; a++ {
		var b strings.Builder
		fmt.Fprintf(&b, "Article %d\n", a)
		paragraphs++ // the heading
		for p := range 100 {
			fmt.Fprintf(&b, "\nParagraph %d of article %d says NMN helps sleep, in words of its own: %x.\n", p, a, a*1000+p)
			paragraphs++
		}
		files[fmt.Sprintf("a%03d.txt", a)] = b.String()
	}
	dir := t.TempDir()
	ix := openT(t, dir, seedFS(files))
	if n := len(ix.Articles()); n != len(files) {
		t.Fatalf("%d articles, want %d", n, len(files))
	}
	if n := segments(t, ix); n != 1 {
		t.Errorf("%d segments after building %d paragraphs in batches of %d, want 1", n, paragraphs, maxBatchDocs)
	}
	if err := ix.Put(srcArticle(t, Source{ID: "put", Text: "Put\nA paragraph put after the build."})); err != nil {
		t.Fatal(err)
	}
	if err := ix.Reindex(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := segments(t, ix); n != 1 {
		t.Errorf("%d segments after a reindex, want 1", n)
	}
}
