package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"nmnsearch/index"
	"nmnsearch/search"
	"nmnsearch/server"
)

// testToken is the admin token of these tests.
const testToken = "test-admin-token-0123456789abcdef"

// adminEnv is the real service over a fresh in-memory index of
// index/testdata, with the admin API on.
type adminEnv struct {
	t    *testing.T
	ix   *index.Index
	svc  *search.Service
	h    http.Handler
	m    *server.Metrics
	logs *syncBuffer
}

func newAdminEnv(t *testing.T, opts ...server.Option) *adminEnv {
	t.Helper()
	ix, err := index.Build(os.DirFS("../index/testdata"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	e := &adminEnv{t: t, ix: ix, svc: search.New(ix, nil), m: server.NewMetrics(), logs: &syncBuffer{}}
	// No admin rate limit unless a test sets one: these tests make many
	// requests at once.
	opts = append([]server.Option{server.WithAdmin(testToken, e.svc), server.WithMetrics(e.m), server.WithAdminRateLimit(0, 0)}, opts...)
	e.h = server.New(slog.New(slog.NewJSONHandler(e.logs, nil)), e.svc, opts...)
	return e
}

// do serves one request with body and headers. It sends the admin token
// unless headers name Authorization ("" there: no such header).
func (e *adminEnv) do(method, target, body string, headers ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	return serveAdmin(e.t, e.h, method, target, body, headers...)
}

func serveAdmin(t *testing.T, h http.Handler, method, target, body string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	req.Header.Set("Authorization", "Bearer "+testToken)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Del(headers[i])
		if headers[i+1] != "" {
			req.Header.Add(headers[i], headers[i+1])
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s %s: X-Content-Type-Options = %q", method, target, got)
	}
	return rec
}

// state is what a reader sees of the articles: the list, and one article
// with its paragraphs (or its 404).
func (e *adminEnv) state(id string) string {
	e.t.Helper()
	list := do(e.t, e.h, "GET", "/api/articles")
	one := do(e.t, e.h, "GET", "/api/articles/"+url.PathEscape(id))
	return list.Body.String() + "\n" + one.Body.String()
}

// search returns the hits of q (a raw query string) as "article:paragraph".
func (e *adminEnv) search(rawQuery string) []string {
	e.t.Helper()
	rec := do(e.t, e.h, "GET", "/api/search?"+rawQuery)
	if rec.Code != http.StatusOK {
		e.t.Fatalf("search %s: %d %s", rawQuery, rec.Code, rec.Body)
	}
	var res search.Result
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

// noCORS fails when rec carries any Access-Control-Allow-* header.
func noCORS(t *testing.T, what string, rec *httptest.ResponseRecorder) {
	t.Helper()
	for k := range rec.Header() {
		if strings.HasPrefix(strings.ToLower(k), "access-control-allow-") {
			t.Errorf("%s: %s: %q; the admin API is never cross-origin", what, k, rec.Header().Get(k))
		}
	}
}

const newArticleBody = `{"title":"Admin test","url":"https://clinic.example/blog/admin-test","topics":["sleep"],
 "paragraphs":["Admin test heading","The quokkafruit paragraph says melatonin.","A second paragraph about quokkafruit and sleep."]}`

// With no token the admin routes do not exist: PUT and DELETE on an article
// are 405 like any method the route does not take, the reindex path 404.
func TestAdminOff(t *testing.T) {
	e := newAdminEnv(t)
	for name, h := range map[string]http.Handler{
		"no WithAdmin":      server.New(nil, e.svc),
		"WithAdmin(\"\",…)": server.New(nil, e.svc, server.WithAdmin("", e.svc)),
	} {
		before := e.state(sleepArticle)
		for _, tc := range []struct {
			method, target string
			status         int
			code           string
		}{
			{"PUT", "/api/articles/100-new", 405, "method_not_allowed"},
			{"PUT", "/api/articles/" + sleepArticle, 405, "method_not_allowed"},
			{"DELETE", "/api/articles/" + sleepArticle, 405, "method_not_allowed"},
			{"POST", "/api/admin/reindex", 404, "not_found"},
		} {
			rec := serveAdmin(t, h, tc.method, tc.target, newArticleBody, "Content-Type", "application/json")
			wantError(t, rec, tc.status, tc.code)
			if tc.status == 405 && rec.Header().Get("Allow") != "GET, HEAD, OPTIONS" {
				t.Errorf("%s: %s %s: Allow %q, want GET, HEAD, OPTIONS", name, tc.method, tc.target, rec.Header().Get("Allow"))
			}
		}
		if after := e.state(sleepArticle); after != before {
			t.Errorf("%s: the articles changed", name)
		}
		if got := e.state("100-new"); !strings.Contains(got, `"not_found"`) {
			t.Errorf("%s: 100-new exists", name)
		}
	}
	// With the token the same paths take the admin methods.
	rec := e.do("OPTIONS", "/api/articles/x", "")
	if rec.Code != http.StatusNoContent || rec.Header().Get("Allow") != "GET, HEAD, OPTIONS" {
		t.Errorf("plain OPTIONS on an article: %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
	rec = e.do("PATCH", "/api/articles/x", "")
	wantError(t, rec, http.StatusMethodNotAllowed, "method_not_allowed")
	if got := rec.Header().Get("Allow"); got != "GET, HEAD, PUT, DELETE, OPTIONS" {
		t.Errorf("PATCH with the admin API on: Allow %q", got)
	}
}

func TestAdminAuth(t *testing.T) {
	e := newAdminEnv(t)
	type request struct{ method, target, body string }
	requests := []request{
		{"PUT", "/api/articles/100-new", newArticleBody},
		{"PUT", "/api/articles/" + sleepArticle, newArticleBody},
		{"DELETE", "/api/articles/" + sleepArticle, ""},
		{"POST", "/api/admin/reindex", ""},
	}
	before := e.state(sleepArticle)
	refused := 0
	for _, tc := range []struct {
		name      string
		headers   []string // Authorization lines; none: no header
		wantError string   // the error= of WWW-Authenticate, if any
	}{
		{"missing", nil, ""},
		{"basic", []string{"Basic YWRtaW46" + testToken}, ""},
		{"token without scheme", []string{testToken}, ""},
		{"empty bearer", []string{"Bearer "}, ""},
		{"wrong", []string{"Bearer wrong-admin-token-0123456789ab"}, "invalid_token"},
		{"prefix", []string{"Bearer " + testToken[:len(testToken)-1]}, "invalid_token"},
		{"longer", []string{"Bearer " + testToken + "x"}, "invalid_token"},
		{"case differs", []string{"Bearer " + strings.ToUpper(testToken)}, "invalid_token"},
		{"two headers", []string{"Bearer " + testToken, "Bearer " + testToken}, "invalid_token"},
	} {
		for _, rq := range requests {
			req := httptest.NewRequest(rq.method, rq.target, strings.NewReader(rq.body))
			for _, v := range tc.headers {
				req.Header.Add("Authorization", v)
			}
			rec := doRequest(t, e.h, req)
			refused++
			msg := wantError(t, rec, http.StatusUnauthorized, "unauthorized")
			if strings.Contains(msg, testToken) {
				t.Errorf("%s: the message shows the token: %q", tc.name, msg)
			}
			wa := rec.Header().Get("WWW-Authenticate")
			want := `Bearer realm="nmnsearch admin"`
			if tc.wantError != "" {
				want += `, error="` + tc.wantError + `"`
			}
			if wa != want {
				t.Errorf("%s: %s %s: WWW-Authenticate %q, want %q", tc.name, rq.method, rq.target, wa, want)
			}
			if rec.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("%s: Cache-Control %q, want no-store", tc.name, rec.Header().Get("Cache-Control"))
			}
			noCORS(t, tc.name, rec)
		}
	}
	if after := e.state(sleepArticle); after != before {
		t.Error("a refused request changed the articles")
	}
	samples := scrape(t, e.h)
	if v := value(samples, "requests_rejected_total", "reason", "unauthorized"); v != float64(refused) {
		t.Errorf(`requests_rejected_total{reason="unauthorized"} = %v, want %d`, v, refused)
	}
	if v := value(samples, "index_builds_total", "kind", "reindex"); v != 0 {
		t.Errorf("reindexed %v times without the token", v)
	}

	// The right token, its scheme in any case.
	if rec := e.do("PUT", "/api/articles/100-new", newArticleBody); rec.Code != http.StatusCreated {
		t.Errorf("PUT with the token: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do("PUT", "/api/articles/100-new", newArticleBody, "Authorization", "bearer  "+testToken); rec.Code != http.StatusOK {
		t.Errorf("PUT with scheme bearer: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do("DELETE", "/api/articles/100-new", ""); rec.Code != http.StatusNoContent {
		t.Errorf("DELETE with the token: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do("POST", "/api/admin/reindex", ""); rec.Code != http.StatusOK {
		t.Errorf("reindex with the token: %d %s", rec.Code, rec.Body)
	}
	if strings.Contains(e.logs.String(), testToken) {
		t.Error("the token is in the log")
	}
}

func TestAdminCrossOrigin(t *testing.T) {
	allowList, err := server.ParseCORSOrigins("https://clinic.example")
	if err != nil {
		t.Fatal(err)
	}
	for name, policy := range map[string]server.CORSPolicy{"any origin": server.AnyOrigin, "allow-list": allowList} {
		e := newAdminEnv(t, server.WithCORS(policy))
		before := e.state(sleepArticle)
		// The preflight a browser sends first gets no Access-Control-Allow-*,
		// from an origin that may read the API or not: the PUT, DELETE or
		// POST never follows.
		for _, pre := range []struct{ target, method string }{
			{"/api/articles/" + sleepArticle, "PUT"},
			{"/api/articles/" + sleepArticle, "DELETE"},
			{"/api/admin/reindex", "POST"},
		} {
			for _, origin := range []string{"https://clinic.example", "https://evil.example"} {
				rec := e.do("OPTIONS", pre.target, "", "Authorization", "", "Origin", origin,
					"Access-Control-Request-Method", pre.method,
					"Access-Control-Request-Headers", "authorization, content-type")
				if rec.Code < 400 {
					t.Errorf("%s: preflight for %s %s from %s: %d, want a refusal", name, pre.method, pre.target, origin, rec.Code)
				}
				noCORS(t, name+": preflight for "+pre.method+" "+pre.target+" from "+origin, rec)
			}
		}
		// A request that says it comes from a page of another origin is
		// refused, the right token or not.
		for _, hd := range [][]string{
			{"Origin", "https://clinic.example"},
			{"Origin", "https://evil.example"},
			{"Origin", "null"},
			{"Origin", "http://example.com:8080"}, // the host, another port
			{"Origin", "http://evil.example.com"}, // a suffix of it
			{"Sec-Fetch-Site", "cross-site"},      // no Origin, but a browser says so
			{"Sec-Fetch-Site", "same-site"},       // another subdomain is another origin
			{"Origin", "http://example.com", "Sec-Fetch-Site", "cross-site"},
		} {
			for _, rq := range []struct{ method, target, body string }{
				{"PUT", "/api/articles/" + sleepArticle, newArticleBody},
				{"DELETE", "/api/articles/" + sleepArticle, ""},
				{"POST", "/api/admin/reindex", ""},
			} {
				rec := e.do(rq.method, rq.target, rq.body, hd...)
				wantError(t, rec, http.StatusForbidden, "origin_not_allowed")
				noCORS(t, name+": "+rq.method+" with "+strings.Join(hd, " "), rec)
			}
		}
		if after := e.state(sleepArticle); after != before {
			t.Errorf("%s: a cross-origin request changed the articles", name)
		}
		if v := value(scrape(t, e.h), "index_builds_total", "kind", "reindex"); v != 0 {
			t.Errorf("%s: a cross-origin request reindexed", name)
		}
		// The service's own origin (httptest's Host is example.com) and
		// what browsers say of a request they make from it, or of one
		// typed in, are let through.
		for _, hd := range [][]string{
			{"Origin", "http://example.com"},
			{"Origin", "https://EXAMPLE.com:443"},
			{"Sec-Fetch-Site", "same-origin"},
			{"Sec-Fetch-Site", "none"},
		} {
			rec := e.do("PUT", "/api/articles/100-new", newArticleBody, hd...)
			if rec.Code != http.StatusOK && rec.Code != http.StatusCreated {
				t.Errorf("%s: PUT with %s: %d %s", name, strings.Join(hd, " "), rec.Code, rec.Body)
			}
			noCORS(t, name+": same-origin PUT", rec)
		}
	}
}

// Each bad request is refused with a JSON error, and changes nothing: not
// the article it names, nor the list.
func TestAdminBadBodies(t *testing.T) {
	e := newAdminEnv(t)
	long := `{"text":"` + strings.Repeat("a", server.MaxBodyBytes) + `"}`
	many := `{"paragraphs":["Many"` + strings.Repeat(`,"A paragraph."`, 2000) + `]}` // 2,001: one past index.MaxParagraphs
	for _, tc := range []struct {
		name        string
		method, id  string
		body        string
		headers     []string
		status      int
		code        string
		wantMessage string // in the message
	}{
		{"not JSON", "PUT", sleepArticle, "text: hello", nil, 400, "invalid_body", "invalid character"},
		{"empty", "PUT", sleepArticle, "", nil, 400, "invalid_body", "empty"},
		{"null", "PUT", sleepArticle, "null", nil, 400, "invalid_body", "null"},
		{"a list", "PUT", sleepArticle, `["a"]`, nil, 400, "invalid_body", "want an object"},
		{"a string", "PUT", sleepArticle, `"text"`, nil, 400, "invalid_body", "want an object"},
		{"two values", "PUT", sleepArticle, `{"text":"a b c"} {"text":"d"}`, nil, 400, "invalid_body", "more than one"},
		{"trailing garbage", "PUT", sleepArticle, `{"text":"a b c"} x`, nil, 400, "invalid_body", "invalid character"},
		{"cut short", "PUT", sleepArticle, `{"text":"a b c"`, nil, 400, "invalid_body", "cut short"},
		{"unknown field", "PUT", sleepArticle, `{"text":"a b c","id":"other"}`, nil, 400, "invalid_body", `unknown field "id"`},
		{"misspelt field", "PUT", sleepArticle, `{"paragraph":["a b c"]}`, nil, 400, "invalid_body", `unknown field "paragraph"`},
		{"topics not a list", "PUT", sleepArticle, `{"text":"a b c","topics":"sleep"}`, nil, 400, "invalid_body", "topics must be a list of strings"},
		{"paragraphs of numbers", "PUT", sleepArticle, `{"paragraphs":[1,2]}`, nil, 400, "invalid_body", "paragraphs"},
		{"title not a string", "PUT", sleepArticle, `{"text":"a b c","title":7}`, nil, 400, "invalid_body", "title must be a string"},
		{"no text", "PUT", sleepArticle, `{"title":"Only a title"}`, nil, 400, "invalid_article", "text, paragraphs or html is required"},
		{"blank text", "PUT", sleepArticle, `{"text":"  \n "}`, nil, 400, "invalid_article", "required"},
		{"blank paragraphs", "PUT", sleepArticle, `{"paragraphs":[""," "]}`, nil, 400, "invalid_article", "required"},
		{"text and paragraphs", "PUT", sleepArticle, `{"text":"a b c","paragraphs":["d"]}`, nil, 400, "invalid_article", "give one of text, paragraphs and html"},
		{"unknown topic", "PUT", sleepArticle, `{"text":"a b c","topics":["cancer"]}`, nil, 400, "invalid_article", `unknown topic "cancer"`},
		{"javascript url", "PUT", sleepArticle, `{"text":"a b c","url":"javascript:alert(1)"}`, nil, 400, "invalid_article", "url"},
		{"relative url", "PUT", sleepArticle, `{"text":"a b c","url":"/blog/x"}`, nil, 400, "invalid_article", "url"},
		{"ftp url", "PUT", sleepArticle, `{"text":"a b c","url":"ftp://clinic.example/x"}`, nil, 400, "invalid_article", "url"},
		{"title of two lines", "PUT", sleepArticle, `{"text":"a b c","title":"a\nb"}`, nil, 400, "invalid_article", "title"},
		{"title too long", "PUT", sleepArticle, `{"text":"a b c","title":"` + strings.Repeat("t", 301) + `"}`, nil, 400, "invalid_article", "title"},
		{"upper-case id", "PUT", "ABC", `{"text":"a b c"}`, nil, 400, "invalid_article", "[a-z0-9-]{1,64}"},
		{"id with underscore", "PUT", "a_b", `{"text":"a b c"}`, nil, 400, "invalid_article", "[a-z0-9-]{1,64}"},
		{"id of 65", "PUT", strings.Repeat("a", 65), `{"text":"a b c"}`, nil, 400, "invalid_article", "[a-z0-9-]{1,64}"},
		{"id with a dot", "PUT", "a.b", `{"text":"a b c"}`, nil, 400, "invalid_article", "[a-z0-9-]{1,64}"},
		{"too large, declared", "PUT", sleepArticle, long, nil, 413, "body_too_large", "larger than"},
		{"too large, streamed", "PUT", sleepArticle, long, []string{"Transfer-Encoding", "chunked"}, 413, "body_too_large", "larger than"},
		{"text/plain", "PUT", sleepArticle, `{"text":"a b c"}`, []string{"Content-Type", "text/plain"}, 415, "unsupported_media_type", "application/json"},
		{"a form", "PUT", sleepArticle, `text=a`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "unsupported_media_type", "--json"},
		{"too many paragraphs", "PUT", sleepArticle, many, nil, 400, "invalid_article", "at most 2000 paragraphs"},
		{"delete a bad id", "DELETE", "ABC", "", nil, 400, "invalid_article", "[a-z0-9-]{1,64}"},
		{"delete an unknown id", "DELETE", "100-nope", "", nil, 404, "not_found", `no article "100-nope"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.state(tc.id)
			headers := append([]string{"Content-Type", "application/json"}, tc.headers...)
			target := "/api/articles/" + url.PathEscape(tc.id)
			req := httptest.NewRequest(tc.method, target, strings.NewReader(tc.body))
			req.Header.Set("Authorization", "Bearer "+testToken)
			for i := 0; i+1 < len(headers); i += 2 {
				req.Header.Set(headers[i], headers[i+1])
			}
			if tc.name == "too large, streamed" {
				req.ContentLength = -1 // no length declared: the limit is met while reading
			}
			rec := doRequest(t, e.h, req)
			msg := wantError(t, rec, tc.status, tc.code)
			if !strings.Contains(msg, tc.wantMessage) {
				t.Errorf("message %q lacks %q", msg, tc.wantMessage)
			}
			if strings.Contains(msg, "articleInput") || strings.Contains(msg, "Go struct") {
				t.Errorf("message %q shows Go's names", msg)
			}
			if after := e.state(tc.id); after != before {
				t.Errorf("the articles changed:\nbefore %.300s\nafter  %.300s", before, after)
			}
		})
	}
	if strings.Contains(e.logs.String(), `"internal error"`) {
		t.Errorf("a bad body was logged as an internal error:\n%s", e.logs)
	}
}

func TestAdminPutSearchDelete(t *testing.T) {
	e := newAdminEnv(t)
	const id = "100-admin-test"
	if hits := e.search("q=quokkafruit"); len(hits) != 0 {
		t.Fatalf("quokkafruit found before the PUT: %v", hits)
	}

	rec := e.do("PUT", "/api/articles/"+id, newArticleBody, "Content-Type", "application/json; charset=utf-8")
	if rec.Code != http.StatusCreated {
		t.Fatalf("PUT new: %d %s", rec.Code, rec.Body)
	}
	if got := rec.Header().Get("Location"); got != "/api/articles/"+id {
		t.Errorf("Location %q", got)
	}
	var stored struct {
		ID, Title, URL string
		Topics         []string
		Paragraphs     []struct {
			ID, Text string
			N        int
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &stored); err != nil {
		t.Fatal(err)
	}
	if stored.ID != id || stored.Title != "Admin test" || stored.URL != "https://clinic.example/blog/admin-test" ||
		strings.Join(stored.Topics, ",") != "sleep" || len(stored.Paragraphs) != 3 || stored.Paragraphs[1].ID != id+"-2" {
		t.Errorf("PUT answered %s", rec.Body)
	}
	if get := do(t, e.h, "GET", "/api/articles/"+id); get.Body.String() != rec.Body.String() {
		t.Errorf("GET after PUT:\n%s\nwant what PUT answered:\n%s", get.Body, rec.Body)
	}
	if hits := e.search("q=quokkafruit"); strings.Join(hits, " ") != id+"-2 "+id+"-3" {
		t.Errorf("quokkafruit after the PUT: %v", hits)
	}
	if got := do(t, e.h, "GET", "/api/suggest?q=quokk").Body.String(); !strings.Contains(got, "quokkafruit") {
		t.Errorf("suggest quokk: %s", got)
	}

	// A PUT replaces every paragraph: fewer of them, from a text.
	rec = e.do("PUT", "/api/articles/"+id, `{"text":"Replaced heading\n\nOnly one paragraph, about wombatberry.\n"}`)
	if rec.Code != http.StatusOK {
		t.Fatalf("PUT replace: %d %s", rec.Code, rec.Body)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &stored); err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, p := range stored.Paragraphs {
		texts = append(texts, p.Text)
	}
	if got := strings.Join(texts, " | "); got != "Replaced heading | Only one paragraph, about wombatberry." || stored.URL != "" || stored.Title != "Replaced heading" {
		t.Errorf("after the replacing PUT: title %q, url %q, paragraphs %q", stored.Title, stored.URL, got)
	}
	if hits := e.search("q=quokkafruit"); len(hits) != 0 {
		t.Errorf("quokkafruit after the replacing PUT: %v", hits)
	}
	if hits := e.search("article=" + id); len(hits) != 2 {
		t.Errorf("paragraphs of %s after the replacing PUT: %v, want 2", id, hits)
	}
	if hits := e.search("q=wombatberry"); strings.Join(hits, " ") != id+"-2" {
		t.Errorf("wombatberry: %v", hits)
	}

	// A seed article replaced by Japanese paragraphs: its old text is gone.
	if hits := e.search("q=" + url.QueryEscape("メラトニン") + "&article=" + sleepArticle); len(hits) == 0 {
		t.Fatal("メラトニン not in the sleep article to begin with")
	}
	rec = e.do("PUT", "/api/articles/"+sleepArticle, `{"paragraphs":["睡眠とカモミールティー","カモミールティーは寝る前に飲みます。"],"topics":["sleep"]}`)
	if rec.Code != http.StatusOK {
		t.Fatalf("PUT over a seed: %d %s", rec.Code, rec.Body)
	}
	if hits := e.search("q=" + url.QueryEscape("メラトニン") + "&article=" + sleepArticle); len(hits) != 0 {
		t.Errorf("メラトニン still in the replaced sleep article: %v", hits)
	}
	if hits := e.search("q=" + url.QueryEscape("カモミール")); len(hits) != 2 {
		t.Errorf("カモミール: %v, want both paragraphs", hits)
	}

	// DELETE: gone from searches, the list and GET.
	rec = e.do("DELETE", "/api/articles/"+id, "")
	if rec.Code != http.StatusNoContent || rec.Body.Len() != 0 {
		t.Fatalf("DELETE: %d %q", rec.Code, rec.Body)
	}
	if hits := e.search("q=wombatberry"); len(hits) != 0 {
		t.Errorf("wombatberry after DELETE: %v", hits)
	}
	wantError(t, do(t, e.h, "GET", "/api/articles/"+id), http.StatusNotFound, "not_found")
	if list := do(t, e.h, "GET", "/api/articles").Body.String(); strings.Contains(list, id) {
		t.Errorf("the list still has %s", id)
	}
	if got := do(t, e.h, "GET", "/api/suggest?q=wombat").Body.String(); strings.Contains(got, "wombatberry") {
		t.Errorf("suggest wombat after DELETE: %s", got)
	}
	wantError(t, e.do("DELETE", "/api/articles/"+id, ""), http.StatusNotFound, "not_found")

	samples := scrape(t, e.h)
	for _, tc := range []struct {
		method, status string
		want           float64
	}{{"PUT", "201", 1}, {"PUT", "200", 2}, {"DELETE", "204", 1}, {"DELETE", "404", 1}} {
		if v := value(samples, "http_requests_total", "route", "/api/articles/{id}", "method", tc.method, "status", tc.status); v != tc.want {
			t.Errorf("http_requests_total{%s %s} = %v, want %v", tc.method, tc.status, v, tc.want)
		}
	}
}

func TestAdminReindex(t *testing.T) {
	e := newAdminEnv(t)
	if rec := e.do("PUT", "/api/articles/100-new", newArticleBody); rec.Code != http.StatusCreated {
		t.Fatalf("PUT: %d %s", rec.Code, rec.Body)
	}
	rec := e.do("POST", "/api/admin/reindex", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("reindex: %d %s", rec.Code, rec.Body)
	}
	var out struct {
		Status     string
		Articles   int
		Paragraphs int
		TookMS     float64 `json:"took_ms"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if out.Status != "reindexed" || out.Articles != 4 || out.Paragraphs < 100 || out.TookMS <= 0 {
		t.Errorf("reindex answered %s", rec.Body)
	}
	if v := value(scrape(t, e.h), "index_builds_total", "kind", "reindex"); v != 1 {
		t.Errorf(`index_builds_total{kind="reindex"} = %v, want 1`, v)
	}
	if !strings.Contains(e.logs.String(), `"msg":"index swapped"`) {
		t.Errorf("no index swapped line:\n%s", e.logs)
	}
	if hits := e.search("q=quokkafruit"); len(hits) != 2 {
		t.Errorf("quokkafruit after the reindex: %v", hits)
	}
	if hits := e.search("q=NAD%2B"); len(hits) == 0 {
		t.Error("NAD+ finds nothing after the reindex")
	}
}

// GET /api/admin/info names the data directory, and says whether a probe
// file is in it, to the token only; a replica refuses it as it refuses
// writes.
func TestAdminInfo(t *testing.T) {
	dir := t.TempDir()
	const probe = ".nmnsearch-probe-0123456789abcdef0123456789abcdef"
	if err := os.WriteFile(filepath.Join(dir, probe), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	e := newAdminEnv(t, server.WithDataDir(dir))
	rec := e.do("GET", "/api/admin/info", "")
	if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != `{"data_dir":"`+dir+`"}` ||
		rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("info: %d %s %v", rec.Code, rec.Body, rec.Header())
	}
	for name, want := range map[string]string{probe: `"probe":true`, strings.Replace(probe, "0", "f", 1): `"probe":false`} {
		if rec := e.do("GET", "/api/admin/info?probe="+name, ""); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("probe %s: %d %s, want %s", name, rec.Code, rec.Body, want)
		}
	}
	for _, name := range []string{"../etc/passwd", "articles.db", probe + "/x"} {
		wantError(t, e.do("GET", "/api/admin/info?probe="+url.QueryEscape(name), ""), http.StatusBadRequest, "invalid_param")
	}
	wantError(t, e.do("GET", "/api/admin/info", "", "Authorization", ""), http.StatusUnauthorized, "unauthorized")
	replica := server.New(nil, e.svc, server.WithAdmin(testToken, e.svc), server.WithReadOnly(true), server.WithDataDir("/srv/x"))
	wantError(t, serveAdmin(t, replica, "GET", "/api/admin/info", ""), http.StatusForbidden, "read_only")
}

// slowAdmin is an Admin whose writes take delay longer.
type slowAdmin struct {
	server.Admin
	delay time.Duration
}

func (a slowAdmin) PutArticle(ctx context.Context, src search.Source) (*search.Article, bool, error) {
	time.Sleep(a.delay)
	return a.Admin.PutArticle(ctx, src)
}

func (a slowAdmin) DeleteArticle(ctx context.Context, id string) error {
	time.Sleep(a.delay)
	return a.Admin.DeleteArticle(ctx, id)
}

func (a slowAdmin) Reindex(ctx context.Context) (time.Duration, error) {
	time.Sleep(a.delay)
	return a.Admin.Reindex(ctx)
}

// An admin write that outlasts the server's WriteTimeout, which runs from
// the request's arrival (a large article, one queued behind a reindex, a
// reindex), still gets its answer out, and the connection then serves a
// search. The requests go over one TCP connection written by hand: a
// client's pool may dial anew for reasons of its own (it takes a
// connection back asynchronously), a closed connection fails the read.
func TestAdminWriteOutlastsWriteTimeout(t *testing.T) {
	e := newAdminEnv(t)
	// Long enough for a search under -race on a busy machine.
	const writeTimeout = 500 * time.Millisecond
	admin := slowAdmin{e.svc, 3 * writeTimeout}
	ts := httptest.NewUnstartedServer(server.New(nil, e.svc, server.WithAdmin(testToken, admin), server.WithAdminRateLimit(0, 0)))
	ts.Config.WriteTimeout = writeTimeout
	ts.Start()
	defer ts.Close()
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	roundTrip := func(req *http.Request) (*http.Response, string, error) {
		if err := req.Write(conn); err != nil {
			return nil, "", err
		}
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			return nil, "", err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(body), err
	}

	for _, c := range []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"PUT", "/api/articles/100-new", newArticleBody, http.StatusCreated, `"id":"100-new"`},
		{"DELETE", "/api/articles/100-new", "", http.StatusNoContent, ""},
		{"POST", "/api/admin/reindex", "", http.StatusOK, `"status":"reindexed"`},
	} {
		req, err := http.NewRequest(c.method, ts.URL+c.path, strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, body, err := roundTrip(req)
		if err != nil {
			t.Fatalf("%s %s taking %v under a WriteTimeout of %v: %v", c.method, c.path, admin.delay, writeTimeout, err)
		}
		if resp.StatusCode != c.status || !strings.Contains(body, c.want) {
			t.Errorf("%s %s: %d %s, want %d with %s", c.method, c.path, resp.StatusCode, body, c.status, c.want)
		}

		req, err = http.NewRequest("GET", ts.URL+"/api/search?q=NAD%2B", nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp, body, err = roundTrip(req); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("a search on the connection after %s %s: %v %s (the write's connection closed?)", c.method, c.path, err, body)
		}
	}
}

// The admin API limits failed token checks per client, apart from the
// readers' limit: the administrator's writes cost nothing, and a guesser
// past the limit is refused before its guess is looked at, the right token
// included, so that a 429 tells it nothing.
func TestAdminRateLimit(t *testing.T) {
	e := newAdminEnv(t, server.WithAdminRateLimit(0.5, 2), server.WithRateLimit(0.5, 1))
	wrong := []string{"Authorization", "Bearer wrong-admin-token-0123456789"}
	for i := range 40 { // the administrator's batch spends nothing
		if rec := e.do("DELETE", "/api/articles/100-nope", ""); rec.Code != http.StatusNotFound {
			t.Fatalf("authenticated request %d: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	for range 2 {
		wantError(t, e.do("DELETE", "/api/articles/100-nope", "", wrong...), http.StatusUnauthorized, "unauthorized")
	}
	for _, headers := range [][]string{wrong, nil} { // a third guess, then the right token: both refused
		rec := e.do("DELETE", "/api/articles/100-nope", "", headers...)
		wantError(t, rec, http.StatusTooManyRequests, "rate_limited")
		if rec.Header().Get("Retry-After") != "2" {
			t.Errorf("Retry-After %q, want 2", rec.Header().Get("Retry-After"))
		}
	}
	// The reader's bucket is its own.
	if rec := do(t, e.h, "GET", "/api/topics"); rec.Code != http.StatusOK {
		t.Errorf("a read after the admin API's limit: %d", rec.Code)
	}
	wantError(t, do(t, e.h, "GET", "/api/topics"), http.StatusTooManyRequests, "rate_limited")
	// The default is AdminRate with AdminBurst, with or without the
	// readers' limit.
	h := server.New(nil, e.svc, server.WithAdmin(testToken, e.svc))
	for i := range server.AdminBurst {
		if rec := serveAdmin(t, h, "DELETE", "/api/articles/100-nope", "", wrong...); rec.Code != http.StatusUnauthorized {
			t.Fatalf("guess %d of the burst: %d", i+1, rec.Code)
		}
	}
	wantError(t, serveAdmin(t, h, "DELETE", "/api/articles/100-nope", "", wrong...), http.StatusTooManyRequests, "rate_limited")
}

// Once the index is closed (the service shutting down), writes are 503.
func TestAdminClosed(t *testing.T) {
	e := newAdminEnv(t)
	e.ix.Close()
	for _, rq := range []struct{ method, target, body string }{
		{"PUT", "/api/articles/100-new", newArticleBody},
		{"DELETE", "/api/articles/" + sleepArticle, ""},
		{"POST", "/api/admin/reindex", ""},
	} {
		wantError(t, e.do(rq.method, rq.target, rq.body), http.StatusServiceUnavailable, "not_ready")
	}
	if strings.Contains(e.logs.String(), `"internal error"`) {
		t.Errorf("a closed index was logged as an internal error:\n%s", e.logs)
	}
}

func TestCheckAdminToken(t *testing.T) {
	for token, ok := range map[string]bool{
		"":                                  false,
		"short":                             false,
		strings.Repeat("a", 15):             false,
		strings.Repeat("a", 16):             true,
		testToken:                           true,
		"with space 0123456789abcdef":       false,
		"tab\t0123456789abcdef":             false,
		"ünicode-0123456789abcdef":          false,
		strings.Repeat("x", 1024):           true,
		strings.Repeat("x", 1025):           false,
		"Zm9vYmFyYmF6cXV4cXV1eA==-_.~+/abc": true,
	} {
		if err := server.CheckAdminToken(token); (err == nil) != ok {
			t.Errorf("CheckAdminToken(%.20q) = %v, want ok %v", token, err, ok)
		}
	}
}

// ctxAdmin records whether a reindex's context had ended when it began.
type ctxAdmin struct {
	server.Admin
	got chan error
}

func (a ctxAdmin) Reindex(ctx context.Context) (time.Duration, error) {
	a.got <- ctx.Err()
	return a.Admin.Reindex(ctx)
}

// Admin operations run until the service stops (server.WithStop), not
// until the client hangs up: a stopping service stops a reindex, which
// answers 503 and leaves the index in use; a write not begun is not made.
func TestAdminOperationsEndWithStop(t *testing.T) {
	stop, stopping := context.WithCancel(context.Background())
	e := newAdminEnv(t, server.WithStop(stop))
	a := ctxAdmin{e.svc, make(chan error, 1)}
	h := server.New(nil, e.svc, server.WithAdmin(testToken, a), server.WithAdminRateLimit(0, 0), server.WithStop(stop))

	// A client's hang-up ends nothing.
	req := httptest.NewRequest("POST", "/api/admin/reindex", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	gone, hangUp := context.WithCancel(req.Context())
	hangUp()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req.WithContext(gone))
	if rec.Code != http.StatusOK {
		t.Fatalf("reindex after the client hung up: %d %s, want 200", rec.Code, rec.Body)
	}
	if err := <-a.got; err != nil {
		t.Errorf("the reindex's context ended with the request: %v", err)
	}

	stopping()
	wantError(t, serveAdmin(t, h, "POST", "/api/admin/reindex", ""), http.StatusServiceUnavailable, "not_ready")
	<-a.got
	wantError(t, e.do("PUT", "/api/articles/100-new", newArticleBody, "Content-Type", "application/json"), http.StatusServiceUnavailable, "not_ready")
	if _, err := e.svc.Article("100-new"); err == nil {
		t.Error("a PUT answered 503 was written")
	}
	if rec := do(t, h, "GET", "/api/search?q=sleep"); rec.Code != http.StatusOK {
		t.Errorf("search after a stopped reindex: %d", rec.Code)
	}
}
