package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"

	"nmnsearch/index"
	"nmnsearch/search"
	"nmnsearch/server"
)

// A read-only replica over a data directory a writer built: it searches
// as the writer did, and every admin request, with the token or without,
// is 403 read_only and changes nothing.
func TestReadOnlyReplica(t *testing.T) {
	dir := t.TempDir()
	w, err := index.Open(dir, os.DirFS("../index/testdata"))
	if err != nil {
		t.Fatal(err)
	}
	writer := server.New(nil, search.New(w, nil))
	want := do(t, writer, "GET", "/api/search?q=NAD%2B&size=50").Body.String()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	ro, err := index.OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	svc := search.New(ro, nil)
	m := server.NewMetrics()
	logs := &syncBuffer{}
	h := server.New(slog.New(slog.NewJSONHandler(logs, nil)), svc, server.WithReadOnly(true),
		server.WithAdmin(testToken, svc), server.WithMetrics(m))
	if got := stripTook(do(t, h, "GET", "/api/search?q=NAD%2B&size=50").Body.String()); got != stripTook(want) {
		t.Errorf("the replica's NAD+ search differs from the writer's:\n%s\nwant\n%s", got, want)
	}

	state := func() string {
		return do(t, h, "GET", "/api/articles").Body.String() + do(t, h, "GET", "/api/articles/"+sleepArticle).Body.String()
	}
	before := state()
	requests := []struct{ method, target, body string }{
		{"PUT", "/api/articles/100-new", newArticleBody},
		{"PUT", "/api/articles/" + sleepArticle, newArticleBody},
		{"DELETE", "/api/articles/" + sleepArticle, ""},
		{"POST", "/api/admin/reindex", ""},
	}
	for _, token := range []string{"Bearer " + testToken, ""} {
		for _, rq := range requests {
			rec := serveAdmin(t, h, rq.method, rq.target, rq.body, "Authorization", token, "Content-Type", "application/json")
			msg := wantError(t, rec, http.StatusForbidden, "read_only")
			if !strings.Contains(msg, "writer") {
				t.Errorf("%s %s: message %q does not say where writes go", rq.method, rq.target, msg)
			}
			if got := rec.Header().Get("Cache-Control"); got != "no-store" {
				t.Errorf("%s %s: Cache-Control %q", rq.method, rq.target, got)
			}
		}
	}
	if after := state(); after != before {
		t.Errorf("refused writes changed the articles:\n%s\nwas\n%s", after, before)
	}
	if rec := do(t, h, "GET", "/api/articles/100-new"); rec.Code != http.StatusNotFound {
		t.Errorf("100-new: %d, want 404", rec.Code)
	}
	// Behind the routes, the index refuses writes as well.
	if _, _, err := svc.PutArticle(context.Background(), search.Source{ID: "100-new", Paragraphs: []string{"New", "Text."}}); err == nil {
		t.Error("PutArticle on a read-only index succeeded")
	}
	metrics := serveAdmin(t, h, "GET", "/metrics", "").Body.String()
	if !strings.Contains(metrics, `requests_rejected_total{reason="read_only"} 8`) {
		t.Errorf("/metrics does not count 8 read_only refusals:\n%s", grepLines(metrics, "requests_rejected_total"))
	}
	if strings.Contains(logs.String(), `"internal error"`) {
		t.Errorf("a refusal was logged as an internal error:\n%s", logs)
	}
}

// stripTook drops "took_ms":N from a search answer.
func stripTook(body string) string {
	i := strings.Index(body, `"took_ms":`)
	if i < 0 {
		return body
	}
	j := i + strings.IndexAny(body[i:], ",}")
	return body[:i] + body[j:]
}

// grepLines returns the lines of s that contain sub.
func grepLines(s, sub string) string {
	var out []string
	for l := range strings.Lines(s) {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}
