package server_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"nmnsearch/search"
	"nmnsearch/server"
	"nmnsearch/server/analytics"
	"nmnsearch/server/servertest"
)

// analyticsEnv is the real service over index/testdata with the admin API
// and analytics on, its store in dir ("" in memory) on clock.
type analyticsEnv struct {
	*adminEnv
	store *analytics.Store
	clock *servertest.Clock
}

func newAnalyticsEnv(t *testing.T, dir string, opts ...server.Option) *analyticsEnv {
	t.Helper()
	c := servertest.NewClock()
	store, err := analytics.Open(analytics.Options{Dir: dir, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	e := newAdminEnv(t, append([]server.Option{server.WithAnalytics(store)}, opts...)...)
	return &analyticsEnv{adminEnv: e, store: store, clock: c}
}

// post sends one event body as the box does (text/plain, as sendBeacon
// sends a string), with headers in pairs that replace the defaults.
func post(t *testing.T, h http.Handler, body string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("POST", "/api/events", strings.NewReader(body))
	req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Del(headers[i])
		if headers[i+1] != "" {
			req.Header.Add(headers[i], headers[i+1])
		}
	}
	if req.Header.Get("Remote-Addr") != "" {
		req.RemoteAddr = req.Header.Get("Remote-Addr")
		req.Header.Del("Remote-Addr")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func wantNoContent(t *testing.T, rec *httptest.ResponseRecorder, what string) {
	t.Helper()
	if rec.Code != http.StatusNoContent || rec.Body.Len() != 0 {
		t.Errorf("%s: %d %q, want 204 and no body", what, rec.Code, rec.Body)
	}
}

const (
	boxSearch = `{"t":"search","q":"メラトニン","topics":["sleep"],"lang":"ja","hits":10,"articles":1}`
	boxClick  = `{"t":"click","q":"メラトニン","topics":[],"lang":"","article":"002-d25f1ed27a07bf50","pos":1}`
)

// TestEventsContract: what POST /api/events accepts, and how it refuses
// the rest; a refused event counts nothing.
func TestEventsContract(t *testing.T) {
	e := newAnalyticsEnv(t, "")
	wantNoContent(t, post(t, e.h, boxSearch), "the box's search")
	wantNoContent(t, post(t, e.h, boxClick, "Content-Type", "application/json"), "a click as application/json")
	wantNoContent(t, post(t, e.h, `{"t":"search","q":"ＮＡＤ＋","hits":0}`, "Content-Type", "application/json; charset=utf-8"), "no hits, no topics or lang")
	wantNoContent(t, post(t, e.h, `{"t":"search","q":"","topics":["sleep","diabetes","sleep"],"hits":3}`), "topics alone")
	wantNoContent(t, post(t, e.h, fmt.Sprintf(`{"t":"search","q":%q,"hits":1}`, strings.Repeat("眠", search.MaxQueryRunes))), "the longest query")
	if rec := post(t, e.h, boxSearch); rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", rec.Header().Get("Cache-Control"))
	}

	for _, tc := range []struct {
		name, body, contentType string
		status                  int
		code, message           string
	}{
		{"form", `t=search`, "application/x-www-form-urlencoded", 415, "unsupported_media_type", "text/plain or application/json"},
		{"no type", boxSearch, "", 415, "unsupported_media_type", ""},
		{"unknown field", `{"t":"search","q":"a","hits":1,"ip":"192.0.2.1"}`, "", 400, "invalid_param", `unknown field "ip"`},
		{"hits a string", `{"t":"search","q":"a","hits":"10"}`, "", 400, "invalid_param", "hits"},
		{"hits a fraction", `{"t":"search","q":"a","hits":1.5}`, "", 400, "invalid_param", ""},
		{"topics a string", `{"t":"search","q":"a","hits":1,"topics":"sleep"}`, "", 400, "invalid_param", ""},
		{"negative hits", `{"t":"search","q":"a","hits":-1}`, "", 400, "invalid_param", "hits must be 0 or more"},
		{"no hits", `{"t":"search","q":"a"}`, "", 400, "invalid_param", "needs hits"},
		{"a search with pos", `{"t":"search","q":"a","hits":1,"pos":1}`, "", 400, "invalid_param", "belong to a click"},
		{"a click with hits", `{"t":"click","q":"a","hits":1,"article":"002-x","pos":1}`, "", 400, "invalid_param", "belong to a search"},
		{"no pos", `{"t":"click","q":"a","article":"002-x"}`, "", 400, "invalid_param", "pos"},
		{"pos 0", `{"t":"click","q":"a","article":"002-x","pos":0}`, "", 400, "invalid_param", "1 to 1000"},
		{"pos past the window", `{"t":"click","q":"a","article":"002-x","pos":1001}`, "", 400, "invalid_param", "1 to 1000"},
		{"no article", `{"t":"click","q":"a","pos":1}`, "", 400, "invalid_param", "article"},
		{"not an article id", `{"t":"click","q":"a","article":"../etc/passwd","pos":1}`, "", 400, "invalid_param", "article"},
		{"another kind", `{"t":"view","q":"a"}`, "", 400, "invalid_param", `"search" or "click"`},
		{"no kind", `{"q":"a","hits":1}`, "", 400, "invalid_param", `"search" or "click"`},
		{"lang", `{"t":"search","q":"a","hits":1,"lang":"fr"}`, "", 400, "invalid_param", "lang"},
		{"unknown topic", `{"t":"search","q":"a","hits":1,"topics":["cancer"]}`, "", 400, "invalid_param", "unknown topic \"cancer\" (known: diabetes, depression, sleep)"},
		{"nothing searched", `{"t":"search","q":" 　","hits":0}`, "", 400, "invalid_param", "q is required unless topics are given"},
		{"too long", fmt.Sprintf(`{"t":"search","q":"%s","hits":1}`, strings.Repeat("a", search.MaxQueryRunes+1)), "", 400, "invalid_param", "at most 256 characters"},
		{"two events", boxSearch + boxSearch, "", 400, "invalid_param", "one event per request"},
		{"empty", ``, "", 400, "invalid_param", ""},
		{"not JSON", `search メラトニン`, "", 400, "invalid_param", ""},
		{"too large", `{"t":"search","hits":1,"q":"` + strings.Repeat("a", server.MaxEventBytes) + `"}`, "", 413, "body_too_large", "1024 bytes"},
	} {
		ct := cmpOr(tc.contentType, "text/plain")
		if tc.name == "no type" {
			ct = ""
		}
		msg := wantError(t, post(t, e.h, tc.body, "Content-Type", ct), tc.status, tc.code)
		if !strings.Contains(msg, tc.message) {
			t.Errorf("%s: message %q, want it to say %q", tc.name, msg, tc.message)
		}
	}

	// A body that streams past the limit, without a Content-Length.
	req := httptest.NewRequest("POST", "/api/events", io.MultiReader(strings.NewReader(`{"t":"search","hits":1,"q":"`), strings.NewReader(strings.Repeat("a", 2*server.MaxEventBytes))))
	req.Header.Set("Content-Type", "text/plain")
	req.ContentLength = -1
	wantError(t, doRequest(t, e.h, req), http.StatusRequestEntityTooLarge, "body_too_large")

	rec := do(t, e.h, "GET", "/api/events")
	wantError(t, rec, http.StatusMethodNotAllowed, "method_not_allowed")
	if got := rec.Header().Get("Allow"); got != "POST, OPTIONS" {
		t.Errorf("GET /api/events: Allow %q, want POST, OPTIONS", got)
	}

	// Only the accepted events were counted: 5 searches, 1 without hits,
	// 1 click.
	r, err := e.store.Report("", "")
	if err != nil {
		t.Fatal(err)
	}
	today := r.Days[len(r.Days)-1]
	if today.Searches != 5 || today.NoHits != 1 || today.Clicks != 1 {
		t.Errorf("today: %+v, want 5 searches, 1 no hits, 1 click", today)
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestEventsCORS: pages of the allowed origins may send events, without
// credentials; others are refused, and the service's own pages always
// allowed.
func TestEventsCORS(t *testing.T) {
	noCredentials := func(what string, rec *httptest.ResponseRecorder) {
		t.Helper()
		if got := rec.Header().Get("Access-Control-Allow-Credentials"); got != "" {
			t.Errorf("%s: Access-Control-Allow-Credentials %q", what, got)
		}
	}
	anyOrigin := newAnalyticsEnv(t, "")
	rec := post(t, anyOrigin.h, boxSearch, "Origin", "https://clinic.example")
	wantNoContent(t, rec, "any origin")
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("any origin: Access-Control-Allow-Origin %q, want *", got)
	}
	noCredentials("any origin", rec)

	list, err := server.ParseCORSOrigins("https://clinic.example")
	if err != nil {
		t.Fatal(err)
	}
	e := newAnalyticsEnv(t, "", server.WithCORS(list))
	rec = post(t, e.h, boxSearch, "Origin", "https://clinic.example", "Cookie", "session=1")
	wantNoContent(t, rec, "a listed origin")
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "https://clinic.example" {
		t.Errorf("a listed origin: Access-Control-Allow-Origin %q", got)
	}
	noCredentials("a listed origin", rec)
	rec = post(t, e.h, boxSearch, "Origin", "https://evil.example")
	wantError(t, rec, http.StatusForbidden, "origin_not_allowed")
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("another origin: Access-Control-Allow-Origin %q", got)
	}
	// The service's own search page (httptest's host is example.com).
	rec = post(t, e.h, boxSearch, "Origin", "http://example.com")
	wantNoContent(t, rec, "the service's own page")

	preflight := func(origin, method string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("OPTIONS", "/api/events", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", method)
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		return rec
	}
	rec = preflight("https://clinic.example", "POST")
	if rec.Code != http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Methods") != "POST" ||
		rec.Header().Get("Access-Control-Allow-Headers") != "Content-Type" || rec.Header().Get("Access-Control-Allow-Origin") != "https://clinic.example" {
		t.Errorf("preflight for application/json: %d %v", rec.Code, rec.Header())
	}
	noCredentials("preflight", rec)
	wantError(t, preflight("https://clinic.example", "PUT"), http.StatusMethodNotAllowed, "method_not_allowed")
	wantError(t, preflight("https://evil.example", "POST"), http.StatusForbidden, "origin_not_allowed")

	r, err := e.store.Report("", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Days[len(r.Days)-1].Searches; got != 2 {
		t.Errorf("%d searches counted, want 2: the refused origin's counts nothing", got)
	}
}

// TestEventsRateLimited: events draw on the client's bucket, as the API does.
func TestEventsRateLimited(t *testing.T) {
	// One token a minute: none comes back while the test runs.
	e := newAnalyticsEnv(t, "", server.WithRateLimit(1.0/60, 2))
	const alice = "192.0.2.1:1111"
	wantNoContent(t, post(t, e.h, boxSearch, "Remote-Addr", alice), "first")
	if rec := from(t, e.h, alice, "GET", "/api/topics"); rec.Code != http.StatusOK {
		t.Fatalf("topics: %d", rec.Code)
	}
	rec := post(t, e.h, boxSearch, "Remote-Addr", alice)
	wantError(t, rec, http.StatusTooManyRequests, "rate_limited")
	if rec.Header().Get("Retry-After") != "60" {
		t.Errorf("Retry-After %q, want 60", rec.Header().Get("Retry-After"))
	}
	wantNoContent(t, post(t, e.h, boxSearch, "Remote-Addr", "192.0.2.2:2222"), "another client")
}

// TestAnalyticsOff: without WithAnalytics there is no events route, no
// report, and suggestions are the articles' words alone.
func TestAnalyticsOff(t *testing.T) {
	e := newAdminEnv(t)
	wantError(t, post(t, e.h, boxSearch), http.StatusNotFound, "not_found")
	wantError(t, e.do("GET", "/api/admin/analytics", ""), http.StatusNotFound, "not_found")
	for _, name := range []string{"searches_recorded_total", "searches_no_hits_total"} {
		if v := value(scrape(t, e.h), name); v != 0 {
			t.Errorf("%s = %v, want 0", name, v)
		}
	}
}
