package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"nmnsearch/server/servertest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer that a logger and the test can share.
type syncBuffer = servertest.Buffer

func fakeEnv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// startTimeout bounds how long run may take to listen.
const startTimeout = 90 * time.Second

var listeningRE = regexp.MustCompile(`msg=listening addr=(127\.0\.0\.1:\d+)`)

// proc is run going in the background.
type proc struct {
	base           string // http://the address it serves on
	stdout, stderr *syncBuffer
	cancel         context.CancelFunc
	errc           chan error
}

// start runs run in the background and returns the base URL it serves on
// and a stop function that cancels it and returns run's error.
func start(t *testing.T, args []string, env map[string]string) (string, func() error) {
	t.Helper()
	p := startProc(t, args, env)
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		p.cancel()
		ok, err := p.wait(15 * time.Second)
		if !ok {
			t.Fatalf("run did not return after cancel; stdout:\n%s", p.stdout)
		}
		return err
	}
	t.Cleanup(func() { stop() })
	return p.base, stop
}

// startProc starts run and waits for its listening line. The caller must
// cancel it; a cleanup does too. Unless args name -data, the index is in
// memory: the default data directory is not the tests' to write.
func startProc(t *testing.T, args []string, env map[string]string) *proc {
	t.Helper()
	if !slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "-data") }) {
		args = append([]string{args[0], "-data="}, args[1:]...)
	}
	return startRun(t, args, env)
}

// startRun is startProc with args as they are.
func startRun(t *testing.T, args []string, env map[string]string) *proc {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p := &proc{stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, errc: make(chan error, 1)}
	go func() { p.errc <- run(ctx, args, fakeEnv(env), p.stdout, p.stderr) }()
	t.Cleanup(func() {
		cancel()
		p.wait(15 * time.Second)
	})

	// Building the index loads kagome's dictionary: a second, a minute
	// under -race.
	deadline := time.Now().Add(startTimeout)
	for {
		if m := listeningRE.FindStringSubmatch(p.stdout.String()); m != nil {
			p.base = "http://" + m[1]
			return p
		}
		select {
		case err := <-p.errc:
			p.errc <- err
			t.Fatalf("run returned before listening: %v; stderr:\n%s", err, p.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no listening line; stdout:\n%s", p.stdout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// wait reports whether run returned within d, and its error. It may be
// called more than once.
func (p *proc) wait(d time.Duration) (bool, error) {
	select {
	case err := <-p.errc:
		p.errc <- err
		return true, err
	case <-time.After(d):
		return false, nil
	}
}

// waitReady polls /readyz until it answers 200.
func waitReady(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz never answered 200 (last: %v, %v)", resp, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestRun(t *testing.T) {
	// The flag wins over the environment, whose address could not be bound.
	base, stop := start(t, []string{"nmnsearch", "-addr", "127.0.0.1:0"},
		map[string]string{"NMNSEARCH_ADDR": "192.0.2.1:1"})
	waitReady(t, base)

	resp, err := http.Get(base + "/api/search?q=NAD%2B&size=3")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("search: status %d; body %s", resp.StatusCode, body)
	}
	var res struct {
		Query string
		Total int
		Hits  []struct{ Highlight string }
	}
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	if res.Query != "NAD+" || res.Total == 0 || len(res.Hits) != 3 {
		t.Fatalf("search NAD+: query %q, total %d, %d hits; want NAD+, some, 3", res.Query, res.Total, len(res.Hits))
	}
	if !strings.Contains(res.Hits[0].Highlight, "<mark>NAD+</mark>") {
		t.Errorf("highlight %q lacks <mark>NAD+</mark>", res.Hits[0].Highlight)
	}

	if err := stop(); err != nil {
		t.Fatalf("run returned %v after cancel, want nil", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("still serving after run returned")
	}
}

func TestRunAddrFromEnv(t *testing.T) {
	base, stop := start(t, []string{"nmnsearch"}, map[string]string{"NMNSEARCH_ADDR": "127.0.0.1:0"})
	waitReady(t, base)
	if err := stop(); err != nil {
		t.Fatalf("run returned %v, want nil", err)
	}
}

// corsHeader is the Access-Control-Allow-Origin that base answers a page of
// origin with, for a search.
func corsHeader(t *testing.T, base, origin string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/search?q=NAD%2B&size=1", nil)
	req.Header.Set("Origin", origin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("search from %s: status %d", origin, resp.StatusCode)
	}
	return resp.Header.Get("Access-Control-Allow-Origin")
}

func TestRunCORSOrigins(t *testing.T) {
	// By default any page may read the API, and load the box.
	base, _ := start(t, []string{"nmnsearch", "-addr", "127.0.0.1:0"}, nil)
	waitReady(t, base)
	if got := corsHeader(t, base, "https://clinic.example"); got != "*" {
		t.Errorf("default: Access-Control-Allow-Origin = %q, want *", got)
	}
	resp, err := http.Get(base + "/widget.js")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("/widget.js: %d, Access-Control-Allow-Origin %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
	}

	// The flag wins over the environment.
	base, _ = start(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-cors-origins", "https://clinic.example, http://localhost:3000"},
		map[string]string{"NMNSEARCH_CORS_ORIGINS": "https://env.example"})
	waitReady(t, base)
	for origin, want := range map[string]string{
		"https://clinic.example": "https://clinic.example",
		"http://localhost:3000":  "http://localhost:3000",
		"https://env.example":    "",
		"https://evil.example":   "",
	} {
		if got := corsHeader(t, base, origin); got != want {
			t.Errorf("-cors-origins: from %s, Access-Control-Allow-Origin = %q, want %q", origin, got, want)
		}
	}

	base, _ = start(t, []string{"nmnsearch", "-addr", "127.0.0.1:0"},
		map[string]string{"NMNSEARCH_CORS_ORIGINS": "https://env.example"})
	waitReady(t, base)
	if got := corsHeader(t, base, "https://env.example"); got != "https://env.example" {
		t.Errorf("$NMNSEARCH_CORS_ORIGINS: Access-Control-Allow-Origin = %q", got)
	}
}

func TestRunErrors(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		wantErr    string // substring of run's error
		wantStderr string // substring of what run printed
	}{
		{[]string{"nmnsearch", "-nope"}, "not defined", "-addr"},
		{[]string{"nmnsearch", "extra"}, "unexpected arguments", ""},
		{[]string{"nmnsearch", "-addr", "127.0.0.1:99999"}, "invalid port", ""},
		{[]string{"nmnsearch", "-cors-origins", "clinic.example"}, `"clinic.example" is not an origin`, ""},
		{[]string{"nmnsearch", "-cors-origins", "*,https://a.example"}, "not both", ""},
		{[]string{"nmnsearch", "-rate", "-1"}, "-rate -1", ""},
		{[]string{"nmnsearch", "-rate", "NaN"}, "-rate NaN", ""},
		{[]string{"nmnsearch", "-rate", "fast"}, "invalid value", "-rate"},
		{[]string{"nmnsearch", "-rate", "5", "-burst", "0"}, "-burst 0", ""},
		{[]string{"nmnsearch", "-max-concurrent-searches", "-1"}, "-max-concurrent-searches -1", ""},
		{[]string{"nmnsearch", "-trust-proxy=maybe"}, "invalid boolean", ""},
		{[]string{"nmnsearch", "-cache-size", "lots"}, "invalid value", "-cache-size"},
		{[]string{"nmnsearch", "-cache-size", "-1"}, "invalid value", ""},
		{[]string{"nmnsearch", "-debug-addr", ":6060"}, "-debug-addr :6060: the profiler", ""},
		{[]string{"nmnsearch", "-debug-addr", "0.0.0.0:6060"}, "give a loopback address", ""},
		{[]string{"nmnsearch", "-debug-addr", "10.0.0.1:6060"}, "give a loopback address", ""},
	} {
		var stderr bytes.Buffer
		err := run(context.Background(), tc.args, fakeEnv(nil), io.Discard, &stderr)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("run %q = %v, want an error containing %q", tc.args, err, tc.wantErr)
		}
		if !strings.Contains(stderr.String(), tc.wantStderr) {
			t.Errorf("run %q: stderr %q lacks %q", tc.args, stderr.String(), tc.wantStderr)
		}
	}

	// An environment value that does not parse is an error, not a default.
	for key, value := range map[string]string{
		"NMNSEARCH_RATE":                    "fast",
		"NMNSEARCH_BURST":                   "1.5",
		"NMNSEARCH_TRUST_PROXY":             "maybe",
		"NMNSEARCH_MAX_CONCURRENT_SEARCHES": "many",
		"NMNSEARCH_CACHE_SIZE":              "64 parsecs",
	} {
		err := run(context.Background(), []string{"nmnsearch"}, fakeEnv(map[string]string{key: value}), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "$"+key) || !strings.Contains(err.Error(), value) {
			t.Errorf("$%s=%s: run = %v, want an error naming both", key, value, err)
		}
	}
	if err := run(context.Background(), []string{"nmnsearch", "-rate", "0", "-burst", "0", "-addr", "127.0.0.1:99999"},
		fakeEnv(nil), io.Discard, io.Discard); err == nil || strings.Contains(err.Error(), "burst") {
		t.Errorf("-rate 0 -burst 0: run = %v; want the burst ignored with no limit", err)
	}

	// -h prints usage and is not an error.
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"nmnsearch", "-h"}, fakeEnv(nil), io.Discard, &stderr); err != nil {
		t.Errorf("run -h = %v, want nil", err)
	}
	for _, env := range []string{"NMNSEARCH_ADDR", "NMNSEARCH_CORS_ORIGINS", "NMNSEARCH_RATE", "NMNSEARCH_BURST",
		"NMNSEARCH_TRUST_PROXY", "NMNSEARCH_MAX_CONCURRENT_SEARCHES", "NMNSEARCH_METRICS_ADDR", "NMNSEARCH_CACHE_SIZE",
		"NMNSEARCH_DATA", "NMNSEARCH_ADMIN_TOKEN", "NMNSEARCH_ADMIN_TOKEN_FILE", "ingest", "reindex"} {
		if !strings.Contains(stderr.String(), env) {
			t.Errorf("usage %q does not mention %s", stderr.String(), env)
		}
	}
}

func TestDefaultAddr(t *testing.T) {
	if got := envOr(fakeEnv(nil), "NMNSEARCH_ADDR", defaultAddr); got != "127.0.0.1:8080" {
		t.Errorf("default addr = %q, want 127.0.0.1:8080", got)
	}
	if got := envOr(fakeEnv(map[string]string{"NMNSEARCH_ADDR": ":9"}), "NMNSEARCH_ADDR", defaultAddr); got != ":9" {
		t.Errorf("addr from env = %q, want :9", got)
	}
}

// While the index opens (a build can take a minute), the port answers:
// /healthz 200, /readyz and the API 503 not_ready with Retry-After; then
// the service does. The metrics and profiler ports answer from the start.
func TestRunAnswersWhileOpening(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	open := func() { once.Do(func() { close(release) }) }
	testHookOpening = func() { <-release }
	t.Cleanup(func() { testHookOpening = nil })

	ctx, cancel := context.WithCancel(context.Background())
	stdout := &syncBuffer{}
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-data=",
			"-metrics-addr", "127.0.0.1:0", "-debug-addr", "127.0.0.1:0"}, fakeEnv(nil), stdout, &syncBuffer{})
	}()
	t.Cleanup(func() {
		open()
		cancel()
		<-errc
	})
	opening := regexp.MustCompile(`msg="opening the index" addr=(127\.0\.0\.1:\d+)`)
	var base string
	for deadline := time.Now().Add(startTimeout); base == ""; time.Sleep(10 * time.Millisecond) {
		if m := opening.FindStringSubmatch(stdout.String()); m != nil {
			base = "http://" + m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("no opening line; stdout:\n%s", stdout)
		}
	}

	// A port that stopped answering would fail the test, not hang it.
	client := &http.Client{Timeout: 10 * time.Second}
	for _, path := range []string{"/healthz", "/readyz", "/api/search?q=NAD%2B", "/"} {
		req, err := http.NewRequest("GET", base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Origin", "https://clinic.example") // a search box on another site
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s while opening: %v", path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if path == "/healthz" {
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"status":"ok"`) {
				t.Errorf("/healthz while opening: %d %s", resp.StatusCode, body)
			}
			continue
		}
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), `"code":"not_ready"`) ||
			resp.Header.Get("Retry-After") != "1" {
			t.Errorf("%s while opening: %d %s %v, want 503 not_ready with Retry-After: 1", path, resp.StatusCode, body, resp.Header)
		}
		if cors := resp.Header.Get("Access-Control-Allow-Origin"); (cors == "*") != strings.HasPrefix(path, "/api/") {
			t.Errorf("%s while opening: Access-Control-Allow-Origin %q, want * on the API only", path, cors)
		}
	}
	if strings.Contains(stdout.String(), "msg=listening") {
		t.Error("listening logged before the index was open")
	}
	for _, side := range []struct {
		re   *regexp.Regexp
		path string
	}{{metricsListeningRE, "/metrics"}, {profilerListeningRE, "/debug/pprof/"}} {
		m := side.re.FindStringSubmatch(stdout.String())
		if m == nil {
			t.Errorf("no line matching %s while opening; stdout:\n%s", side.re, stdout)
			continue
		}
		resp, err := client.Get("http://" + m[1] + side.path)
		if err != nil {
			t.Errorf("%s while opening: %v", side.path, err)
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s while opening: %d, want 200", side.path, resp.StatusCode)
		}
	}

	open()
	// The build after the release takes a second, a minute under -race.
	for deadline := time.Now().Add(startTimeout); ; time.Sleep(20 * time.Millisecond) {
		if resp, err := client.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("/readyz never answered 200 once the index could open")
		}
	}
	if hits := hitIDs(t, base, "NAD+"); len(hits) == 0 {
		t.Error("NAD+ finds nothing once the index is open")
	}
}

// -version prints one line naming the version, and serves nothing.
func TestRunVersion(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"nmnsearch", "-version"}, func(string) string { return "" }, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if out := stdout.String(); !strings.HasPrefix(out, "nmnsearch ") || strings.Count(out, "\n") != 1 || !strings.Contains(out, "go1") {
		t.Errorf("-version printed %q", out)
	}
}

// The log says which URL to open once the service is ready.
func TestRunLogsURLToOpen(t *testing.T) {
	p := startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0"}, nil)
	waitReady(t, p.base)
	if want := "msg=ready url=" + p.base + "/"; !strings.Contains(p.stdout.String(), want) {
		t.Errorf("log lacks %s:\n%s", want, p.stdout)
	}
}

func TestOpenURL(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080/",
		"0.0.0.0:8080":   "http://localhost:8080/",
		"[::]:8080":      "http://localhost:8080/",
		"[::1]:8080":     "http://[::1]:8080/",
	} {
		a, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := openURL(a); got != want {
			t.Errorf("openURL(%s) = %s, want %s", addr, got, want)
		}
	}
}
