package index

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The child process of TestDurableAfterKill: NMNSEARCH_HELPER_DIR names
// the data directory, NMNSEARCH_HELPER_WRITES the writes, "put ID WORD" or
// "delete ID" separated by ";".
const (
	helperDirEnv    = "NMNSEARCH_HELPER_DIR"
	helperWritesEnv = "NMNSEARCH_HELPER_WRITES"
)

// TestHelperProcess is no test of its own: TestDurableAfterKill runs the
// test binary again as a child that opens a data directory, makes writes,
// prints "acked N" after each one returns, and blocks until it is killed.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(helperDirEnv)
	if dir == "" {
		t.Skip("the child process of TestDurableAfterKill")
	}
	// Scorch writes nothing to disk for a minute: what the parent finds
	// after the kill comes from the store.
	testScorchConfig = map[string]any{"scorchPersisterOptions": map[string]any{"PersisterNapTimeMSec": 60_000}}
	ix, err := Open(dir, os.DirFS("testdata"))
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	if info := ix.OpenInfo(); info.Rebuilt {
		fmt.Println("error: rebuilt:", info.Reason) // the parent built it
		os.Exit(2)
	}
	for i, w := range strings.Split(os.Getenv(helperWritesEnv), ";") {
		f := strings.Fields(w)
		switch f[0] {
		case "put":
			a, perr := Source{ID: f[1], Paragraphs: []string{"Durable " + f[1], "It says " + f[2] + " once."}}.Parse()
			if err = perr; err == nil {
				err = ix.Put(a)
			}
		case "delete":
			err = ix.Delete(f[1])
		}
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(2)
		}
		fmt.Println("acked", i)
	}
	select {} // until SIGKILL
}

// A write that Put or Delete acknowledged survives kill -9 right after:
// the child's index puts little or nothing on disk before it is killed
// (its persister naps), and the parent finds every acknowledged write in
// the store and, re-applied at Open, in the bleve index. Three rounds on one directory, several writes
// each, replacing and deleting what earlier rounds wrote.
func TestDurableAfterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	ix, err := Open(dir, os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()

	type want struct {
		word string
		id   string // "" for a word that must find nothing
	}
	for round := range 3 {
		var writes []string
		var wants []want
		var touched []string
		for i := range 4 {
			id := fmt.Sprintf("k%d-%d", round, i)
			word := fmt.Sprintf("kword%dx%d", round, i)
			writes = append(writes, "put "+id+" "+word)
			wants = append(wants, want{word, id + "-2"})
			touched = append(touched, id)
		}
		if round > 0 {
			prev := round - 1
			// Replace one article of the last round, delete another.
			writes = append(writes, fmt.Sprintf("put k%d-1 kwordnew%d", prev, round), fmt.Sprintf("delete k%d-0", prev))
			wants = append(wants,
				want{fmt.Sprintf("kword%dx1", prev), ""}, want{fmt.Sprintf("kwordnew%d", round), fmt.Sprintf("k%d-1-2", prev)},
				want{fmt.Sprintf("kword%dx0", prev), ""})
			touched = append(touched, fmt.Sprintf("k%d-1", prev), fmt.Sprintf("k%d-0", prev))
		}
		killAfterAcks(t, dir, writes)

		ix, err := Open(dir, os.DirFS("testdata"))
		if err != nil {
			t.Fatalf("round %d: reopen after kill: %v", round, err)
		}
		// How many writes scorch had put on disk before the kill depends
		// on its merger waking the persister; most often none.
		info := ix.OpenInfo()
		if info.Rebuilt || info.Reapplied > len(touched) {
			t.Errorf("round %d: %+v, want at most the %d articles written re-applied from the store", round, info, len(touched))
		}
		t.Logf("round %d: %d writes acked, %d of the %d articles they touched re-applied at Open",
			round, len(writes), info.Reapplied, len(touched))
		for _, w := range wants {
			got := wordHits(t, ix.Bleve(), w.word)
			if w.id == "" && len(got) != 0 || w.id != "" && !slices.Equal(got, []string{w.id}) {
				t.Errorf("round %d: %s finds %v, want [%s]", round, w.word, got, w.id)
			}
		}
		recs, err := ix.store.get(touched)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range touched {
			deleted := round > 0 && id == fmt.Sprintf("k%d-0", round-1)
			if got := recs[id] != nil; got == deleted {
				t.Errorf("round %d: store has %s: %v", round, id, got)
			}
			if _, got := ix.Article(id); got == deleted {
				t.Errorf("round %d: Article(%s) found: %v", round, id, got)
			}
		}
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// killAfterAcks runs the child on dir with writes, waits until it has
// acknowledged all of them, and kills it with SIGKILL.
func killAfterAcks(t *testing.T, dir string, writes []string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperDirEnv+"="+dir, helperWritesEnv+"="+strings.Join(writes, ";"))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	defer func() {
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Errorf("kill: %v", err)
		}
		cmd.Wait()
	}()
	timeout := time.After(2 * time.Minute)
	for acked := 0; acked < len(writes); {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("the child exited after %d acks", acked)
			}
			if l == fmt.Sprintf("acked %d", acked) {
				acked++
			} else if strings.HasPrefix(l, "error") {
				t.Fatalf("child: %s", l)
			}
		case <-timeout:
			t.Fatalf("the child acknowledged %d of %d writes", acked, len(writes))
		}
	}
}

// Open re-applies exactly the writes the index on disk does not hold:
// here the index directory is put back as it was before three writes,
// as if scorch had lost them in a crash, while the store has them.
func TestOpenReappliesLostWrites(t *testing.T) {
	dir := t.TempDir()
	ix := openT(t, dir, "testdata")
	put := func(id, word string) {
		t.Helper()
		if err := ix.Put(srcArticle(t, Source{ID: id, Paragraphs: []string{"Lost " + id, "It says " + word + "."}})); err != nil {
			t.Fatal(err)
		}
	}
	put("l-1", "lostwordone")
	put("l-2", "lostwordtwo")
	ix.Close()
	saved := filepath.Join(t.TempDir(), "index-1")
	if err := os.CopyFS(saved, os.DirFS(filepath.Join(dir, "index-1"))); err != nil {
		t.Fatal(err)
	}

	ix = openT(t, dir, "testdata")
	put("l-2", "lostwordnew") // replaced
	put("l-3", "lostwordthree")
	if err := ix.Delete("l-1"); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	if err := os.RemoveAll(filepath.Join(dir, "index-1")); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(dir, "index-1"), os.DirFS(saved)); err != nil {
		t.Fatal(err)
	}

	ix = openT(t, dir, "testdata")
	if info := ix.OpenInfo(); info.Rebuilt || info.Reapplied != 3 {
		t.Errorf("%+v, want the 3 articles written since re-applied", info)
	}
	for word, want := range map[string][]string{
		"lostwordone": nil, "lostwordtwo": nil, "lostwordnew": {"l-2-2"}, "lostwordthree": {"l-3-2"},
	} {
		if got := wordHits(t, ix.Bleve(), word); !slices.Equal(got, want) {
			t.Errorf("%s finds %v, want %v", word, got, want)
		}
	}
	ix.Close()
	ix = openT(t, dir, "testdata")
	if info := ix.OpenInfo(); info.Rebuilt || info.Reapplied != 0 {
		t.Errorf("reopened after catching up: %+v", info)
	}
}
