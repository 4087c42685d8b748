package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"nmnsearch/search"
	"nmnsearch/server"
)

// gatedSearcher holds every search for q "slow" until release is closed,
// telling entered as each starts; other searches pass.
type gatedSearcher struct {
	server.Searcher
	entered chan<- struct{}
	release <-chan struct{}
}

func (g gatedSearcher) Search(ctx context.Context, r search.Request) (*search.Result, error) {
	if r.Q == "slow" {
		g.entered <- struct{}{}
		<-g.release
	}
	return g.Searcher.Search(ctx, r)
}

// gateSearches installs a gatedSearcher for the tests' run calls.
func gateSearches(t *testing.T) (entered <-chan struct{}, release chan struct{}) {
	t.Helper()
	in, out := make(chan struct{}, 8), make(chan struct{})
	testHookSearcher = func(s server.Searcher) server.Searcher { return gatedSearcher{s, in, out} }
	t.Cleanup(func() { testHookSearcher = nil })
	return in, out
}

type answer struct {
	status int
	header http.Header
	body   string
	err    error
}

func fetch(url string) answer {
	resp, err := http.Get(url)
	if err != nil {
		return answer{err: err}
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return answer{resp.StatusCode, resp.Header, string(body), err}
}

// fetchAsync fetches url in the background.
func fetchAsync(url string) <-chan answer {
	c := make(chan answer, 1)
	go func() { c <- fetch(url) }()
	return c
}

func within[T any](t *testing.T, c <-chan T, d time.Duration, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(d):
		t.Fatalf("%s: nothing after %v", what, d)
		panic("unreachable")
	}
}

func errorCode(t *testing.T, body string) string {
	t.Helper()
	var e struct{ Error struct{ Code string } }
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	return e.Error.Code
}

func TestRunDrainsInFlight(t *testing.T) {
	entered, release := gateSearches(t)
	p := startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0"}, nil)
	waitReady(t, p.base)

	inFlight := fetchAsync(p.base + "/api/search?q=slow")
	within(t, entered, 10*time.Second, "the slow search")
	p.cancel() // SIGTERM

	// The listener closes at once: no new connection is taken...
	addr := strings.TrimPrefix(p.base, "http://")
	deadline := time.Now().Add(5 * time.Second)
	for {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			break
		}
		conn.Close()
		if time.Now().After(deadline) {
			t.Fatal("still taking connections after the signal")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// ...but run waits for the request in flight.
	if done, err := p.wait(200 * time.Millisecond); done {
		t.Fatalf("run returned (%v) with a request in flight", err)
	}
	close(release)
	a := within(t, inFlight, 10*time.Second, "the request in flight")
	if a.err != nil || a.status != http.StatusOK || !strings.Contains(a.body, `"query":"slow"`) {
		t.Fatalf("the request in flight: %d %.200s %v; want its 200", a.status, a.body, a.err)
	}
	done, err := p.wait(15 * time.Second)
	if !done || err != nil {
		t.Fatalf("run after draining: returned %v, error %v; want nil", done, err)
	}
	out := p.stdout.String()
	for _, want := range []string{"msg=\"shutting down\"", "path=/api/search route=/api/search status=200", "msg=stopped"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
}

func TestRunRateLimit(t *testing.T) {
	// The flags win over the environment: two at once, then one every 2 s.
	base, _ := start(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-rate", "0.5", "-burst", "2"},
		map[string]string{"NMNSEARCH_RATE": "1000", "NMNSEARCH_BURST": "1000"})
	waitReady(t, base)
	for i := range 2 {
		if a := fetch(base + "/api/topics"); a.status != http.StatusOK {
			t.Fatalf("request %d: %d %v", i+1, a.status, a.err)
		}
	}
	a := fetch(base + "/api/topics")
	if a.status != http.StatusTooManyRequests || errorCode(t, a.body) != "rate_limited" || a.header.Get("Retry-After") != "2" {
		t.Errorf("past the burst: %d %s, Retry-After %q; want 429 rate_limited, 2", a.status, a.body, a.header.Get("Retry-After"))
	}
	if a := fetch(base + "/healthz"); a.status != http.StatusOK {
		t.Errorf("/healthz past the rate limit: %d", a.status)
	}

	// From the environment.
	base, _ = start(t, []string{"nmnsearch", "-addr", "127.0.0.1:0"},
		map[string]string{"NMNSEARCH_RATE": "0.5", "NMNSEARCH_BURST": "1"})
	waitReady(t, base)
	fetch(base + "/api/topics")
	if a := fetch(base + "/api/topics"); a.status != http.StatusTooManyRequests {
		t.Errorf("$NMNSEARCH_RATE, $NMNSEARCH_BURST: second request %d, want 429", a.status)
	}

	// -rate 0: no limit.
	base, _ = start(t, []string{"nmnsearch", "-addr", "127.0.0.1:0"}, map[string]string{"NMNSEARCH_RATE": "0"})
	waitReady(t, base)
	for i := range 3 * server.DefaultBurst {
		if a := fetch(base + "/api/articles"); a.status != http.StatusOK {
			t.Fatalf("$NMNSEARCH_RATE=0: request %d: %d, want 200", i+1, a.status)
		}
	}

	// By default the limit is on: DefaultBurst at once, then DefaultRate a
	// second.
	base, _ = start(t, []string{"nmnsearch", "-addr", "127.0.0.1:0"}, nil)
	waitReady(t, base)
	okBefore := 0
	for range 10 * server.DefaultBurst {
		a := fetch(base + "/api/articles")
		if a.status == http.StatusTooManyRequests {
			break
		}
		okBefore++
	}
	if okBefore < server.DefaultBurst || okBefore >= 10*server.DefaultBurst {
		t.Errorf("default limit: %d requests before a 429, want at least DefaultBurst %d and a 429", okBefore, server.DefaultBurst)
	}
}

func TestRunMaxConcurrentSearches(t *testing.T) {
	entered, release := gateSearches(t)
	base, _ := start(t, []string{"nmnsearch", "-addr", "127.0.0.1:0"},
		map[string]string{"NMNSEARCH_MAX_CONCURRENT_SEARCHES": "1", "NMNSEARCH_RATE": "0"})
	waitReady(t, base)
	slow := fetchAsync(base + "/api/search?q=slow")
	within(t, entered, 10*time.Second, "the slow search")

	a := fetch(base + "/api/search?q=NAD%2B")
	if a.status != http.StatusServiceUnavailable || errorCode(t, a.body) != "overloaded" || a.header.Get("Retry-After") != "1" {
		t.Errorf("second search with one slot: %d %s, Retry-After %q; want 503 overloaded, 1", a.status, a.body, a.header.Get("Retry-After"))
	}
	if a := fetch(base + "/api/articles"); a.status != http.StatusOK {
		t.Errorf("/api/articles with the slot busy: %d, want 200", a.status)
	}
	close(release)
	if a := within(t, slow, 10*time.Second, "the slow search"); a.status != http.StatusOK {
		t.Errorf("the slow search: %d %v", a.status, a.err)
	}
	if a := fetch(base + "/api/search?q=NAD%2B"); a.status != http.StatusOK {
		t.Errorf("search after the slot was freed: %d", a.status)
	}
}

var metricsListeningRE = regexp.MustCompile(`msg="metrics listening" addr=(127\.0\.0\.1:\d+)`)

func TestRunMetrics(t *testing.T) {
	base, _ := start(t, []string{"nmnsearch", "-addr", "127.0.0.1:0"}, nil)
	waitReady(t, base)
	if a := fetch(base + "/api/search?q=NAD%2B"); a.status != http.StatusOK {
		t.Fatalf("search: %d", a.status)
	}
	var list struct{ Articles []struct{ Paragraphs int } }
	json.Unmarshal([]byte(fetch(base+"/api/articles").body), &list)
	paragraphs := 0
	for _, a := range list.Articles {
		paragraphs += a.Paragraphs
	}
	a := fetch(base + "/metrics")
	if a.status != http.StatusOK {
		t.Fatalf("/metrics: %d", a.status)
	}
	for _, want := range []string{
		`index_builds_total{kind="build"} 1`,
		"index_documents " + strconv.Itoa(paragraphs),
		`http_requests_total{method="GET",route="/api/search",status="200"} 1`,
		"search_duration_seconds_count 1",
		`requests_rejected_total{reason="rate_limited"} 0`,
		"process_start_time_seconds ",
	} {
		if !strings.Contains(a.body, "\n"+want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if paragraphs < 100 {
		t.Errorf("%d paragraphs in the seeds, want the 160 or so", paragraphs)
	}

	// -metrics-addr moves /metrics to a listener of its own.
	p := startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0"}, map[string]string{"NMNSEARCH_METRICS_ADDR": "127.0.0.1:0"})
	m := metricsListeningRE.FindStringSubmatch(p.stdout.String())
	if m == nil {
		t.Fatalf("no metrics listening line:\n%s", p.stdout)
	}
	waitReady(t, p.base)
	if a := fetch(p.base + "/metrics"); a.status != http.StatusNotFound {
		t.Errorf("/metrics on -addr with -metrics-addr set: %d, want 404", a.status)
	}
	if a := fetch("http://" + m[1] + "/metrics"); a.status != http.StatusOK || !strings.Contains(a.body, `index_builds_total{kind="build"} 1`) {
		t.Errorf("/metrics on -metrics-addr: %d %.200s", a.status, a.body)
	}
	if a := fetch("http://" + m[1] + "/api/search?q=x"); a.status != http.StatusNotFound {
		t.Errorf("the API on -metrics-addr: %d, want 404", a.status)
	}
	p.cancel()
	if done, err := p.wait(15 * time.Second); !done || err != nil {
		t.Errorf("run with -metrics-addr: returned %v, %v; want nil", done, err)
	}
	if _, err := http.Get("http://" + m[1] + "/metrics"); err == nil {
		t.Error("the metrics listener still serves after run returned")
	}
}

var profilerListeningRE = regexp.MustCompile(`msg="profiler listening" addr=(127\.0\.0\.1:\d+)`)

// -debug-addr serves Go's profiler on a listener of its own, and only there.
func TestRunProfiler(t *testing.T) {
	p := startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-debug-addr", "127.0.0.1:0"}, nil)
	m := profilerListeningRE.FindStringSubmatch(p.stdout.String())
	if m == nil {
		t.Fatalf("no profiler listening line:\n%s", p.stdout)
	}
	waitReady(t, p.base)
	if a := fetch("http://" + m[1] + "/debug/pprof/heap?debug=1"); a.status != http.StatusOK || !strings.Contains(a.body, "heap profile") {
		t.Errorf("/debug/pprof/heap on -debug-addr: %d %.100s", a.status, a.body)
	}
	if a := fetch("http://" + m[1] + "/debug/pprof/profile?seconds=1"); a.status != http.StatusOK || len(a.body) == 0 {
		t.Errorf("a one-second CPU profile: %d, %d bytes", a.status, len(a.body))
	}
	if a := fetch(p.base + "/debug/pprof/"); a.status != http.StatusNotFound {
		t.Errorf("/debug/pprof/ on -addr: %d, want 404", a.status)
	}
	if a := fetch("http://" + m[1] + "/api/search?q=x"); a.status != http.StatusNotFound {
		t.Errorf("the API on -debug-addr: %d, want 404", a.status)
	}

	// Without the flag there is no profiler anywhere.
	base, _ := start(t, []string{"nmnsearch", "-addr", "127.0.0.1:0"}, nil)
	waitReady(t, base)
	if a := fetch(base + "/debug/pprof/"); a.status != http.StatusNotFound {
		t.Errorf("/debug/pprof/ without -debug-addr: %d, want 404", a.status)
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:6060": true, "127.0.0.2:0": true, "[::1]:6060": true, "localhost:6060": true,
		":6060": false, "0.0.0.0:6060": false, "[::]:6060": false, "10.0.0.1:6060": false,
		"example.com:6060": false, "127.0.0.1": false,
	} {
		if got := isLoopback(addr); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", addr, got, want)
		}
	}
}
