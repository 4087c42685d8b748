package server_test

import (
	"compress/gzip"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"nmnsearch/index"
	"nmnsearch/search"
	"nmnsearch/server"
)

// fixedVersion is an index version that never changes.
func fixedVersion() uint64 { return 1 }

// newCachedHandler is a handler over f with a response cache of maxBytes.
func newCachedHandler(f *fakeSearcher, maxBytes int64, version func() uint64) (http.Handler, *server.Metrics) {
	m := server.NewMetrics()
	h, _ := newHandlerOpts(f, server.WithMetrics(m), server.WithCache(maxBytes, version))
	return h, m
}

// cacheCount is search_cache_requests_total{result}.
func cacheCount(t *testing.T, h http.Handler, result string) float64 {
	t.Helper()
	return value(scrape(t, h), "search_cache_requests_total", "result", result)
}

// A repeated search is answered from the cache: the searcher is not asked
// again, the hit is counted, and the answer is the same bytes.
func TestCacheServesRepeatedSearch(t *testing.T) {
	f := &fakeSearcher{}
	h, _ := newCachedHandler(f, 1<<20, fixedVersion)
	first := do(t, h, "GET", "/api/search?q=melatonin")
	second := do(t, h, "GET", "/api/search?q=melatonin")
	if first.Code != 200 || second.Code != 200 {
		t.Fatalf("status %d, %d; want 200", first.Code, second.Code)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("the searcher was asked %d times, want 1", n)
	}
	if first.Body.String() != second.Body.String() {
		t.Errorf("cached body differs:\n%s\n%s", first.Body, second.Body)
	}
	if e1, e2 := first.Header().Get("ETag"), second.Header().Get("ETag"); e1 == "" || e1 != e2 {
		t.Errorf("ETag %q then %q; want one, the same", e1, e2)
	}
	if got := cacheCount(t, h, "hit"); got != 1 {
		t.Errorf("hits = %v, want 1", got)
	}
	if got := cacheCount(t, h, "miss"); got != 1 {
		t.Errorf("misses = %v, want 1", got)
	}
	// Suggest and topics are cached the same way.
	for _, path := range []string{"/api/suggest?q=mela", "/api/topics"} {
		do(t, h, "GET", path)
		rec := do(t, h, "GET", path)
		if rec.Code != 200 {
			t.Fatalf("%s: status %d", path, rec.Code)
		}
	}
	if got := cacheCount(t, h, "hit"); got != 3 {
		t.Errorf("hits after suggest and topics twice = %v, want 3", got)
	}
	// A different request is a different entry.
	do(t, h, "GET", "/api/search?q=melatonin&page=2")
	if n := len(f.requests()); n != 2 {
		t.Errorf("page 2 was asked %d times in all, want 2 searches", n)
	}
}

// Requests that package search normalises into one share one entry: width,
// topic order and repeats, explicit defaults.
func TestCacheSharesNormalisedRequests(t *testing.T) {
	f := &fakeSearcher{}
	h, _ := newCachedHandler(f, 1<<20, fixedVersion)
	for _, q := range []string{
		"q=" + url.QueryEscape("ＮＡＤ＋") + "&topic=sleep,diabetes",
		"q=NAD%2B&topic=diabetes&topic=sleep",
		"q=NAD%2B&topic=diabetes,sleep,sleep&page=1&size=10",
		"q=+NAD%2B+&topic=sleep&topic=diabetes", // spaces around q
	} {
		if rec := do(t, h, "GET", "/api/search?"+q); rec.Code != 200 {
			t.Fatalf("%s: status %d", q, rec.Code)
		}
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("the searcher was asked %d times, want 1: %+v", n, f.requests())
	}
	// Different filters are different answers.
	do(t, h, "GET", "/api/search?q=NAD%2B&topic=sleep")
	do(t, h, "GET", "/api/search?q=NAD%2B&topic=diabetes,sleep&lang=en")
	if n := len(f.requests()); n != 3 {
		t.Errorf("the searcher was asked %d times, want 3", n)
	}
}

// newRealCached is a handler over a real index with the cache on, keyed by
// the index's version, as cmd/nmnsearch runs it.
func newRealCached(t testing.TB, maxBytes int64) (*index.Index, http.Handler) {
	t.Helper()
	ix, err := index.Build(os.DirFS("../index/testdata"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	svc := search.New(ix, nil)
	return ix, server.New(slog.New(slog.DiscardHandler), svc,
		server.WithMetrics(server.NewMetrics()), server.WithCache(maxBytes, svc.Version))
}

// A write to the index drops the cached answers: the next search sees the
// new article, with another ETag; so does the one after a delete.
func TestCacheInvalidatedByPut(t *testing.T) {
	ix, h := newRealCached(t, 1<<20)
	const path = "/api/search?q=quokkafruit"
	total := func() (uint64, string) {
		t.Helper()
		rec := do(t, h, "GET", path)
		if rec.Code != 200 {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		return decode[search.Result](t, rec).Total, rec.Header().Get("ETag")
	}
	before, etag0 := total()
	if again, _ := total(); before != 0 || again != 0 {
		t.Fatalf("quokkafruit found %d, %d times before it was added", before, again)
	}
	v := ix.Version()
	a, err := index.ParseArticle("099-quokka", []byte("Quokka article\n\nThe quokkafruit paragraph says melatonin.\n"), "sleep")
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(a); err != nil {
		t.Fatal(err)
	}
	if ix.Version() == v {
		t.Fatal("Put did not change the index version")
	}
	after, etag1 := total()
	if after == 0 {
		t.Error("the search after Put still answers from before it: 0 hits")
	}
	if etag1 == etag0 {
		t.Errorf("ETag %s unchanged although the answer changed", etag1)
	}
	if err := ix.Delete("099-quokka"); err != nil {
		t.Fatal(err)
	}
	if n, _ := total(); n != 0 {
		t.Errorf("the search after Delete found %d hits, want 0", n)
	}
	v = ix.Version()
	if err := ix.Reindex(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ix.Version() == v {
		t.Error("Reindex did not change the index version")
	}
}

// With size 0 there is no cache: every request searches, nothing is
// counted, and the validators are still sent.
func TestCacheOff(t *testing.T) {
	f := &fakeSearcher{}
	h, _ := newCachedHandler(f, 0, fixedVersion)
	for range 3 {
		rec := do(t, h, "GET", "/api/search?q=melatonin")
		if rec.Header().Get("ETag") == "" || rec.Header().Get("Cache-Control") == "" {
			t.Errorf("no ETag or Cache-Control without the cache: %v", rec.Header())
		}
	}
	if n := len(f.requests()); n != 3 {
		t.Errorf("the searcher was asked %d times, want 3", n)
	}
	if hits, misses := cacheCount(t, h, "hit"), cacheCount(t, h, "miss"); hits != 0 || misses != 0 {
		t.Errorf("hits %v, misses %v with the cache off; want 0", hits, misses)
	}
	// And New without WithCache has none either.
	f2 := &fakeSearcher{}
	h2, _ := newHandler(f2)
	do(t, h2, "GET", "/api/search?q=melatonin")
	do(t, h2, "GET", "/api/search?q=melatonin")
	if n := len(f2.requests()); n != 2 {
		t.Errorf("without WithCache the searcher was asked %d times, want 2", n)
	}
}

// Errors are never cached and carry no validators.
func TestCacheErrorsNotCached(t *testing.T) {
	var calls atomic.Int64
	f := &fakeSearcher{search: func(ctx context.Context, r search.Request) (*search.Result, error) {
		if len(r.Topics) > 0 {
			return nil, &search.Error{Code: search.CodeInvalid, Message: "unknown topic"}
		}
		if calls.Add(1) == 1 {
			return nil, errors.New("disk on fire")
		}
		return &search.Result{Query: r.Q, Page: 1, Size: 10}, nil
	}}
	h, _ := newCachedHandler(f, 1<<20, fixedVersion)
	rec := do(t, h, "GET", "/api/search?q=melatonin")
	wantError(t, rec, http.StatusInternalServerError, search.CodeInternal)
	if rec.Header().Get("ETag") != "" || rec.Header().Get("Cache-Control") != "" {
		t.Errorf("an error carries ETag %q, Cache-Control %q", rec.Header().Get("ETag"), rec.Header().Get("Cache-Control"))
	}
	if rec := do(t, h, "GET", "/api/search?q=melatonin"); rec.Code != 200 {
		t.Errorf("after an internal error the same search answered %d, want 200 from a new search", rec.Code)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("searched %d times, want 2", n)
	}
	// A refused request is never looked up or kept.
	for range 2 {
		wantError(t, do(t, h, "GET", "/api/search?q=x&topic=nope"), http.StatusBadRequest, search.CodeInvalid)
		wantError(t, do(t, h, "GET", "/api/search?q=x&size=0"), http.StatusBadRequest, search.CodeInvalid)
		wantError(t, do(t, h, "GET", "/api/suggest?q="), http.StatusBadRequest, search.CodeInvalid)
	}
	if got := cacheCount(t, h, "hit"); got != 0 {
		t.Errorf("hits = %v, want 0", got)
	}
}

// If-None-Match with the answer's ETag gets a 304 without a body, with the
// validators and CORS's Vary; another ETag gets the answer. HEAD gets the
// headers only.
func TestCacheIfNoneMatch(t *testing.T) {
	for _, size := range []int64{1 << 20, 0} {
		h, _ := newCachedHandler(&fakeSearcher{}, size, fixedVersion)
		first := do(t, h, "GET", "/api/search?q=melatonin")
		etag := first.Header().Get("ETag")
		if !strings.HasPrefix(etag, `W/"`) || !strings.HasSuffix(etag, `"`) || len(etag) < 10 {
			t.Fatalf("ETag %q, want a weak, quoted one (a search's took_ms is left out)", etag)
		}
		if got, want := first.Header().Get("Cache-Control"), "public, max-age=60"; got != want {
			t.Errorf("Cache-Control %q, want %q", got, want)
		}
		for _, inm := range []string{etag, strings.TrimPrefix(etag, "W/"), `"other", ` + etag, "*"} {
			req := httptest.NewRequest("GET", "/api/search?q=melatonin", nil)
			req.Header.Set("If-None-Match", inm)
			req.Header.Set("Origin", "https://clinic.example")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
				t.Errorf("size %d, If-None-Match %s: status %d, body %q; want 304, none", size, inm, rec.Code, rec.Body)
			}
			if rec.Header().Get("ETag") != etag || rec.Header().Get("Cache-Control") == "" {
				t.Errorf("304 headers %v, want the ETag and Cache-Control", rec.Header())
			}
			if !strings.Contains(strings.Join(rec.Header().Values("Vary"), ","), "Origin") {
				t.Errorf("304 Vary %q, want Origin", rec.Header().Values("Vary"))
			}
		}
		req := httptest.NewRequest("GET", "/api/search?q=melatonin", nil)
		req.Header.Set("If-None-Match", `"stale"`)
		if rec := doRequest(t, h, req); rec.Code != 200 || rec.Body.String() != first.Body.String() {
			t.Errorf("a stale ETag got %d %q, want the answer", rec.Code, rec.Body)
		}
		head := do(t, h, "HEAD", "/api/search?q=melatonin")
		if head.Code != 200 || head.Body.Len() != 0 || head.Header().Get("ETag") != etag {
			t.Errorf("HEAD: %d, body %q, ETag %q; want 200, none, %s", head.Code, head.Body, head.Header().Get("ETag"), etag)
		}
		if got, want := head.Header().Get("Content-Length"), first.Header().Get("Content-Length"); got == "" || got != want {
			t.Errorf("HEAD Content-Length %q, want GET's %q", got, want)
		}
	}
}

// The byte bound holds through the handler: many distinct searches keep the
// cache at or under it, and search_cache_bytes says so.
func TestCacheBoundThroughHandler(t *testing.T) {
	f := &fakeSearcher{}
	const bound = 4 << 10
	h, _ := newCachedHandler(f, bound, fixedVersion)
	for i := range 100 {
		do(t, h, "GET", "/api/search?q=word"+strings.Repeat("x", i))
	}
	got := value(scrape(t, h), "search_cache_bytes")
	if got <= 0 || got > bound {
		t.Errorf("search_cache_bytes = %v, want in (0, %d]", got, bound)
	}
	// The oldest were evicted: asking again searches again.
	before := len(f.requests())
	do(t, h, "GET", "/api/search?q=word")
	if len(f.requests()) != before+1 {
		t.Error("the first search was still cached after 100 others filled the bound")
	}
	// The newest is still there.
	do(t, h, "GET", "/api/search?q=word"+strings.Repeat("x", 99))
	if len(f.requests()) != before+1 {
		t.Error("the latest search was evicted")
	}
}

// Searches and writes at once: no race, and once the writes stop every
// answer reflects the last one.
func TestCacheConcurrentWrites(t *testing.T) {
	ix, h := newRealCached(t, 64<<10)
	a, err := index.ParseArticle("099-quokka", []byte("Quokka article\n\nThe quokkafruit paragraph says melatonin.\n"), "sleep")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 20 {
			var err error
			if i%2 == 0 {
				err = ix.Put(a)
			} else {
				err = ix.Delete(a.ID)
			}
			if err != nil {
				t.Error(err)
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				for _, p := range []string{"/api/search?q=quokkafruit", "/api/search?q=melatonin", "/api/suggest?q=quok", "/api/topics"} {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
					if rec.Code != 200 {
						t.Errorf("%s: %d", p, rec.Code)
					}
				}
			}
		})
	}
	wg.Wait()
	// 20 writes, the last a Delete: the quokka article is gone.
	rec := do(t, h, "GET", "/api/search?q=quokkafruit")
	if res := decode[search.Result](t, rec); res.Total != 0 {
		t.Errorf("after the last Delete quokkafruit has %d hits, want 0 (a stale cached answer)", res.Total)
	}
}

// A cached answer goes out gzipped to a client that accepts gzip, under an
// ETag of its own, and as it is to one that does not; both vary on
// Accept-Encoding. Short answers are not compressed.
func TestCacheGzip(t *testing.T) {
	long := strings.Repeat("メラトニン melatonin ", 100)
	f := &fakeSearcher{res: &search.Result{Query: "melatonin", Page: 1, Size: 10, Total: 1,
		Hits: []search.Hit{{ID: "a-1", Text: long, Highlight: long}}}}
	h, _ := newCachedHandler(f, 1<<20, fixedVersion)
	gzipReq := func(target, ifNoneMatch string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", target, nil)
		req.Header.Set("Accept-Encoding", "br;q=1, gzip;q=0.8")
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	// The first request, a miss, and the second, a hit, both gzipped.
	first := gzipReq("/api/search?q=melatonin", "")
	plain := do(t, h, "GET", "/api/search?q=melatonin")
	for i, rec := range []*httptest.ResponseRecorder{first, gzipReq("/api/search?q=melatonin", "")} {
		if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("request %d with gzip: %d, Content-Encoding %q", i, rec.Code, rec.Header().Get("Content-Encoding"))
		}
		sent := rec.Body.Len()
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if string(body) != plain.Body.String() {
			t.Errorf("gunzipped answer differs from the plain one:\n%.200s\n%.200s", body, plain.Body)
		}
		if n, _ := strconv.Atoi(rec.Header().Get("Content-Length")); n != sent || n*4 > plain.Body.Len() {
			t.Errorf("Content-Length %s for %d gzipped bytes of %d plain", rec.Header().Get("Content-Length"), sent, plain.Body.Len())
		}
		if e, p := rec.Header().Get("ETag"), plain.Header().Get("ETag"); e == p || !strings.HasSuffix(e, `-gz"`) {
			t.Errorf("gzipped ETag %s, plain %s; want the plain one with -gz", e, p)
		}
		if v := rec.Header().Values("Vary"); !slices.Contains(v, "Accept-Encoding") {
			t.Errorf("gzipped answer Vary %q", v)
		}
	}
	if plain.Header().Get("Content-Encoding") != "" || !slices.Contains(plain.Header().Values("Vary"), "Accept-Encoding") {
		t.Errorf("plain answer: Content-Encoding %q, Vary %q", plain.Header().Get("Content-Encoding"), plain.Header().Values("Vary"))
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("the searcher was asked %d times, want 1", n)
	}
	// Each representation revalidates with its own ETag only.
	gzETag := gzipReq("/api/search?q=melatonin", "").Header().Get("ETag")
	if rec := gzipReq("/api/search?q=melatonin", gzETag); rec.Code != http.StatusNotModified || rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("If-None-Match the gzipped ETag: %d, Content-Encoding %q; want 304 without", rec.Code, rec.Header().Get("Content-Encoding"))
	}
	if rec := gzipReq("/api/search?q=melatonin", plain.Header().Get("ETag")); rec.Code != 200 {
		t.Errorf("If-None-Match the plain ETag, accepting gzip: %d, want 200", rec.Code)
	}
	req := httptest.NewRequest("GET", "/api/search?q=melatonin", nil)
	req.Header.Set("If-None-Match", gzETag)
	if rec := doRequest(t, h, req); rec.Code != 200 || rec.Body.String() != plain.Body.String() {
		t.Errorf("If-None-Match the gzipped ETag, not accepting gzip: %d, want 200 and the plain answer", rec.Code)
	}
	// A short answer is sent as it is.
	if rec := gzipReq("/api/topics", ""); rec.Code != 200 || rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("/api/topics with gzip: %d, Content-Encoding %q; want it plain", rec.Code, rec.Header().Get("Content-Encoding"))
	}
	// Without a cache, nothing is compressed.
	off, _ := newCachedHandler(f, 0, fixedVersion)
	req = httptest.NewRequest("GET", "/api/search?q=melatonin", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	off.ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("cache off, with gzip: %d, Content-Encoding %q; want it plain", rec.Code, rec.Header().Get("Content-Encoding"))
	}
}
