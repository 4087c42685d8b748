package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"nmnsearch/search"
	"nmnsearch/server"
)

// from serves one request of client (a RemoteAddr) with headers.
func from(t *testing.T, h http.Handler, client, method, target string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	req.RemoteAddr = client
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestRateLimit(t *testing.T) {
	const burst = 3
	m := server.NewMetrics()
	// One token a minute: none comes back while the test runs.
	h, logs := newHandlerOpts(&fakeSearcher{articles: testArticles}, server.WithRateLimit(1.0/60, burst), server.WithMetrics(m))
	const alice, bob = "192.0.2.1:1111", "192.0.2.2:2222"

	for i := range burst {
		if rec := from(t, h, alice, "GET", "/api/search?q=x"); rec.Code != http.StatusOK {
			t.Fatalf("request %d of the burst: status %d; body %s", i+1, rec.Code, rec.Body)
		}
	}
	rec := from(t, h, alice, "GET", "/api/search?q=x", "Origin", "https://clinic.example")
	msg := wantError(t, rec, http.StatusTooManyRequests, "rate_limited")
	if got := rec.Header().Get("Retry-After"); got != "60" {
		t.Errorf("Retry-After = %q, want 60 (a token a minute)", got)
	}
	if !strings.Contains(msg, "retry in 60 s") {
		t.Errorf("message %q does not say when to retry", msg)
	}
	// The page that asked can read the refusal, and the box say so.
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("429: Access-Control-Allow-Origin = %q, want *", got)
	}
	// Every route of the API and the pages draws on the same bucket.
	for _, target := range []string{"/api/suggest?q=me", "/api/topics", "/api/articles", "/api/articles/000-a"} {
		wantError(t, from(t, h, alice, "GET", target), http.StatusTooManyRequests, "rate_limited")
	}
	for _, target := range []string{"/", "/articles/000-a"} {
		rec := from(t, h, alice, "GET", target)
		wantPage(t, rec, http.StatusTooManyRequests)
		if rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s: 429 page without Retry-After", target)
		}
	}
	// Not limited: the probes, the metrics, the files, a preflight.
	for _, target := range []string{"/healthz", "/readyz", "/metrics", "/widget.js"} {
		if rec := from(t, h, alice, "GET", target); rec.Code != http.StatusOK {
			t.Errorf("%s: status %d, want 200 past the rate limit", target, rec.Code)
		}
	}
	pre := from(t, h, alice, "OPTIONS", "/api/search", "Origin", "https://clinic.example", "Access-Control-Request-Method", "GET")
	if pre.Code != http.StatusNoContent {
		t.Errorf("preflight past the rate limit: status %d, want 204", pre.Code)
	}
	// Another client has its own bucket.
	if rec := from(t, h, bob, "GET", "/api/search?q=x"); rec.Code != http.StatusOK {
		t.Errorf("another client: status %d, want 200", rec.Code)
	}

	got := scrape(t, h)
	if v := value(got, "requests_rejected_total", "reason", "rate_limited"); v != 7 {
		t.Errorf(`requests_rejected_total{reason="rate_limited"} = %v, want 7`, v)
	}
	if v := value(got, "http_requests_total", "route", "/api/search", "method", "GET", "status", "429"); v != 1 {
		t.Errorf("http_requests_total of the 429 on /api/search = %v, want 1", v)
	}
	var logged int
	for _, l := range logLines(t, logs) {
		if l["msg"] == "request" && l["status"] == 429.0 {
			logged++
			if l["reason"] != "rate_limited" || l["route"] == "" || l["route"] == "none" {
				t.Errorf("429 log line = %v, want reason rate_limited and its route", l)
			}
		}
	}
	if logged != 7 {
		t.Errorf("%d access log lines of 429, want 7", logged)
	}
}

func TestRateLimitRetryAfterRoundsUp(t *testing.T) {
	// 0.3 a second: the next token in 3.33 s, so Retry-After 4.
	h, _ := newHandlerOpts(&fakeSearcher{}, server.WithRateLimit(0.3, 1))
	from(t, h, "192.0.2.1:1", "GET", "/api/topics")
	rec := from(t, h, "192.0.2.1:1", "GET", "/api/topics")
	wantError(t, rec, http.StatusTooManyRequests, "rate_limited")
	if got := rec.Header().Get("Retry-After"); got != "4" {
		t.Errorf("Retry-After = %q, want 4", got)
	}
}

func TestRateLimitOff(t *testing.T) {
	for name, opts := range map[string][]server.Option{
		"default": nil,
		"rate 0":  {server.WithRateLimit(0, 1)},
	} {
		h, _ := newHandlerOpts(&fakeSearcher{}, opts...)
		for i := range 3 * server.DefaultBurst {
			if rec := from(t, h, "192.0.2.1:1", "GET", "/api/search?q=x"); rec.Code != http.StatusOK {
				t.Fatalf("%s: request %d: status %d, want 200 with no limit", name, i+1, rec.Code)
			}
		}
	}
}

func TestRateLimitClientAddress(t *testing.T) {
	// Without -trust-proxy, X-Forwarded-For is the client's to write, and
	// changes nothing.
	h, _ := newHandlerOpts(&fakeSearcher{}, server.WithRateLimit(1.0/60, 1))
	from(t, h, "192.0.2.1:1", "GET", "/api/topics", "X-Forwarded-For", "198.51.100.1")
	wantError(t, from(t, h, "192.0.2.1:2", "GET", "/api/topics", "X-Forwarded-For", "198.51.100.2"),
		http.StatusTooManyRequests, "rate_limited")

	// An IPv6 client is its /64: the rest of the address is its own to pick.
	from(t, h, "[2001:db8:1:2::1]:1", "GET", "/api/topics")
	wantError(t, from(t, h, "[2001:db8:1:2:ffff::9]:1", "GET", "/api/topics"), http.StatusTooManyRequests, "rate_limited")
	if rec := from(t, h, "[2001:db8:1:3::1]:1", "GET", "/api/topics"); rec.Code != http.StatusOK {
		t.Errorf("another /64: status %d, want 200", rec.Code)
	}
	// An IPv4 address mapped into IPv6 is the IPv4 one.
	wantError(t, from(t, h, "[::ffff:192.0.2.1]:3", "GET", "/api/topics"), http.StatusTooManyRequests, "rate_limited")

	// Behind one proxy (-trust-proxy), the client is the last address of
	// X-Forwarded-For, which the proxy wrote; those before it are the
	// client's own words.
	h, logs := newHandlerOpts(&fakeSearcher{}, server.WithRateLimit(1.0/60, 1), server.WithTrustProxy(true))
	const proxy = "10.0.0.1:5555"
	from(t, h, proxy, "GET", "/api/topics", "X-Forwarded-For", "1.1.1.1, 203.0.113.9")
	wantError(t, from(t, h, proxy, "GET", "/api/topics", "X-Forwarded-For", "2.2.2.2, 203.0.113.9"),
		http.StatusTooManyRequests, "rate_limited")
	if rec := from(t, h, proxy, "GET", "/api/topics", "X-Forwarded-For", "203.0.113.10"); rec.Code != http.StatusOK {
		t.Errorf("another client behind the proxy: status %d, want 200", rec.Code)
	}
	// Several header lines: the last line's last address.
	wantError(t, from(t, h, proxy, "GET", "/api/topics", "X-Forwarded-For", "203.0.113.10", "X-Forwarded-For", "7.7.7.7, 203.0.113.9"),
		http.StatusTooManyRequests, "rate_limited")
	// No usable header: the peer.
	from(t, h, proxy, "GET", "/api/topics", "X-Forwarded-For", "unknown")
	wantError(t, from(t, h, proxy, "GET", "/api/topics"), http.StatusTooManyRequests, "rate_limited")

	var clients []string
	for _, l := range logLines(t, logs) {
		if l["msg"] == "request" {
			clients = append(clients, l["client"].(string))
		}
	}
	want := []string{"203.0.113.9", "203.0.113.9", "203.0.113.10", "203.0.113.9", "10.0.0.1", "10.0.0.1"}
	if strings.Join(clients, " ") != strings.Join(want, " ") {
		t.Errorf("logged clients %v, want %v", clients, want)
	}
}

// blockingSearcher holds every search until release is closed, telling
// entered as each one starts.
func blockingSearcher(entered chan<- string, release <-chan struct{}) *fakeSearcher {
	return &fakeSearcher{search: func(ctx context.Context, r search.Request) (*search.Result, error) {
		entered <- r.Q
		select {
		case <-release:
			return &search.Result{Query: r.Q}, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}}
}

func TestSearchCap(t *testing.T) {
	const slots = 2
	entered, release := make(chan string, 10), make(chan struct{})
	m := server.NewMetrics()
	h, logs := newHandlerOpts(blockingSearcher(entered, release), server.WithMaxConcurrentSearches(slots), server.WithMetrics(m))

	var wg sync.WaitGroup
	codes := make(chan int, 10)
	search := func(q string) {
		wg.Go(func() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/search?q="+q, nil))
			codes <- rec.Code
		})
	}
	for i := range slots {
		search("busy" + string(rune('a'+i)))
		<-entered
	}

	// Every slot busy: a search waits SearchQueueWait, then is refused.
	began := time.Now()
	rec := do(t, h, "GET", "/api/search?q=late")
	waited := time.Since(began)
	wantError(t, rec, http.StatusServiceUnavailable, "overloaded")
	if got := rec.Header().Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After = %q, want 1", got)
	}
	if waited < server.SearchQueueWait {
		t.Errorf("refused after %v, want a wait of SearchQueueWait %v first", waited, server.SearchQueueWait)
	}
	// The cap is shared by every route that queries the index; the others
	// and the probes still answer.
	wantError(t, do(t, h, "GET", "/api/suggest?q=me"), http.StatusServiceUnavailable, "overloaded")
	wantError(t, do(t, h, "GET", "/api/topics"), http.StatusServiceUnavailable, "overloaded")
	wantPage(t, do2(h, "GET", "/articles/000-a"), http.StatusServiceUnavailable)
	for _, target := range []string{"/api/articles", "/healthz", "/readyz"} {
		if rec := do(t, h, "GET", target); rec.Code != http.StatusOK {
			t.Errorf("%s with every search slot busy: status %d, want 200", target, rec.Code)
		}
	}

	close(release)
	wg.Wait()
	close(codes)
	for code := range codes {
		if code != http.StatusOK {
			t.Errorf("a search that held a slot: status %d, want 200", code)
		}
	}
	if rec := do(t, h, "GET", "/api/search?q=after"); rec.Code != http.StatusOK {
		t.Errorf("after the slots were freed: status %d, want 200", rec.Code)
	}

	if v := value(scrape(t, h), "requests_rejected_total", "reason", "overloaded"); v != 4 {
		t.Errorf(`requests_rejected_total{reason="overloaded"} = %v, want 4`, v)
	}
	if strings.Contains(logs.String(), "internal error") {
		t.Errorf("an overload was logged as an internal error:\n%s", logs)
	}
}

func TestSearchCapWaitsForSlot(t *testing.T) {
	// A slot freed within the wait is taken: the waiting search runs, once
	// the one before it is done. (The wait is long here so that a slow
	// machine cannot turn this into a refusal.)
	entered, release := make(chan string, 2), make(chan struct{})
	h, _ := newHandlerOpts(blockingSearcher(entered, release),
		server.WithMaxConcurrentSearches(1), server.WithSearchQueueWait(30*time.Second))
	busy := make(chan int, 1)
	go func() { busy <- do2(h, "GET", "/api/search?q=busy").Code }()
	<-entered
	queued := make(chan int, 1)
	go func() { queued <- do2(h, "GET", "/api/search?q=queued").Code }()
	select {
	case q := <-entered:
		t.Fatalf("%s ran while the only slot was held", q)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if code := <-busy; code != http.StatusOK {
		t.Errorf("the busy search: %d", code)
	}
	if q := <-entered; q != "queued" {
		t.Errorf("then %q ran, want the queued search", q)
	}
	if code := <-queued; code != http.StatusOK {
		t.Errorf("the queued search: %d, want 200", code)
	}
}

func TestSearchCapClientGone(t *testing.T) {
	entered, release := make(chan string, 1), make(chan struct{})
	defer close(release)
	h, _ := newHandlerOpts(blockingSearcher(entered, release), server.WithMaxConcurrentSearches(1))
	go h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/search?q=busy", nil))
	<-entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := doRequest(t, h, httptest.NewRequest("GET", "/api/search?q=gone", nil).WithContext(ctx))
	wantError(t, rec, server.StatusClientClosedRequest, "canceled")
}

func TestSearchCapOff(t *testing.T) {
	const n = 3 * 16
	entered, release := make(chan string, n), make(chan struct{})
	h, _ := newHandlerOpts(blockingSearcher(entered, release), server.WithMaxConcurrentSearches(0))
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/search?q=x", nil)) })
	}
	for i := range n {
		select {
		case <-entered:
		case <-time.After(5 * time.Second):
			t.Fatalf("only %d of %d searches running with no cap", i, n)
		}
	}
	close(release)
	wg.Wait()
}

func TestDefaultMaxConcurrentSearches(t *testing.T) {
	if n := server.DefaultMaxConcurrentSearches(); n != runtime.GOMAXPROCS(0)+1 {
		t.Errorf("DefaultMaxConcurrentSearches() = %d, want one more than the CPUs (%d)", n, runtime.GOMAXPROCS(0))
	}
	// Raising GOMAXPROCS, as nmnsearch serve does, does not raise the cap.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(4 * server.StartProcs())
	if n := server.DefaultMaxConcurrentSearches(); n != server.StartProcs()+1 {
		t.Errorf("with GOMAXPROCS raised, DefaultMaxConcurrentSearches() = %d, want %d", n, server.StartProcs()+1)
	}
	// New caps searches by default.
	const n = 64
	entered, release := make(chan string, n), make(chan struct{})
	h, _ := newHandlerOpts(blockingSearcher(entered, release))
	var wg sync.WaitGroup
	for range server.DefaultMaxConcurrentSearches() {
		wg.Go(func() { h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/search?q=x", nil)) })
		<-entered
	}
	wantError(t, do(t, h, "GET", "/api/search?q=x"), http.StatusServiceUnavailable, "overloaded")
	close(release)
	wg.Wait()
}

// do2 serves one request without do's JSON checks, for a page.
func do2(h http.Handler, method, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec
}
