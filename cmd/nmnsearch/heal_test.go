package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A segment damaged under a serving process: the search that meets it is
// 503 not_ready with Retry-After, never a 500, the log says why at WARN,
// and once the index is rebuilt from articles.db the same search answers.
func TestRunHealsDamageWhileServing(t *testing.T) {
	dir := t.TempDir()
	p := startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-data", dir}, nil)
	waitReady(t, p.base)
	if a := fetch(p.base + "/api/search?q=sleep"); a.status != http.StatusOK {
		t.Fatalf("before: %d %s", a.status, a.body)
	}
	segments, _ := filepath.Glob(filepath.Join(dir, "index-*", "store", "*.zap"))
	if len(segments) == 0 {
		t.Fatal("no segment to damage")
	}
	for _, f := range segments {
		damageInPlace(t, f)
	}
	// The response cache would answer from memory: other queries than before.
	var damaged answer
	for _, q := range []string{"insulin", "NAD%2B", "depression", "melatonin"} {
		if damaged = fetch(p.base + "/api/search?q=" + q); damaged.status != http.StatusOK {
			break
		}
	}
	if damaged.status != http.StatusServiceUnavailable || errorCode(t, damaged.body) != "not_ready" || damaged.header.Get("Retry-After") == "" {
		t.Fatalf("a search of the damaged index: %d %s (Retry-After %q), want 503 not_ready with Retry-After",
			damaged.status, damaged.body, damaged.header.Get("Retry-After"))
	}
	waitReady(t, p.base)
	if a := fetch(p.base + "/api/search?q=insulin"); a.status != http.StatusOK || !strings.Contains(a.body, "<mark>") {
		t.Fatalf("after the rebuild: %d %.200s", a.status, a.body)
	}
	if log := p.stdout.String(); !strings.Contains(log, `level=WARN msg="index damaged`) || strings.Contains(log, "status=500") {
		t.Errorf("log: want the damage at WARN and no 500:\n%s", log)
	}
}

// damageInPlace inverts the bytes of f from 1% to 70% of its length,
// writing over them without truncating the file scorch has mapped.
func damageInPlace(t *testing.T, f string) {
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
	from, to := st.Size()/100, st.Size()*70/100
	buf := make([]byte, to-from)
	if _, err := fh.ReadAt(buf, from); err != nil {
		t.Fatal(err)
	}
	for i := range buf {
		buf[i] ^= 0xff
	}
	if _, err := fh.WriteAt(buf, from); err != nil {
		t.Fatal(err)
	}
}
