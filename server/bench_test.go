package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"testing"

	"nmnsearch/index"
	"nmnsearch/search"
	"nmnsearch/server"
)

// BenchmarkHandler splits one search answer of the whole HTTP handler into
// its layers, over the index/testdata articles, for a small answer (ja:
// メラトニン, 10 hits) and a large one (symbol-50: NAD+, 50 hits):
//
//   - service: search.Service.Search alone, the floor;
//   - encode: the JSON encoding of that answer alone, as the handler does
//     it (json.Encoder, HTML left unescaped);
//   - uncached: server.New's handler with the response cache off: routing,
//     parameters, limits, CORS, access log, metrics, search and encoding;
//   - cached: the same with the cache on, warmed: no search, no encoding.
//
// uncached minus service is what HTTP and JSON cost. Reproduce with
//
//	go test ./server -run '^$' -bench BenchmarkHandler -benchtime 20x
func BenchmarkHandler(b *testing.B) {
	ix, err := index.Build(os.DirFS("../index/testdata"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	svc := search.New(ix, nil)
	handler := func(cacheBytes int64) http.Handler {
		opts := []server.Option{server.WithMetrics(server.NewMetrics())}
		if cacheBytes > 0 {
			opts = append(opts, server.WithCache(cacheBytes, svc.Version))
		}
		return server.New(slog.New(slog.DiscardHandler), svc, opts...)
	}
	uncached, cached := handler(0), handler(32<<20)

	for _, bc := range []struct {
		name string
		req  search.Request
	}{
		{"ja", search.Request{Q: "メラトニン", Size: 10}},
		{"symbol-50", search.Request{Q: "NAD+", Size: 50}},
	} {
		ctx := context.Background()
		res, err := svc.Search(ctx, bc.req)
		if err != nil {
			b.Fatal(err)
		}
		target := "/api/search?" + url.Values{"q": {bc.req.Q}, "size": {strconv.Itoa(bc.req.Size)}}.Encode()

		b.Run(bc.name+"/service", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := svc.Search(ctx, bc.req); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bc.name+"/encode", func(b *testing.B) {
			b.ReportAllocs()
			var n int
			for b.Loop() {
				var buf bytes.Buffer
				enc := json.NewEncoder(&buf)
				enc.SetEscapeHTML(false)
				if err := enc.Encode(res); err != nil {
					b.Fatal(err)
				}
				n = buf.Len()
			}
			b.ReportMetric(float64(n), "body-bytes")
		})
		for _, h := range []struct {
			name string
			h    http.Handler
		}{{"uncached", uncached}, {"cached", cached}} {
			b.Run(bc.name+"/"+h.name, func(b *testing.B) {
				req := httptest.NewRequest("GET", target, nil)
				serve := func() *httptest.ResponseRecorder {
					rec := httptest.NewRecorder()
					h.h.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("GET %s: status %d: %s", target, rec.Code, rec.Body)
					}
					return rec
				}
				serve() // warm: fills the cache when there is one
				b.ReportAllocs()
				for b.Loop() {
					serve()
				}
			})
		}
	}
}
