package server_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"nmnsearch/index"
	"nmnsearch/search"
	"nmnsearch/server"
	"nmnsearch/server/analytics"
	"nmnsearch/server/servertest"
)

// BenchmarkAnalytics measures what analytics costs a request, over the
// index/testdata articles, through server.New's whole handler (no rate
// limit, no response cache):
//
//   - event: POST /api/events, one search event, parsed, checked, counted;
//   - search/off, search/on: GET /api/search?q=メラトニン without and with
//     WithAnalytics. Recording is not on the search path (the box reports
//     a search in an event of its own, after a pause), so these should
//     differ by noise only;
//   - suggest/off, suggest/on: GET /api/suggest?q=mela, which with analytics
//     also looks up readers' queries (here one, melatonin supplements).
//
// Reproduce with
//
//	go test ./server -run '^$' -bench BenchmarkAnalytics -benchtime 2000x
func BenchmarkAnalytics(b *testing.B) {
	ix, err := index.Build(os.DirFS("../index/testdata"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	svc := search.New(ix, nil)
	clock := servertest.NewClock()
	store, err := analytics.Open(analytics.Options{Now: clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	off := server.New(slog.New(slog.DiscardHandler), svc, server.WithMetrics(server.NewMetrics()))
	on := server.New(slog.New(slog.DiscardHandler), svc, server.WithMetrics(server.NewMetrics()), server.WithAnalytics(store))

	serve := func(b *testing.B, h http.Handler, method, target, body string, want int) {
		var req *http.Request
		if body != "" {
			req = httptest.NewRequest(method, target, strings.NewReader(body))
			req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
		} else {
			req = httptest.NewRequest(method, target, nil)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			b.Fatalf("%s %s: %d %s", method, target, rec.Code, rec.Body)
		}
	}
	// A day full of queries, and one found on MinSuggestDays days.
	for day := range analytics.MinSuggestDays {
		if day > 0 {
			clock.NextDay()
		}
		for range 5 { // never the least searched of the day
			serve(b, on, "POST", "/api/events", `{"t":"search","q":"melatonin supplements","hits":3}`, http.StatusNoContent)
		}
		for i := range analytics.TopK {
			serve(b, on, "POST", "/api/events", fmt.Sprintf(`{"t":"search","q":"query %d %d","hits":1}`, day, i), http.StatusNoContent)
		}
	}

	if got := store.Suggest("mela"); len(got) != 1 {
		b.Fatalf("readers' suggestions for mela: %q, want melatonin supplements", got)
	}

	b.Run("event", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			serve(b, on, "POST", "/api/events", `{"t":"search","q":"メラトニン","topics":["sleep"],"lang":"ja","hits":10,"articles":1}`, http.StatusNoContent)
		}
	})
	for _, h := range []struct {
		name string
		h    http.Handler
	}{{"off", off}, {"on", on}} {
		b.Run("search/"+h.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				serve(b, h.h, "GET", "/api/search?q=%E3%83%A1%E3%83%A9%E3%83%88%E3%83%8B%E3%83%B3", "", http.StatusOK)
			}
		})
		b.Run("suggest/"+h.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				serve(b, h.h, "GET", "/api/suggest?q=mela", "", http.StatusOK)
			}
		})
	}
}
