package server_test

import (
	"bufio"
	"context"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"nmnsearch/search"
	"nmnsearch/server"
)

// sample is one line of the Prometheus text format.
type sample struct {
	name   string
	labels map[string]string
	value  float64
}

// scrape GETs /metrics from h and parses the text format: names, labels
// (values without commas or escapes, as ours are), values.
func scrape(t *testing.T, h http.Handler) []sample {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: status %d; body %.300s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("/metrics: Content-Type %q, want the text format", ct)
	}
	return parseMetrics(t, rec.Body.String())
}

func parseMetrics(t *testing.T, text string) []sample {
	t.Helper()
	var out []sample
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		series, value, ok := strings.Cut(line, " ")
		if i := strings.LastIndexByte(line, ' '); i > 0 && strings.Contains(line, "}") {
			series, value, ok = line[:i], line[i+1:], true
		}
		v, err := strconv.ParseFloat(value, 64)
		if !ok || err != nil {
			t.Fatalf("metrics line %q does not parse", line)
		}
		s := sample{name: series, labels: map[string]string{}, value: v}
		if name, labels, ok := strings.Cut(series, "{"); ok {
			s.name = name
			for pair := range strings.SplitSeq(strings.TrimSuffix(labels, "}"), ",") {
				k, v, _ := strings.Cut(pair, "=")
				s.labels[k] = strings.Trim(v, `"`)
			}
		}
		out = append(out, s)
	}
	return out
}

// value is the value of the series name{labels}, or -1 when there is none.
// labels are key, value pairs and must be all of the series' labels.
func value(samples []sample, name string, labels ...string) float64 {
	want := map[string]string{}
	for i := 0; i+1 < len(labels); i += 2 {
		want[labels[i]] = labels[i+1]
	}
	for _, s := range samples {
		if s.name == name && maps.Equal(s.labels, want) {
			return s.value
		}
	}
	return -1
}

func TestMetrics(t *testing.T) {
	m := server.NewMetrics()
	f := &fakeSearcher{articles: testArticles}
	h, _ := newHandlerOpts(f, server.WithMetrics(m))

	before := scrape(t, h)
	for _, tc := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"index_documents", nil, 3}, // the paragraphs of testArticles
		{"index_builds_total", []string{"kind", "build"}, 0},
		{"index_builds_total", []string{"kind", "open"}, 0},
		{"requests_rejected_total", []string{"reason", "rate_limited"}, 0},
		{"requests_rejected_total", []string{"reason", "overloaded"}, 0},
		{"requests_rejected_total", []string{"reason", "body_too_large"}, 0},
		{"search_duration_seconds_count", nil, 0},
	} {
		if got := value(before, tc.name, tc.labels...); got != tc.want {
			t.Errorf("before any request: %s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes"} {
		if value(before, name) < 0 {
			t.Errorf("no %s: the Go and process collectors are missing", name)
		}
	}

	m.IndexBuilt(server.IndexBuild)
	do(t, h, "GET", "/api/search?q=x")
	do(t, h, "GET", "/api/search?size=abc")                        // 400 before any search
	do(t, h, "GET", "/api/search?q="+strings.Repeat("a", 300))     // 400 from the searcher
	do(t, h, "GET", "/api/articles/000-a")                         // two paths,
	do(t, h, "GET", "/api/articles/001-b")                         // one route
	do(t, h, "GET", "/api/articles/nope-"+strings.Repeat("x", 50)) // 404 on the route
	do(t, h, "GET", "/no/such/path")
	do(t, h, "DELETE", "/healthz")
	do(t, h, "BREW", "/healthz") // a method of the client's own invention
	f.notReady = true

	after := scrape(t, h)
	for _, tc := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"index_documents", nil, 0}, // not ready
		{"index_builds_total", []string{"kind", "build"}, 1},
		{"http_requests_total", []string{"route", "/api/search", "method", "GET", "status", "200"}, 1},
		{"http_requests_total", []string{"route", "/api/search", "method", "GET", "status", "400"}, 2},
		{"http_requests_total", []string{"route", "/api/articles/{id}", "method", "GET", "status", "200"}, 2},
		{"http_requests_total", []string{"route", "/api/articles/{id}", "method", "GET", "status", "404"}, 1},
		{"http_requests_total", []string{"route", "none", "method", "GET", "status", "404"}, 1},
		{"http_requests_total", []string{"route", "/healthz", "method", "DELETE", "status", "405"}, 1},
		{"http_requests_total", []string{"route", "/healthz", "method", "other", "status", "405"}, 1},
		{"http_requests_total", []string{"route", "/metrics", "method", "GET", "status", "200"}, 1},
		{"http_request_duration_seconds_count", []string{"route", "/api/search"}, 3},
		{"http_request_duration_seconds_count", []string{"route", "/api/articles/{id}"}, 3},
		{"requests_rejected_total", []string{"reason", "bad_request"}, 2},
		{"requests_rejected_total", []string{"reason", "method_not_allowed"}, 2},
		// The search that ran, not the caller's mistakes.
		{"search_duration_seconds_count", nil, 1},
	} {
		if got := value(after, tc.name, tc.labels...); got != tc.want {
			t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
	// The label is the template, never the path: a path is whatever the
	// client wrote, and each would be a new series.
	for _, s := range after {
		for k, v := range s.labels {
			if strings.Contains(v, "000-a") || strings.Contains(v, "/no/such") || v == "BREW" {
				t.Errorf("%s has label %s=%q from the request", s.name, k, v)
			}
		}
	}
}

func TestMetricsSearchDuration(t *testing.T) {
	m := server.NewMetrics()
	f := &fakeSearcher{search: func(ctx context.Context, r search.Request) (*search.Result, error) {
		return nil, context.DeadlineExceeded // a timeout: slow, and counted
	}}
	h, _ := newHandlerOpts(f, server.WithMetrics(m))
	wantError(t, do(t, h, "GET", "/api/search?q=x"), http.StatusGatewayTimeout, "timeout")
	got := scrape(t, h)
	if v := value(got, "search_duration_seconds_count"); v != 1 {
		t.Errorf("search_duration_seconds_count = %v, want 1", v)
	}
	if v := value(got, "requests_rejected_total", "reason", "timeout"); v != 1 {
		t.Errorf(`requests_rejected_total{reason="timeout"} = %v, want 1`, v)
	}
}

func TestMetricsRouteNotOpened(t *testing.T) {
	h, _ := newHandler(&fakeSearcher{})
	rec := request(t, h, "GET", "/metrics", map[string]string{"Origin": "https://evil.example"})
	if rec.Code != http.StatusOK || rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("/metrics from another origin: %d, Access-Control-Allow-Origin %q; want 200 and none",
			rec.Code, rec.Header().Get("Access-Control-Allow-Origin"))
	}
	wantError(t, request(t, h, "OPTIONS", "/metrics", map[string]string{
		"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}), http.StatusMethodNotAllowed, "method_not_allowed")

	// Served elsewhere, it is not on the main handler.
	m := server.NewMetrics()
	h, _ = newHandlerOpts(&fakeSearcher{}, server.WithMetrics(m), server.WithoutMetricsRoute())
	wantError(t, do(t, h, "GET", "/metrics"), http.StatusNotFound, "not_found")
	rec = httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "http_requests_total") {
		t.Errorf("Metrics.Handler: %d %.200s", rec.Code, rec.Body)
	}
}

// newHandlerOpts is newHandler with options.
func newHandlerOpts(f *fakeSearcher, opts ...server.Option) (http.Handler, *syncBuffer) {
	logs := &syncBuffer{}
	return server.New(slog.New(slog.NewJSONHandler(logs, nil)), f, opts...), logs
}

func TestMetricsCountPanics(t *testing.T) {
	f := &fakeSearcher{search: func(context.Context, search.Request) (*search.Result, error) { panic("boom") }}
	h, _ := newHandler(f)
	wantError(t, do(t, h, "GET", "/api/search?q=x"), http.StatusInternalServerError, "internal")
	got := scrape(t, h)
	if v := value(got, "http_requests_total", "route", "/api/search", "method", "GET", "status", "500"); v != 1 {
		t.Errorf("a panic: http_requests_total{status=500} = %v, want 1", v)
	}
}
