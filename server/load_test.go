package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"nmnsearch/index"
	"nmnsearch/search"
	"nmnsearch/server"
)

// The load test: searches and the rest of the read API from loopback
// clients for loadDuration, over the test corpus in a data directory,
// through NewHTTPServer and New with their defaults but for the rate limits
// (every client here is 127.0.0.1). Twice as many readers as search slots,
// so the cap is met; meanwhile loadWriters clients PUT new versions of
// loadArticles articles through the admin API, each write fsynced.
const (
	loadDuration = 2 * time.Second
	loadWriters  = 2
	loadArticles = 4 // each written by one writer, in turn
)

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
	"/api/search?q=loadmark",          // every version of the written articles
	"/api/articles/load-0",            // one of them, whichever version is current
	"/api/search?q=padding+paragraph", // their paragraphs, whose number changes
}

// loadVersion is version v of written article i: its marker word says
// both, and the number of its paragraphs changes from version to version,
// so that a search that mixed two versions would show it.
func loadVersion(i, v int) string {
	paragraphs := []string{
		fmt.Sprintf("Load article %d", i),
		fmt.Sprintf("Marker %s and loadmark of this version, about melatonin.", loadMarker(i, v)),
	}
	for p := range v % 4 {
		paragraphs = append(paragraphs, fmt.Sprintf("Padding paragraph %d of version %d.", p, v))
	}
	b, _ := json.Marshal(map[string]any{"paragraphs": paragraphs, "topics": []string{"sleep"}})
	return string(b)
}

// loadMarker is a word of letters only: "ldaxbc" for article 0, version 12.
func loadMarker(i, v int) string {
	letters := func(n int) string {
		var b []byte
		for {
			b = append([]byte{byte('a' + n%10)}, b...)
			if n /= 10; n == 0 {
				return string(b)
			}
		}
	}
	return "ld" + letters(i) + "x" + letters(v)
}

type loadResult struct {
	target string
	status int
	code   string // of an error body
	took   time.Duration
	err    error
}

func TestLoad(t *testing.T) {
	ix, err := index.Open(t.TempDir(), os.DirFS("../index/testdata"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	svc := search.New(ix, nil)
	m := server.NewMetrics()
	h := server.New(slog.New(slog.DiscardHandler), svc, server.WithMetrics(m),
		server.WithAdmin(testToken, svc), server.WithAdminRateLimit(0, 0))
	srv := server.NewHTTPServer("", h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	base := "http://" + ln.Addr().String()

	workers := 4 * server.DefaultMaxConcurrentSearches() // 12 readers on 2 cores
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}, Timeout: 10 * time.Second}
	t.Cleanup(client.CloseIdleConnections)

	put := func(id, body string) (int, error) {
		req, _ := http.NewRequest("PUT", base+"/api/articles/"+id, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	// Version 1 of each, before the clock starts, so that every read finds
	// the articles.
	acked := make([]int, loadArticles) // the last version acknowledged, by article
	for i := range loadArticles {
		if status, err := put(fmt.Sprintf("load-%d", i), loadVersion(i, 1)); err != nil || status != http.StatusCreated {
			t.Fatalf("PUT load-%d: %d %v", i, status, err)
		}
		acked[i] = 1
	}

	var (
		mu      sync.Mutex
		results []loadResult
		writes  []loadResult
		wg      sync.WaitGroup
	)
	began := time.Now()
	deadline := began.Add(loadDuration)
	for w := range loadWriters {
		wg.Go(func() {
			var mine []loadResult
			for n := 0; time.Now().Before(deadline); n++ {
				i := w + loadWriters*(n%(loadArticles/loadWriters)) // this writer's articles, in turn
				v := acked[i] + 1                                   // acked[i] is this writer's alone
				r := loadResult{target: fmt.Sprintf("PUT /api/articles/load-%d", i)}
				start := time.Now()
				r.status, r.err = put(fmt.Sprintf("load-%d", i), loadVersion(i, v))
				r.took = time.Since(start)
				if r.err == nil && r.status == http.StatusOK {
					acked[i] = v
				}
				mine = append(mine, r)
			}
			mu.Lock()
			writes = append(writes, mine...)
			mu.Unlock()
		})
	}
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
						if r.code == "" && resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "" {
							r.code = "overloaded" // a page says so in HTML
						}
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
	pct := func(took []time.Duration, p float64) time.Duration {
		return took[int(p*float64(len(took)-1))].Round(time.Microsecond)
	}
	t.Logf("load: %d reads in %v (%.0f/s) from %d clients, %d search slots: %d ok (%d searches), %d overloaded, %d failed; p50 %v, p99 %v, max %v",
		len(results), elapsed.Round(time.Millisecond), float64(len(results))/elapsed.Seconds(), workers,
		server.DefaultMaxConcurrentSearches(), ok, searches, overloaded, len(results)-ok-overloaded,
		pct(took, 0.50), pct(took, 0.99), pct(took, 1))
	// Not a speed check (that is the benchmarks' job, and -race on a busy
	// machine does a tenth of the usual): every target must have been
	// answered while the writes went on, none stalled.
	if len(results) < len(loadTargets) {
		t.Errorf("only %d requests in %v", len(results), loadDuration)
	}

	// Every PUT was acknowledged: 200, never a 5xx.
	var writeTook []time.Duration
	writesOK := 0
	for _, r := range writes {
		writeTook = append(writeTook, r.took)
		if r.err != nil || r.status != http.StatusOK {
			t.Errorf("%s: %d %v", r.target, r.status, r.err)
			continue
		}
		writesOK++
	}
	slices.Sort(writeTook)
	if len(writes) < loadWriters {
		t.Fatalf("only %d writes in %v", len(writes), loadDuration)
	}
	t.Logf("load: %d writes from %d clients: %d ok, %d failed; p50 %v, p99 %v, max %v; last versions acknowledged %v",
		len(writes), loadWriters, writesOK, len(writes)-writesOK,
		pct(writeTook, 0.50), pct(writeTook, 0.99), pct(writeTook, 1), acked)

	// The last version acknowledged of each article is what a reader sees:
	// its paragraphs, all of them and none of an older version.
	getJSON := func(target string, v any) {
		t.Helper()
		resp, err := client.Get(base + target)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", target, resp.StatusCode)
		}
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatal(err)
		}
	}
	for i, v := range acked {
		id := fmt.Sprintf("load-%d", i)
		var art struct{ Paragraphs []struct{ Text string } }
		getJSON("/api/articles/"+id, &art)
		if len(art.Paragraphs) != 2+v%4 || !strings.Contains(art.Paragraphs[1].Text, loadMarker(i, v)) {
			t.Errorf("%s: %d paragraphs, the second %q; want version %d's %d, with %s",
				id, len(art.Paragraphs), art.Paragraphs[1].Text, v, 2+v%4, loadMarker(i, v))
		}
		var res struct {
			Total int
			Hits  []struct{ ID string }
		}
		// Quoted: exactly the word, no typo (ldaxcj is one from ldcxcj).
		getJSON("/api/search?q=%22"+loadMarker(i, v)+"%22", &res)
		if res.Total != 1 || res.Hits[0].ID != id+"-2" {
			t.Errorf("search %s (version %d of %s): %+v", loadMarker(i, v), v, id, res)
		}
		getJSON("/api/search?q=%22"+loadMarker(i, v-1)+"%22", &res)
		if res.Total != 0 {
			t.Errorf("search %s (version %d of %s, replaced): %+v", loadMarker(i, v-1), v-1, id, res)
		}
		getJSON("/api/search?size=50&article="+id, &res)
		if res.Total != 2+v%4 {
			t.Errorf("%s: %d paragraphs in the index, want version %d's %d", id, res.Total, v, 2+v%4)
		}
	}

	// The metrics saw what the clients saw.
	samples := scrape(t, h)
	var counted float64
	for _, s := range samples {
		if s.name == "http_requests_total" && s.labels["route"] != "/metrics" {
			counted += s.value
		}
	}
	// The reads, the writes, the first PUTs and the checks (4 an article).
	if made := len(results) + len(writes) + 5*loadArticles; counted != float64(made) {
		t.Errorf("http_requests_total = %v, want the %d requests made", counted, made)
	}
	if v := value(samples, "requests_rejected_total", "reason", "overloaded"); v != float64(overloaded) {
		t.Errorf(`requests_rejected_total{reason="overloaded"} = %v, want %d`, v, overloaded)
	}
	if v := value(samples, "search_duration_seconds_count"); v != float64(searches+3*loadArticles) {
		t.Errorf("search_duration_seconds_count = %v, want the %d searches answered and the %d checks", v, searches, 3*loadArticles)
	}
	if v := value(samples, "index_documents"); v <= 0 {
		t.Errorf("index_documents = %v, want the corpus's paragraphs", v)
	}
}
