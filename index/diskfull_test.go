package index

import (
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// scorch's report of a full disk: the cause in the message only.
func scorchNoSpace(path string) error {
	return fmt.Errorf("source: persister, persist error: got err persisting snapshot: write %s/000000000007.zap: %v", path, syscall.ENOSPC)
}

// A full disk that scorch reports makes the index not writable, is said
// once at WARN, and pauses the loop that found it.
func TestFullDiskReported(t *testing.T) {
	dir := t.TempDir()
	ix, log := openLogged(t, dir)
	if !ix.Writable() {
		t.Fatal("not writable before any error")
	}
	store := filepath.Join(dir, ix.indexName, "store")
	began := time.Now()
	onAsyncError(scorchNoSpace(store), store)
	if took := time.Since(began); took < asyncErrorPause {
		t.Errorf("the callback returned after %v: scorch would retry at once, want a pause of %v", took, asyncErrorPause)
	}
	onAsyncError(scorchNoSpace(store), store)
	if ix.Writable() {
		t.Error("writable after scorch found the disk full")
	}
	if n := strings.Count(log.String(), "level=WARN"); n != 1 || !strings.Contains(log.String(), "no space left on device") {
		t.Errorf("%d WARN lines for two errors, want 1 naming the cause:\n%s", n, log.String())
	}
	// Another data directory's index is not told.
	other := openT(t, t.TempDir(), "testdata")
	if !other.Writable() {
		t.Error("another data directory's index is not writable")
	}
}

// On a real full disk (a small tmpfs, where the test may mount one): a
// write is refused with ENOSPC, the index says it is not writable, scorch retries no faster than once a second a loop, and
// Close returns without waiting out persistTimeout.
func TestFullDiskTmpfs(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=3m"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v): TestFullDiskReported covers the callback with an injected error", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, 0) })
	ix := openT(t, dir, "testdata")
	began := time.Now()
	var err error
	for i := 0; err == nil && i < 200; i++ {
		text := fmt.Sprintf("Filler %d\n", i) + strings.Repeat(fmt.Sprintf("A quokka%d paragraph that fills the disk. ", i), 400)
		err = ix.Put(srcArticle(t, Source{ID: fmt.Sprintf("fill-%d", i), Text: text}))
	}
	if !isNoSpace(err) {
		t.Fatalf("writes until the disk is full ended with %v, want ENOSPC", err)
	}
	if ix.Writable() {
		t.Error("writable with the disk full")
	}
	closed := time.Now()
	if err := ix.Close(); err != nil {
		t.Logf("close: %v", err) // the last persist failed: the store has every write
	}
	if took := time.Since(closed); took >= persistTimeout {
		t.Errorf("Close took %v, the whole persistTimeout", took)
	}
	// Two loops (persister, merger), each at most once per pause.
	if n, most := ix.disk.errors.Load(), 2*(int64(time.Since(began)/asyncErrorPause)+1); n > most {
		t.Errorf("%d write errors from scorch in %v: retrying faster than once per %v", n, time.Since(began), asyncErrorPause)
	}
}
