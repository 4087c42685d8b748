package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"nmnsearch/server"
)

// request serves one request with the given headers.
func request(t *testing.T, h http.Handler, method, target string, headers map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// readOnlyAPI is every route another origin may read.
var readOnlyAPI = []string{"/api/search?q=x", "/api/suggest?q=me", "/api/topics", "/api/articles", "/api/articles/000-a"}

func TestCORSAnyOriginByDefault(t *testing.T) {
	h, _ := newHandler(&fakeSearcher{articles: testArticles})
	for _, target := range readOnlyAPI {
		rec := request(t, h, "GET", target, map[string]string{"Origin": "https://clinic.example"})
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s: status %d", target, rec.Code)
		}
		if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "*" {
			t.Errorf("GET %s: Access-Control-Allow-Origin = %q, want *", target, got)
		}
		if got := rec.Header().Values("Vary"); !contains(got, "Origin") {
			t.Errorf("GET %s: Vary = %q, want Origin", target, got)
		}
		if got := rec.Header().Get("Access-Control-Allow-Credentials"); got != "" {
			t.Errorf("GET %s: credentials allowed (%q)", target, got)
		}

		// The preflight a browser sends before a request it cannot send
		// plainly.
		rec = request(t, h, "OPTIONS", target, map[string]string{
			"Origin": "https://clinic.example", "Access-Control-Request-Method": "GET",
			"Access-Control-Request-Headers": "x-requested-with",
		})
		hd := rec.Header()
		if rec.Code != http.StatusNoContent || hd.Get("Access-Control-Allow-Origin") != "*" ||
			hd.Get("Access-Control-Allow-Methods") != "GET, HEAD" ||
			hd.Get("Access-Control-Allow-Headers") != "x-requested-with" ||
			hd.Get("Access-Control-Max-Age") != "600" || rec.Body.Len() != 0 {
			t.Errorf("preflight %s: %d %v %q", target, rec.Code, hd, rec.Body)
		}
	}
	// No Origin, no CORS headers: same-origin pages and curl need none.
	rec := request(t, h, "GET", "/api/topics", nil)
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("without Origin: Access-Control-Allow-Origin = %q", got)
	}
	// A plain OPTIONS (no preflight) is told what the route takes.
	rec = request(t, h, "OPTIONS", "/api/search", nil)
	if rec.Code != http.StatusNoContent || rec.Header().Get("Allow") != "GET, HEAD, OPTIONS" {
		t.Errorf("plain OPTIONS: %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
}

func TestCORSAllowList(t *testing.T) {
	policy, err := server.ParseCORSOrigins(" https://Clinic.example:443 ,http://localhost:3000")
	if err != nil {
		t.Fatal(err)
	}
	if got := policy.String(); got != "https://clinic.example,http://localhost:3000" {
		t.Errorf("policy = %s", got)
	}
	h := server.New(nil, &fakeSearcher{articles: testArticles}, server.WithCORS(policy))
	for _, origin := range []string{"https://clinic.example", "http://localhost:3000"} {
		for _, target := range readOnlyAPI {
			rec := request(t, h, "GET", target, map[string]string{"Origin": origin})
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != origin {
				t.Errorf("GET %s from %s: Access-Control-Allow-Origin = %q, want the origin", target, origin, got)
			}
		}
	}
	for _, origin := range []string{"https://evil.example", "http://clinic.example", "https://clinic.example:8443", "null"} {
		rec := request(t, h, "GET", "/api/search?q=x", map[string]string{"Origin": origin})
		// Answered (it is no secret), but the browser keeps it from the page.
		if rec.Code != http.StatusOK || rec.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("GET from %s: %d, Access-Control-Allow-Origin %q", origin, rec.Code, rec.Header().Get("Access-Control-Allow-Origin"))
		}
		if !contains(rec.Header().Values("Vary"), "Origin") {
			t.Errorf("GET from %s: no Vary: Origin", origin)
		}
		rec = request(t, h, "OPTIONS", "/api/search", map[string]string{
			"Origin": origin, "Access-Control-Request-Method": "GET"})
		msg := wantError(t, rec, http.StatusForbidden, "origin_not_allowed")
		if !strings.Contains(msg, origin) || !strings.Contains(msg, "-cors-origins") {
			t.Errorf("preflight from %s: message %q should name the origin and the flag", origin, msg)
		}
	}
}

// TestCORSNeverWrites: nothing but GET and HEAD is opened to another origin.
func TestCORSNeverWrites(t *testing.T) {
	h, _ := newHandler(&fakeSearcher{articles: testArticles})
	for _, method := range []string{"POST", "PUT", "DELETE", "PATCH"} {
		rec := request(t, h, "OPTIONS", "/api/search", map[string]string{
			"Origin": "https://clinic.example", "Access-Control-Request-Method": method})
		wantError(t, rec, http.StatusMethodNotAllowed, "method_not_allowed")
		if got := rec.Header().Get("Access-Control-Allow-Methods"); got != "" {
			t.Errorf("preflight for %s: Access-Control-Allow-Methods = %q", method, got)
		}
		rec = request(t, h, method, "/api/search?q=x", map[string]string{"Origin": "https://clinic.example"})
		wantError(t, rec, http.StatusMethodNotAllowed, "method_not_allowed")
		if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("%s from another origin: Access-Control-Allow-Origin = %q", method, got)
		}
	}
	// Probes and pages are not part of the cross-origin API.
	for _, target := range []string{"/healthz", "/readyz", "/", "/articles/000-a"} {
		rec := request(t, h, "GET", target, map[string]string{"Origin": "https://clinic.example"})
		if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("GET %s: Access-Control-Allow-Origin = %q, want none", target, got)
		}
	}
}

func TestParseCORSOrigins(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"*", "*"},
		{" * ", "*"},
		{"https://a.example", "https://a.example"},
		{"https://a.example/", "https://a.example"},
		{"HTTP://A.example:80,https://a.example:443", "http://a.example,https://a.example"},
		{"http://127.0.0.1:8080,http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"http://[::1]:3000", "http://[::1]:3000"},
	} {
		p, err := server.ParseCORSOrigins(tc.in)
		if err != nil || p.String() != tc.want {
			t.Errorf("ParseCORSOrigins(%q) = %q, %v; want %q", tc.in, p, err, tc.want)
		}
	}
	for _, in := range []string{"", " , ", "*,https://a.example", "a.example", "ftp://a.example",
		"https://a.example/path", "https://a.example?x=1", "https://user@a.example", "https://"} {
		if p, err := server.ParseCORSOrigins(in); err == nil {
			t.Errorf("ParseCORSOrigins(%q) = %q, want an error", in, p)
		}
	}
}

func contains(list []string, want string) bool {
	for _, v := range list {
		for part := range strings.SplitSeq(v, ",") {
			if strings.TrimSpace(part) == want {
				return true
			}
		}
	}
	return false
}
