package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"nmnsearch/index"
	"nmnsearch/server"
)

// adminTestToken is the admin token of these tests.
const adminTestToken = "cmd-test-admin-token-0123456789"

var openedRE = regexp.MustCompile(`msg="index opened" data=(\S+|"[^"]*") rebuilt=(true|false) reason=(\S+|"[^"]*") seeded=(\d+) reapplied=(\d+) skipped=(\d+) articles=(\d+) took_ms=(\d+)`)

// opened is the "index opened" line of a run's log.
type opened struct {
	data, reason                                 string
	rebuilt                                      bool
	seeded, reapplied, skipped, articles, tookMS int
}

func openedLine(t *testing.T, log string) opened {
	t.Helper()
	m := openedRE.FindStringSubmatch(log)
	if m == nil {
		t.Fatalf("no index opened line:\n%s", log)
	}
	n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
	unquote := func(s string) string {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
		return s
	}
	return opened{data: unquote(m[1]), rebuilt: m[2] == "true", reason: unquote(m[3]),
		seeded: n(4), reapplied: n(5), skipped: n(6), articles: n(7), tookMS: n(8)}
}

// dirSize is the bytes of the files under dir.
func dirSize(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// httpDo makes one request and returns its status and body.
func httpDo(t *testing.T, method, target, body string, headers ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// putArticle PUTs paragraphs as article id with the test token.
func putArticle(t *testing.T, base, id string, paragraphs ...string) (int, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"paragraphs": paragraphs})
	return httpDo(t, "PUT", base+"/api/articles/"+id, string(body),
		"Authorization", "Bearer "+adminTestToken, "Content-Type", "application/json")
}

// hitIDs returns the ids of the paragraphs base finds for q.
func hitIDs(t *testing.T, base, q string) []string {
	t.Helper()
	status, body := httpDo(t, "GET", base+"/api/search?q="+url.QueryEscape(q), "")
	if status != http.StatusOK {
		t.Fatalf("search %s: %d %s", q, status, body)
	}
	var res struct{ Hits []struct{ ID string } }
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

// stopProc cancels p (SIGTERM) and wants run to return nil.
func stopProc(t *testing.T, p *proc) {
	t.Helper()
	p.cancel()
	done, err := p.wait(15 * time.Second)
	if !done || err != nil {
		t.Fatalf("run after cancel: returned %v, %v; want nil; stdout:\n%s", done, err, p.stdout)
	}
}

// A data directory is built on first start and opened on the next, not
// built again; a second server on it is refused.
func TestRunDataDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "data") // created as needed
	p := startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-data", dir}, nil)
	waitReady(t, p.base)
	first := openedLine(t, p.stdout.String())
	if !first.rebuilt || first.reason != "new data directory" || first.seeded != 3 || first.articles != 3 || first.data != dir {
		t.Errorf("first start: %+v; want built, new data directory, 3 seeds, in %s", first, dir)
	}
	if a := fetch(p.base + "/metrics"); !strings.Contains(a.body, "\n"+`index_builds_total{kind="build"} 1`) ||
		!strings.Contains(a.body, "\n"+`index_builds_total{kind="open"} 0`) {
		t.Errorf("first start: index_builds_total is not build 1, open 0")
	}
	stopProc(t, p)
	if !strings.Contains(p.stdout.String(), `msg="index closed"`) {
		t.Errorf("no index closed line:\n%s", p.stdout)
	}
	size := dirSize(t, dir)

	// The flag wins over the environment.
	p = startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-data", dir},
		map[string]string{"NMNSEARCH_DATA": filepath.Join(t.TempDir(), "other")})
	waitReady(t, p.base)
	second := openedLine(t, p.stdout.String())
	if second.rebuilt || second.reason != "" || second.seeded != 0 || second.reapplied != 0 || second.articles != 3 {
		t.Errorf("second start: %+v; want opened, nothing seeded or re-applied", second)
	}
	a := fetch(p.base + "/metrics")
	if !strings.Contains(a.body, "\n"+`index_builds_total{kind="open"} 1`) || !strings.Contains(a.body, "\n"+`index_builds_total{kind="build"} 0`) {
		t.Errorf("second start: index_builds_total is not open 1, build 0")
	}
	if hits := hitIDs(t, p.base, "NAD+"); len(hits) != 10 {
		t.Errorf("NAD+ on the opened index: %d hits", len(hits))
	}
	t.Logf("data directory: %d bytes after the first start; build %d ms, open %d ms", size, first.tookMS, second.tookMS)

	// A second process on the same directory is refused, saying why.
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"nmnsearch", "-addr", "127.0.0.1:0", "-data", dir}, fakeEnv(nil), io.Discard, &stderr)
	if err == nil || !strings.Contains(err.Error(), "in use by another process") || !strings.Contains(err.Error(), "another nmnsearch") {
		t.Errorf("a second server on %s: %v", dir, err)
	}
	stopProc(t, p)
}

// Without -data the index lives in ./data, created on a fresh machine: the
// README's first command.
func TestRunDefaultDataDir(t *testing.T) {
	cwd := t.TempDir()
	t.Chdir(cwd)
	p := startRun(t, []string{"nmnsearch", "-addr", "127.0.0.1:0"}, nil)
	waitReady(t, p.base)
	got := openedLine(t, p.stdout.String())
	want, _ := filepath.Abs(filepath.Join(cwd, "data"))
	if got.data != want || !got.rebuilt {
		t.Errorf("default: %+v; want built in %s", got, want)
	}
	stopProc(t, p)
	if _, err := os.Stat(filepath.Join(cwd, "data", "articles.db")); err != nil {
		t.Errorf("no store in ./data: %v", err)
	}

	// $NMNSEARCH_DATA names another; -data "" keeps the index in memory.
	other := filepath.Join(t.TempDir(), "env")
	p = startRun(t, []string{"nmnsearch", "-addr", "127.0.0.1:0"}, map[string]string{"NMNSEARCH_DATA": other})
	waitReady(t, p.base)
	if got := openedLine(t, p.stdout.String()); got.data != other {
		t.Errorf("$NMNSEARCH_DATA: data %s, want %s", got.data, other)
	}
	stopProc(t, p)
}

// -data "" keeps the index in memory: built from the seeds, writable, and
// nothing on disk.
func TestRunInMemory(t *testing.T) {
	cwd := t.TempDir()
	t.Chdir(cwd)
	p := startRun(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-data", ""},
		map[string]string{"NMNSEARCH_ADMIN_TOKEN": adminTestToken})
	waitReady(t, p.base)
	got := openedLine(t, p.stdout.String())
	if got.data != "(in memory)" || !got.rebuilt || got.reason != "in memory" || got.articles != 3 {
		t.Errorf("-data \"\": %+v", got)
	}
	if status, body := putArticle(t, p.base, "300-memory", "In memory", "The lyrebirdsong paragraph."); status != http.StatusCreated {
		t.Fatalf("PUT: %d %s", status, body)
	}
	if hits := hitIDs(t, p.base, "lyrebirdsong"); len(hits) != 1 {
		t.Errorf("lyrebirdsong: %v", hits)
	}
	stopProc(t, p)
	if entries, _ := os.ReadDir(cwd); len(entries) != 0 {
		t.Errorf("-data \"\" wrote %v", entries)
	}
}

func TestRunAdminToken(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "token")
	os.WriteFile(file, []byte(adminTestToken+"\n"), 0o600)
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("\n"), 0o600)
	for _, tc := range []struct {
		args    []string
		env     map[string]string
		wantErr string
	}{
		{nil, map[string]string{"NMNSEARCH_ADMIN_TOKEN": "short"}, "$NMNSEARCH_ADMIN_TOKEN: admin token: 5 characters"},
		{nil, map[string]string{"NMNSEARCH_ADMIN_TOKEN": "with a space 0123456789"}, "printable ASCII without spaces"},
		{[]string{"-admin-token-file", file}, map[string]string{"NMNSEARCH_ADMIN_TOKEN": adminTestToken}, "give one"},
		{[]string{"-admin-token-file", empty}, nil, "is empty"},
		{[]string{"-admin-token-file", filepath.Join(dir, "missing")}, nil, "no such file"},
		{[]string{"-admin-token", adminTestToken}, nil, "flag provided but not defined"}, // never on the command line
	} {
		args := append([]string{"nmnsearch", "-data=", "-addr", "127.0.0.1:0"}, tc.args...)
		err := run(context.Background(), args, fakeEnv(tc.env), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("run %q with %v = %v, want an error containing %q", tc.args, tc.env, err, tc.wantErr)
		}
	}

	// The token from a file, its line break dropped; the admin API is on.
	p := startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-admin-token-file", file}, nil)
	waitReady(t, p.base)
	if !strings.Contains(p.stdout.String(), "admin=true") {
		t.Errorf("listening line lacks admin=true:\n%s", p.stdout)
	}
	if status, body := putArticle(t, p.base, "300-token", "Token file", "The kakapoquill paragraph."); status != http.StatusCreated {
		t.Errorf("PUT with the file's token: %d %s", status, body)
	}
	if status, _ := httpDo(t, "DELETE", p.base+"/api/articles/300-token", "", "Authorization", "Bearer wrong-token-0123456789abcdef"); status != http.StatusUnauthorized {
		t.Errorf("DELETE with a wrong token: %d", status)
	}
	if strings.Contains(p.stdout.String(), adminTestToken) {
		t.Error("the token is in the log")
	}
	stopProc(t, p)

	// No token: no admin API.
	p = startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0"}, nil)
	waitReady(t, p.base)
	if !strings.Contains(p.stdout.String(), "admin=false") {
		t.Errorf("listening line lacks admin=false:\n%s", p.stdout)
	}
	if status, body := putArticle(t, p.base, "300-token", "x y z"); status != http.StatusMethodNotAllowed {
		t.Errorf("PUT without the admin API: %d %s", status, body)
	}
	if status, _ := httpDo(t, "POST", p.base+"/api/admin/reindex", "", "Authorization", "Bearer "+adminTestToken); status != http.StatusNotFound {
		t.Errorf("reindex without the admin API: %d", status)
	}
}

// writeArticles writes article files into a new directory.
func writeArticles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runCmd runs a command of the program to its end.
func runCmd(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), append([]string{"nmnsearch"}, args...), fakeEnv(env), &stdout, &stderr)
	return stdout.String() + stderr.String(), err
}

const (
	ingestA = "Quetzal notes\n\nThe quetzalfeather paragraph is about sleep and melatonin.\n\nA second paragraph.\n"
	ingestB = "Axolotl notes\n\nThe axolotlgill paragraph is about depression.\n"
)

func TestIngestAndReindexOffline(t *testing.T) {
	data := t.TempDir()
	files := writeArticles(t, map[string]string{"200_a.txt": ingestA, "201_b.txt": ingestB, "notes.md": "not an article"})
	out, err := runCmd(t, nil, "ingest", "-data", data, files)
	if err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	for _, want := range []string{
		"built the index in " + data + " (new data directory)",
		`created 200-a: 3 paragraphs, 0 lines dropped as the site's furniture, "Quetzal notes"`,
		`created 201-b: 2 paragraphs, 0 lines dropped as the site's furniture, "Axolotl notes"`,
		"ingested 2 articles into " + data,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("ingest output lacks %q:\n%s", want, out)
		}
	}

	// A file, again: replaced. A file that does not parse: nothing written.
	one := writeArticles(t, map[string]string{"200_a.txt": "Quetzal notes, revised\n\nThe quetzalplume paragraph replaces the feather.\n"})
	out, err = runCmd(t, nil, "ingest", "-data", data, filepath.Join(one, "200_a.txt"))
	if err != nil || !strings.Contains(out, `replaced 200-a: 2 paragraphs, 0 lines dropped as the site's furniture, "Quetzal notes, revised"`) || strings.Contains(out, "built") {
		t.Errorf("ingest again: %v\n%s", err, out)
	}
	bad := writeArticles(t, map[string]string{"202_c.txt": "Fine article\n\nWith the capybarafur paragraph.\n", "Bad_ID!.txt": "x y z\n"})
	if out, err := runCmd(t, nil, "ingest", "-data", data, bad); err == nil || !strings.Contains(err.Error(), "nothing written") {
		t.Errorf("ingest of a bad id: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"ingest", "-data", data}, "name the article files"},
		{[]string{"ingest", "-data", "", files}, `-data is ""`},
		{[]string{"ingest", "-data", data, filepath.Join(files, "missing.txt")}, "no such file"},
		{[]string{"ingest", "-data", data, t.TempDir()}, "no *.txt or *.html article files"},
		{[]string{"reindex", "-data", data, "extra"}, "unexpected arguments"},
		{[]string{"reindex", "-data="}, `-data is ""`},
		{[]string{"reindex", "-data", filepath.Join(t.TempDir(), "typo")}, "not a data directory"},
		{[]string{"reindex", "-data", t.TempDir()}, "not a data directory"},
	} {
		if out, err := runCmd(t, nil, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q\n%s", tc.args, err, tc.want, out)
		}
	}

	out, err = runCmd(t, nil, "reindex", "-data", data)
	if err != nil || !strings.Contains(out, "reindexed "+data+": 5 articles") || strings.Contains(out, "built") {
		t.Errorf("reindex: %v\n%s", err, out)
	}

	// The server opens what ingest and reindex left, builds nothing, and
	// finds the ingested text.
	p := startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-data", data}, nil)
	waitReady(t, p.base)
	if got := openedLine(t, p.stdout.String()); got.rebuilt || got.reapplied != 0 || got.articles != 5 {
		t.Errorf("serve after ingest and reindex: %+v; want opened, 5 articles", got)
	}
	for q, want := range map[string]int{"quetzalplume": 1, "quetzalfeather": 0, "axolotlgill": 1, "capybarafur": 0} {
		if hits := hitIDs(t, p.base, q); len(hits) != want {
			t.Errorf("%s: %v, want %d hits", q, hits, want)
		}
	}
}

// With the data directory open in a server, ingest and reindex go through
// its admin API, or say how to.
func TestIngestAndReindexThroughServer(t *testing.T) {
	data := t.TempDir()
	files := writeArticles(t, map[string]string{"200_a.txt": ingestA, "201_b.txt": ingestB})
	p := startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-data", data},
		map[string]string{"NMNSEARCH_ADMIN_TOKEN": adminTestToken})
	waitReady(t, p.base)
	addr := strings.TrimPrefix(p.base, "http://")

	// No token: a clear refusal, nothing written.
	out, err := runCmd(t, map[string]string{"NMNSEARCH_ADDR": addr}, "ingest", "-data", data, files)
	if err == nil || !strings.Contains(err.Error(), "in use by a running server") || !strings.Contains(err.Error(), "NMNSEARCH_ADMIN_TOKEN") ||
		!strings.Contains(err.Error(), p.base) {
		t.Errorf("ingest without a token: %v\n%s", err, out)
	}
	// A wrong token: the server's 401, explained.
	out, err = runCmd(t, map[string]string{"NMNSEARCH_ADMIN_TOKEN": "wrong-token-0123456789abcdef"}, "ingest", "-data", data, "-addr", addr, files)
	if err == nil || !strings.Contains(err.Error(), "refused the admin token") || !strings.Contains(err.Error(), "nothing written") {
		t.Errorf("ingest with a wrong token: %v\n%s", err, out)
	}
	// -addr naming another server, with another data directory: refused
	// there, nothing written; naming nothing that answers: said so.
	other := startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-data", t.TempDir()},
		map[string]string{"NMNSEARCH_ADMIN_TOKEN": adminTestToken})
	waitReady(t, other.base)
	out, err = runCmd(t, map[string]string{"NMNSEARCH_ADMIN_TOKEN": adminTestToken}, "ingest", "-data", data, "-addr", other.base, files)
	if err == nil || !strings.Contains(err.Error(), other.base+" serves ") || !strings.Contains(err.Error(), "not "+dataLabel(data)) {
		t.Errorf("ingest through a server of another data directory: %v\n%s", err, out)
	}
	out, err = runCmd(t, map[string]string{"NMNSEARCH_ADMIN_TOKEN": adminTestToken}, "reindex", "-data", data, "-addr", other.base)
	if err == nil || !strings.Contains(err.Error(), other.base+" serves ") {
		t.Errorf("reindex through a server of another data directory: %v\n%s", err, out)
	}
	if hits := hitIDs(t, other.base, "quetzalfeather"); len(hits) != 0 {
		t.Errorf("the other server got the articles: %v", hits)
	}
	if probes, _ := filepath.Glob(filepath.Join(data, ".nmnsearch-probe-*")); len(probes) != 0 {
		t.Errorf("probe files left behind: %v", probes)
	}
	stopProc(t, other)
	out, err = runCmd(t, map[string]string{"NMNSEARCH_ADMIN_TOKEN": adminTestToken}, "ingest", "-data", data, "-addr", other.base, files)
	if err == nil || !strings.Contains(err.Error(), "does not answer") || !strings.Contains(err.Error(), "point -addr") {
		t.Errorf("ingest with nothing at -addr: %v\n%s", err, out)
	}
	if hits := hitIDs(t, p.base, "quetzalfeather"); len(hits) != 0 {
		t.Fatalf("quetzalfeather found after refused ingests: %v", hits)
	}

	env := map[string]string{"NMNSEARCH_ADMIN_TOKEN": adminTestToken, "NMNSEARCH_ADDR": addr}
	out, err = runCmd(t, env, "ingest", "-data", data, files)
	if err != nil {
		t.Fatalf("ingest through the server: %v\n%s", err, out)
	}
	for _, want := range []string{
		data + " is open in a running server: sending the articles to " + p.base,
		`created 200-a: 3 paragraphs, 0 lines dropped as the site's furniture, "Quetzal notes"`,
		`created 201-b: 2 paragraphs, 0 lines dropped as the site's furniture, "Axolotl notes"`,
		"ingested 2 articles through " + p.base,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("ingest output lacks %q:\n%s", want, out)
		}
	}
	if hits := hitIDs(t, p.base, "quetzalfeather"); len(hits) != 1 {
		t.Errorf("quetzalfeather after ingest: %v", hits)
	}
	out, err = runCmd(t, env, "ingest", "-data", data, filepath.Join(files, "201_b.txt"))
	if err != nil || !strings.Contains(out, `replaced 201-b: 2 paragraphs`) {
		t.Errorf("ingest again through the server: %v\n%s", err, out)
	}

	out, err = runCmd(t, env, "reindex", "-data", data, "-addr", p.base)
	if err != nil || !strings.Contains(out, "reindexed through "+p.base+": 5 articles") {
		t.Errorf("reindex through the server: %v\n%s", err, out)
	}
	if a := fetch(p.base + "/metrics"); !strings.Contains(a.body, "\n"+`index_builds_total{kind="reindex"} 1`) {
		t.Error(`index_builds_total{kind="reindex"} is not 1 after the reindex`)
	}
	if hits := hitIDs(t, p.base, "axolotlgill"); len(hits) != 1 {
		t.Errorf("axolotlgill after the reindex: %v", hits)
	}
	stopProc(t, p)

	// A server without the admin API: said so.
	p = startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-data", data}, nil)
	waitReady(t, p.base)
	out, err = runCmd(t, map[string]string{"NMNSEARCH_ADMIN_TOKEN": adminTestToken}, "reindex", "-data", data, "-addr", p.base)
	if err == nil || !strings.Contains(err.Error(), "has no admin API") {
		t.Errorf("reindex through a server without the admin API: %v\n%s", err, out)
	}
	stopProc(t, p)
	if got := openedLine(t, p.stdout.String()); got.rebuilt || got.articles != 5 {
		t.Errorf("after ingest through the server and a clean stop: %+v", got)
	}
}

func TestServerURL(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:8080":          "http://127.0.0.1:8080",
		":8080":                   "http://127.0.0.1:8080",
		"0.0.0.0:9000":            "http://127.0.0.1:9000",
		"[::]:9000":               "http://[::1]:9000",
		"search.example:80":       "http://search.example:80",
		"https://search.example/": "https://search.example",
		"nonsense":                "",
	} {
		got, err := serverURL(addr)
		if got != want || (err != nil) != (want == "") {
			t.Errorf("serverURL(%q) = %q, %v; want %q", addr, got, err, want)
		}
	}
}

// The admin client waits out a 429 (the rate limit) and a 503 (a server
// opening its index) as told, and makes the request again.
func TestAdminClientRetries(t *testing.T) {
	var calls []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls = append(calls, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization")+" "+r.Header.Get("Content-Type"))
		if len(calls) <= 2 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader([]int{http.StatusTooManyRequests, http.StatusServiceUnavailable}[len(calls)-1])
			return
		}
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id":"200-a","title":"Quetzal notes","paragraphs":[{},{},{}]}`)
	}))
	defer ts.Close()
	a, err := index.ParseArticle("200-a", []byte(ingestA))
	if err != nil {
		t.Fatal(err)
	}
	c := &adminClient{base: ts.URL, token: adminTestToken, http: ts.Client()}
	var out bytes.Buffer
	began := time.Now()
	if err := c.ingest(context.Background(), []index.Article{a}, ingestReport{stdout: &out}); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(began); took < 2*time.Second {
		t.Errorf("retried twice in %v, want the Retry-After of 1 s each time", took)
	}
	want := "PUT /api/articles/200-a Bearer " + adminTestToken + " application/json"
	if len(calls) != 3 || calls[0] != want || calls[1] != want || calls[2] != want {
		t.Errorf("requests %q, want three times %q", calls, want)
	}
	if !strings.Contains(out.String(), `created 200-a: 3 paragraphs, 0 lines dropped as the site's furniture, "Quetzal notes"`) {
		t.Errorf("output %q", out.String())
	}
}

// Each request of the admin client has its own time limit: a server slower
// than it is given up on, one within it is waited for, and the limit
// leaves the server, not the client, to give up on a write.
func TestAdminClientTimeout(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(300 * time.Millisecond):
		case <-r.Context().Done():
		}
		io.WriteString(w, `{}`)
	}))
	defer ts.Close()
	c := &adminClient{base: ts.URL, token: adminTestToken, http: ts.Client()}
	if _, _, err := c.do(context.Background(), 50*time.Millisecond, "POST", "/api/admin/reindex", nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a request slower than its limit: %v, want context.DeadlineExceeded", err)
	}
	if status, _, err := c.do(context.Background(), 10*time.Second, "POST", "/api/admin/reindex", nil); err != nil || status != http.StatusOK {
		t.Errorf("a request within its limit: %d, %v", status, err)
	}
	if clientTimeout <= server.AdminWriteTimeout {
		t.Errorf("clientTimeout %v, want more than the server's AdminWriteTimeout %v", clientTimeout, server.AdminWriteTimeout)
	}
}

// An ingest of more articles than one write takes is written in several,
// all of them.
func TestIngestInBatches(t *testing.T) {
	data := t.TempDir()
	n := 2*ingestBatch + 1
	files := map[string]string{}
	for i := range n {
		files[fmt.Sprintf("300_n%03d.txt", i)] = fmt.Sprintf("Batch note %d\n\nThe batchword%d paragraph.\n", i, i)
	}
	out, err := runCmd(t, nil, "ingest", "-data", data, writeArticles(t, files))
	if err != nil || !strings.Contains(out, fmt.Sprintf("ingested %d articles", n)) || strings.Count(out, "created 300-n") != n {
		t.Fatalf("ingest of %d: %v\n%.500s", n, err, out)
	}
	p := startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-data", data}, nil)
	waitReady(t, p.base)
	if got := openedLine(t, p.stdout.String()); got.rebuilt || got.reapplied != 0 || got.articles != 3+n {
		t.Errorf("serve after ingest: %+v; want opened, %d articles", got, 3+n)
	}
	for _, i := range []int{0, ingestBatch - 1, ingestBatch, n - 1} {
		if hits := hitIDs(t, p.base, fmt.Sprintf("batchword%d", i)); len(hits) != 1 {
			t.Errorf("batchword%d: %v, want 1 hit", i, hits)
		}
	}
}

// A flag after the files or the destination is refused with where flags
// go, not taken for a file name.
func TestFlagsAfterArguments(t *testing.T) {
	for _, args := range [][]string{
		{"ingest", "../../seeds/001_c2c3b5d23e0135b4.txt", "-data", t.TempDir()},
		{"publish", filepath.Join(t.TempDir(), "dest"), "-data", t.TempDir()},
	} {
		_, err := runCmd(t, nil, args...)
		if err == nil || !strings.Contains(err.Error(), "flags go before") {
			t.Errorf("%s: %v, want a refusal that says where flags go", args, err)
		}
	}
}
