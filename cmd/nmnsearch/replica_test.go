package main

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A writer's directory, published, is served by two read-only replicas at
// once: they find what the writer had, refuse writes with 403 read_only,
// and ingest, reindex and a writer are refused on the published directory.
func TestPublishAndReplicas(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"NMNSEARCH_ADMIN_TOKEN": adminTestToken}
	p := startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-data", data}, env)
	waitReady(t, p.base)
	if status, body := putArticle(t, p.base, "300-replica", "Replica notes", "The narwhaltusk paragraph is about sleep."); status != http.StatusCreated {
		t.Fatalf("PUT: %d %s", status, body)
	}
	want := hitIDs(t, p.base, "narwhaltusk")
	wantNAD := hitIDs(t, p.base, "NAD+")

	// publish needs the directory free: the writer is stopped for it.
	dest := filepath.Join(t.TempDir(), "published", "snap-1")
	if out, err := runCmd(t, nil, "publish", "-data", data, dest); err == nil || !strings.Contains(err.Error(), "stop the writer") {
		t.Errorf("publish with the writer running: %v\n%s", err, out)
	}
	stopProc(t, p)
	out, err := runCmd(t, nil, "publish", "-data", data, dest)
	if err != nil || !strings.Contains(out, "published "+data+" to "+dest+": 4 articles") ||
		!strings.Contains(out, "-read-only -data "+dest) {
		t.Fatalf("publish: %v\n%s", err, out)
	}
	if out, err := runCmd(t, nil, "publish", "-data", data, dest); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("publish again onto %s: %v\n%s", dest, err, out)
	}

	// Two replicas at once, one by flag, one by the environment; the admin
	// token does not turn writes on.
	r1 := startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-read-only", "-data", dest}, env)
	r2 := startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-data", dest},
		map[string]string{"NMNSEARCH_READ_ONLY": "true", "NMNSEARCH_ADMIN_TOKEN": adminTestToken})
	for _, r := range []*proc{r1, r2} {
		waitReady(t, r.base)
		if got := openedLine(t, r.stdout.String()); got.rebuilt || got.seeded != 0 || got.reapplied != 0 || got.articles != 4 {
			t.Errorf("replica: %+v; want opened as it is, 4 articles", got)
		}
		if !strings.Contains(r.stdout.String(), "read_only=true") {
			t.Errorf("the listening line does not say read_only=true:\n%s", r.stdout)
		}
		if got := hitIDs(t, r.base, "narwhaltusk"); !slices.Equal(got, want) {
			t.Errorf("replica finds %v for narwhaltusk, the writer %v", got, want)
		}
		if got := hitIDs(t, r.base, "NAD+"); !slices.Equal(got, wantNAD) {
			t.Errorf("replica finds %v for NAD+, the writer %v", got, wantNAD)
		}
		status, body := putArticle(t, r.base, "301-refused", "Refused", "The okapistripe paragraph.")
		if status != http.StatusForbidden || !strings.Contains(body, `"code":"read_only"`) {
			t.Errorf("PUT on a replica: %d %s", status, body)
		}
		if status, body := httpDo(t, "POST", r.base+"/api/admin/reindex", ""); status != http.StatusForbidden || !strings.Contains(body, `"code":"read_only"`) {
			t.Errorf("reindex on a replica: %d %s", status, body)
		}
		if hits := hitIDs(t, r.base, "okapistripe"); len(hits) != 0 {
			t.Errorf("a refused PUT is found: %v", hits)
		}
	}

	// Nothing writes to the published directory, even while no replica
	// has it open.
	stopProc(t, r1)
	stopProc(t, r2)
	files := writeArticles(t, map[string]string{"302_x.txt": "X notes\n\nThe tapirsnout paragraph.\n"})
	for _, args := range [][]string{
		{"ingest", "-data", dest, files},
		{"reindex", "-data", dest},
		{"publish", "-data", dest, filepath.Join(t.TempDir(), "again")},
		{"-addr", "127.0.0.1:0", "-data", dest},
	} {
		out, err := runCmd(t, nil, args...)
		if err == nil || !strings.Contains(err.Error(), "made by publish") {
			t.Errorf("%q on a published directory: %v, want it refused\n%s", args, err, out)
		}
	}
	if out, err := runCmd(t, nil, "-addr", "127.0.0.1:0", "-data", dest); err == nil || !strings.Contains(err.Error(), "add -read-only") {
		t.Errorf("a writer on a published directory does not suggest -read-only: %v\n%s", err, out)
	}

	typo := filepath.Join(t.TempDir(), "typo")
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"-addr", "127.0.0.1:0", "-read-only", "-data="}, nil, `-data is ""`},
		{[]string{"-addr", "127.0.0.1:0", "-data", t.TempDir()}, map[string]string{"NMNSEARCH_READ_ONLY": "true"}, "not a data directory"},
		{[]string{"-addr", "127.0.0.1:0", "-data", data}, map[string]string{"NMNSEARCH_READ_ONLY": "maybe"}, "NMNSEARCH_READ_ONLY"},
		{[]string{"publish", "-data", data}, nil, "name one destination"},
		{[]string{"publish", "-data=", dest + "-x"}, nil, `-data is ""`},
		{[]string{"publish", "-data", typo, dest + "-y"}, nil, "not a data directory"},
	} {
		if out, err := runCmd(t, tc.env, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q %v: %v, want %q\n%s", tc.args, tc.env, err, tc.want, out)
		}
	}
	if _, err := os.Stat(typo); err == nil {
		t.Errorf("publish of a mistyped -data made %s", typo)
	}
}
