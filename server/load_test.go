package server_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"nmnsearch/server"
)

// The load test: searches and the rest of the read API from loopback
// clients for loadDuration, over the test corpus, through NewHTTPServer and
// New with their defaults but for the rate limit (every client here is
// 127.0.0.1). Twice as many clients as search slots, so the cap is met.
const loadDuration = 2 * time.Second

// loadTargets are what each client asks in turn: every kind of search the
// benchmarks time, suggestions, topics, articles and a page.
var loadTargets = []string{
	"/api/search?q=" + url.QueryEscape("メラトニン"),
	"/api/search?q=melatonin",
	"/api/search?q=NAD%2B",
	"/api/search?q=" + url.QueryEscape("NAD+ 睡眠"),
	"/api/search?q=NAD%2B&topic=sleep&lang=en",
	"/api/search?q=" + url.QueryEscape("眠"),
	"/api/search?q=insulin+sensitivty",
	"/api/search?q=" + url.QueryEscape("整う"),
	"/api/search?q=" + url.QueryEscape("ビタミンD"),
	"/api/search?topic=depression&lang=ja&page=2",
	"/api/suggest?q=mela",
	"/api/suggest?q=" + url.QueryEscape("メラ"),
	"/api/topics",
	"/api/articles",
	"/api/articles/" + sleepArticle,
	"/articles/" + sleepArticle + "?q=NAD%2B",
}

type loadResult struct {
	target string
	status int
	code   string // of an error body
	took   time.Duration
	err    error
}

func TestLoad(t *testing.T) {
	m := server.NewMetrics()
	h := server.New(slog.New(slog.DiscardHandler), testService(t), server.WithMetrics(m))
	srv := server.NewHTTPServer("", h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	base := "http://" + ln.Addr().String()

	workers := 2 * server.DefaultMaxConcurrentSearches()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}, Timeout: 10 * time.Second}
	t.Cleanup(client.CloseIdleConnections)

	var (
		mu      sync.Mutex
		results []loadResult
		wg      sync.WaitGroup
	)
	began := time.Now()
	deadline := began.Add(loadDuration)
	for w := range workers {
		wg.Go(func() {
			var mine []loadResult
			for i := w; time.Now().Before(deadline); i++ {
				target := loadTargets[i%len(loadTargets)]
				r := loadResult{target: target}
				start := time.Now()
				resp, err := client.Get(base + target)
				if err == nil {
					var body []byte
					body, err = io.ReadAll(resp.Body)
					resp.Body.Close()
					r.status = resp.StatusCode
					if err == nil && resp.StatusCode != http.StatusOK {
						var e errorJSON
						json.Unmarshal(body, &e)
						r.code = e.Error.Code
					} else if err == nil && resp.Header.Get("Content-Type") == "application/json; charset=utf-8" && !json.Valid(body) {
						r.code = "invalid JSON"
					}
				}
				r.took, r.err = time.Since(start), err
				mine = append(mine, r)
			}
			mu.Lock()
			results = append(results, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(began)

	var ok, overloaded, searches int
	var took []time.Duration
	for _, r := range results {
		took = append(took, r.took)
		switch {
		case r.err != nil:
			t.Errorf("%s: %v", r.target, r.err)
		case r.status == http.StatusOK && r.code == "":
			ok++
			if strings.HasPrefix(r.target, "/api/search?") {
				searches++
			}
		case r.status == http.StatusServiceUnavailable && r.code == "overloaded":
			overloaded++ // the cap at work, as meant
		default:
			t.Errorf("%s: status %d %s", r.target, r.status, r.code)
		}
	}
	slices.Sort(took)
	pct := func(p float64) time.Duration { return took[int(p*float64(len(took)-1))] }
	t.Logf("load: %d requests in %v (%.0f/s) from %d clients, %d search slots: %d ok (%d searches), %d overloaded, %d failed; p50 %v, p99 %v, max %v",
		len(results), elapsed.Round(time.Millisecond), float64(len(results))/elapsed.Seconds(), workers,
		server.DefaultMaxConcurrentSearches(), ok, searches, overloaded, len(results)-ok-overloaded,
		pct(0.50).Round(time.Microsecond), pct(0.99).Round(time.Microsecond), took[len(took)-1].Round(time.Microsecond))
	if len(results) < 10*len(loadTargets) {
		t.Errorf("only %d requests in %v", len(results), loadDuration)
	}

	// The metrics saw what the clients saw.
	samples := scrape(t, h)
	var counted float64
	for _, s := range samples {
		if s.name == "http_requests_total" && s.labels["route"] != "/metrics" {
			counted += s.value
		}
	}
	if counted != float64(len(results)) {
		t.Errorf("http_requests_total = %v, want the %d requests made", counted, len(results))
	}
	if v := value(samples, "requests_rejected_total", "reason", "overloaded"); v != float64(overloaded) {
		t.Errorf(`requests_rejected_total{reason="overloaded"} = %v, want %d`, v, overloaded)
	}
	if v := value(samples, "search_duration_seconds_count"); v != float64(searches) {
		t.Errorf("search_duration_seconds_count = %v, want the %d searches answered", v, searches)
	}
	if v := value(samples, "index_documents"); v <= 0 {
		t.Errorf("index_documents = %v, want the corpus's paragraphs", v)
	}
}
