package server_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// benchSearchPath is the widget's request: a katakana word, top 10, the
// highlights and both facets.
const benchSearchPath = "/api/search?q=%E3%83%A1%E3%83%A9%E3%83%88%E3%83%8B%E3%83%B3&size=10"

// benchSearch serves benchSearchPath through the whole handler (limits,
// CORS, access log, metrics) over the index/testdata articles.
//
//	go test -run '^$' -bench 'BenchmarkSearch(Cached|Uncached)' -benchmem ./server
func benchSearch(b *testing.B, cacheBytes int64) {
	_, h := newRealCached(b, cacheBytes)
	req := httptest.NewRequest("GET", benchSearchPath, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req) // warm: fills the cache when there is one
	if rec.Code != http.StatusOK {
		b.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

func BenchmarkSearchCached(b *testing.B)   { benchSearch(b, 32<<20) }
func BenchmarkSearchUncached(b *testing.B) { benchSearch(b, 0) }
