package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"nmnsearch/search"
	"nmnsearch/server"
	"nmnsearch/server/servertest"
)

// fakeSearcher stands in for *search.Service. By default Search mimics the
// service's validation (size, unknown topic or lang, q length) with
// *search.Error values and returns res; each method can be overridden.
type fakeSearcher struct {
	mu  sync.Mutex
	got []search.Request // every request Search received

	res      *search.Result
	search   func(ctx context.Context, r search.Request) (*search.Result, error)
	topics   func(ctx context.Context) ([]search.FacetValue, error)
	articles []*search.Article
	// marks overrides MarkArticle; a nil article from it is the one of id.
	marks    func(ctx context.Context, id, q string) (*search.Article, [][]search.Mark, error)
	notReady bool
}

func (f *fakeSearcher) Search(ctx context.Context, r search.Request) (*search.Result, error) {
	f.mu.Lock()
	f.got = append(f.got, r)
	f.mu.Unlock()
	if f.search != nil {
		return f.search(ctx, r)
	}
	invalid := func(format string, args ...any) error {
		return &search.Error{Code: search.CodeInvalid, Message: fmt.Sprintf(format, args...)}
	}
	if n := utf8.RuneCountInString(r.Q); n > search.MaxQueryRunes {
		return nil, invalid("q must be at most %d characters (got %d)", search.MaxQueryRunes, n)
	}
	if r.Size < 0 || r.Size > search.MaxPageSize {
		return nil, invalid("size must be between 1 and %d", search.MaxPageSize)
	}
	for _, t := range r.Topics {
		if !slices.Contains([]string{"diabetes", "depression", "sleep"}, t) {
			return nil, invalid("unknown topic %q", t)
		}
	}
	if r.Lang != "" && r.Lang != "ja" && r.Lang != "en" {
		return nil, invalid("lang must be ja or en")
	}
	if f.res != nil {
		return f.res, nil
	}
	return &search.Result{Query: r.Q, Page: 1, Size: 10}, nil // nil lists on purpose
}

func (f *fakeSearcher) requests() []search.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.got)
}

func (f *fakeSearcher) Article(id string) (*search.Article, error) {
	for _, a := range f.articles {
		if a.ID == id {
			return a, nil
		}
	}
	return nil, &search.Error{Code: search.CodeNotFound, Message: fmt.Sprintf("no article %q", id)}
}

func (f *fakeSearcher) Articles() []*search.Article { return f.articles }

func (f *fakeSearcher) Topics(ctx context.Context) ([]search.FacetValue, error) {
	if f.topics != nil {
		return f.topics(ctx)
	}
	return []search.FacetValue{{Value: "diabetes", Count: 17}, {Value: "depression", Count: 49}, {Value: "sleep", Count: 100}}, nil
}

func (f *fakeSearcher) Ready() bool { return !f.notReady }

// MarkArticle marks every occurrence of q, as one string, unless overridden.
func (f *fakeSearcher) MarkArticle(ctx context.Context, id, q string) (*search.Article, [][]search.Mark, error) {
	a, err := f.Article(id)
	if err != nil {
		return nil, nil, err
	}
	if f.marks != nil {
		marked, ms, err := f.marks(ctx, id, q)
		if marked == nil && err == nil {
			marked = a
		}
		return marked, ms, err
	}
	out := make([][]search.Mark, len(a.Paragraphs))
	for i, p := range a.Paragraphs {
		for at := 0; q != ""; {
			j := strings.Index(p.Text[at:], q)
			if j < 0 {
				break
			}
			out[i] = append(out[i], search.Mark{Start: at + j, End: at + j + len(q)})
			at += j + len(q)
		}
	}
	return a, out, nil
}

func (f *fakeSearcher) Suggest(q string) ([]search.Suggestion, error) {
	if strings.TrimSpace(q) == "" {
		return nil, &search.Error{Code: search.CodeInvalid, Message: "q is required"}
	}
	return []search.Suggestion{{Text: q + "tonin", Paragraphs: 3}}, nil
}

var _ server.Searcher = (*fakeSearcher)(nil)

// syncBuffer is a bytes.Buffer that a logger and the test can share.
type syncBuffer = servertest.Buffer

// logLines decodes the JSON log lines written so far.
func logLines(t *testing.T, s *syncBuffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

// newHandler returns the server's handler over f, logging JSON into a buffer.
func newHandler(f *fakeSearcher) (http.Handler, *syncBuffer) {
	logs := &syncBuffer{}
	return server.New(slog.New(slog.NewJSONHandler(logs, nil)), f), logs
}

// do serves one request and checks the headers every response must carry.
func do(t *testing.T, h http.Handler, method, target string) *httptest.ResponseRecorder {
	t.Helper()
	return doRequest(t, h, httptest.NewRequest(method, target, nil))
}

func doRequest(t *testing.T, h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if got, want := rec.Header().Get("Content-Type"), "application/json; charset=utf-8"; got != want {
		t.Errorf("%s %s: Content-Type = %q, want %q", req.Method, req.URL, got, want)
	}
	if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s %s: X-Content-Type-Options = %q, want nosniff", req.Method, req.URL, got)
	}
	return rec
}

type errorJSON struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// wantError checks that rec is a JSON error with status and code and returns
// its message.
func wantError(t *testing.T, rec *httptest.ResponseRecorder, status int, code string) string {
	t.Helper()
	if rec.Code != status {
		t.Errorf("status = %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	var e errorJSON
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
		t.Fatalf("error body %q: %v", rec.Body, err)
	}
	if e.Error.Code != code {
		t.Errorf("error code = %q, want %q; body %s", e.Error.Code, code, rec.Body)
	}
	if e.Error.Message == "" {
		t.Errorf("error message is empty; body %s", rec.Body)
	}
	return e.Error.Message
}

func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("body %q: %v", rec.Body, err)
	}
	return v
}

func TestHealthz(t *testing.T) {
	// Healthy even when the index is not: the process is up.
	h, _ := newHandler(&fakeSearcher{notReady: true})
	rec := do(t, h, "GET", "/healthz")
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	if got := decode[map[string]string](t, rec); got["status"] != "ok" || len(got) != 1 {
		t.Errorf("body = %v, want {status: ok}", got)
	}
}

func TestReadyz(t *testing.T) {
	h, _ := newHandler(&fakeSearcher{})
	rec := do(t, h, "GET", "/readyz")
	if rec.Code != http.StatusOK {
		t.Fatalf("ready: status = %d, want 200", rec.Code)
	}
	if got := decode[map[string]string](t, rec); got["status"] != "ready" {
		t.Errorf("ready: body = %v, want {status: ready}", got)
	}

	h, _ = newHandler(&fakeSearcher{notReady: true})
	wantError(t, do(t, h, "GET", "/readyz"), http.StatusServiceUnavailable, "not_ready")
}

func TestSearchParams(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  search.Request
	}{
		// Browser form encoding: %2B is a plus, + is a space.
		{"q=NAD%2B", search.Request{Q: "NAD+"}},
		{"q=NAD+", search.Request{Q: "NAD "}},
		{"q=NAD%2B+%E7%9D%A1%E7%9C%A0", search.Request{Q: "NAD+ 睡眠"}},
		{"q=%E3%83%A1%E3%83%A9%E3%83%88%E3%83%8B%E3%83%B3", search.Request{Q: "メラトニン"}},
		{"q=a%26b%3Dc", search.Request{Q: "a&b=c"}},
		// topic repeats, and holds comma-separated values.
		{"topic=sleep&topic=depression", search.Request{Topics: []string{"sleep", "depression"}}},
		{"topic=sleep,depression&topic=diabetes", search.Request{Topics: []string{"sleep", "depression", "diabetes"}}},
		{"topic=+sleep+,,+depression", search.Request{Topics: []string{"sleep", "depression"}}},
		// Empty parameters are ignored.
		{"q=x&topic=&lang=&article=&page=&size=", search.Request{Q: "x"}},
		{"q=&q=x&lang=&lang=ja", search.Request{Q: "x", Lang: "ja"}},
		{"q=x&lang=en&article=001-c2c3b5d23e0135b4&page=2&size=50",
			search.Request{Q: "x", Lang: "en", Article: "001-c2c3b5d23e0135b4", Page: 2, Size: 50}},
		{"q=x&unknown=1", search.Request{Q: "x"}},
	} {
		t.Run(tc.query, func(t *testing.T) {
			f := &fakeSearcher{}
			h, _ := newHandler(f)
			rec := do(t, h, "GET", "/api/search?"+tc.query)
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200; body %s", rec.Code, rec.Body)
			}
			got := f.requests()
			if len(got) != 1 {
				t.Fatalf("Search called %d times, want 1", len(got))
			}
			if !reflect.DeepEqual(got[0], tc.want) {
				t.Errorf("Search got %#v\nwant %#v", got[0], tc.want)
			}
		})
	}
}

func TestSearchInvalidParams(t *testing.T) {
	long := strings.Repeat("あ", search.MaxQueryRunes+1)
	for _, tc := range []struct {
		query       string
		wantMessage string // a substring
		reaches     bool   // whether the searcher is asked (and refuses)
	}{
		{"q=x&size=0", "size must be between 1 and 50", false},
		{"q=x&size=-3", "size must be between 1 and 50", false},
		{"q=x&size=51", "size must be between 1 and 50", true},
		{"q=x&size=abc", `size must be an integer (got "abc")`, false},
		{"q=x&size=1e3", "size must be an integer", false},
		{"q=x&page=0", "page must be 1 or more", false},
		{"q=x&page=1.5", `page must be an integer (got "1.5")`, false},
		{"q=x&page=99999999999999999999", "page must be an integer", false},
		{"q=x&topic=cancer", `unknown topic "cancer"`, true},
		{"q=x&topic=sleep,cancer", `unknown topic "cancer"`, true},
		{"q=x&lang=fr", "lang must be ja or en", true},
		{"q=" + long, "q must be at most 256 characters (got 257)", true},
		{"q=a&q=b", "q may be given only once", false},
		{"q=x&size=5&size=6", "size may be given only once", false},
		{"q=%ZZ", "malformed query string", false},
		{"q=a;b", "malformed query string", false},
	} {
		t.Run(tc.query[:min(len(tc.query), 40)], func(t *testing.T) {
			f := &fakeSearcher{}
			h, logs := newHandler(f)
			msg := wantError(t, do(t, h, "GET", "/api/search?"+tc.query), http.StatusBadRequest, "invalid_param")
			if !strings.Contains(msg, tc.wantMessage) {
				t.Errorf("message = %q, want it to contain %q", msg, tc.wantMessage)
			}
			if reached := len(f.requests()) > 0; reached != tc.reaches {
				t.Errorf("searcher asked: %v, want %v", reached, tc.reaches)
			}
			if strings.Contains(logs.String(), "internal error") {
				t.Errorf("a caller's mistake was logged as an internal error:\n%s", logs)
			}
		})
	}
}

func TestSearchResult(t *testing.T) {
	// A result with nil lists still comes out with [] everywhere.
	h, _ := newHandler(&fakeSearcher{})
	rec := do(t, h, "GET", "/api/search?q=x")
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	raw := decode[map[string]json.RawMessage](t, rec)
	if got := string(raw["hits"]); got != "[]" {
		t.Errorf("hits = %s, want []", got)
	}
	if got := string(raw["facets"]); got != `{"topic":[],"lang":[]}` {
		t.Errorf("facets = %s, want empty lists", got)
	}

	// A full result is encoded as search.Result says, hits in its order.
	res := &search.Result{
		Query: "NAD+", Total: 44, Page: 2, Size: 2, TookMS: 1.5,
		Hits: []search.Hit{
			{ID: "001-x-6", Article: search.ArticleRef{ID: "001-x", Title: "T"}, Section: "S", Paragraph: 6,
				Lang: "ja", Topics: []string{"depression"}, Score: 0.5, Text: "NAD+ <b>", Highlight: "<mark>NAD+</mark> &lt;b&gt;"},
			{ID: "000-y-3", Article: search.ArticleRef{ID: "000-y"}, Paragraph: 3, Lang: "en", Score: 0.25},
		},
		Facets: search.Facets{
			Topic: []search.FacetValue{{Value: "diabetes", Count: 3}, {Value: "sleep", Count: 1}},
			Lang:  []search.FacetValue{{Value: "ja", Count: 40}, {Value: "en", Count: 4}},
		},
	}
	h, _ = newHandler(&fakeSearcher{res: res})
	rec = do(t, h, "GET", "/api/search?q=NAD%2B&page=2&size=2")
	got := decode[search.Result](t, rec)
	if res.Hits[1].Topics != nil {
		t.Errorf("the handler changed the searcher's result")
	}
	want := *res
	want.Hits = slices.Clone(res.Hits)
	want.Hits[1].Topics = []string{} // null never goes out
	if !reflect.DeepEqual(got, want) {
		t.Errorf("result =\n%#v\nwant\n%#v", got, want)
	}
	// <mark> is sent as is, not as \u003c.
	if !strings.Contains(rec.Body.String(), `"highlight":"<mark>NAD+</mark> &lt;b&gt;"`) {
		t.Errorf("highlight not verbatim in %s", rec.Body)
	}
	if raw := decode[struct{ Hits []map[string]json.RawMessage }](t, rec).Hits; string(raw[1]["topics"]) != "[]" {
		t.Errorf("hits[1].topics = %s, want []", raw[1]["topics"])
	}
}

func TestSearchTimeout(t *testing.T) {
	f := &fakeSearcher{search: func(ctx context.Context, r search.Request) (*search.Result, error) {
		deadline, ok := ctx.Deadline()
		if !ok {
			return nil, errors.New("no deadline on the search context")
		}
		if left := time.Until(deadline); left > server.SearchTimeout || left < server.SearchTimeout-time.Second {
			return nil, fmt.Errorf("deadline in %v, want about %v", left, server.SearchTimeout)
		}
		// What bleve returns when the deadline passes, wrapped as search does.
		return nil, fmt.Errorf("search: %w", context.DeadlineExceeded)
	}}
	h, logs := newHandler(f)
	wantError(t, do(t, h, "GET", "/api/search?q=x"), http.StatusGatewayTimeout, "timeout")
	if strings.Contains(logs.String(), "internal error") {
		t.Errorf("timeout logged as internal error:\n%s", logs)
	}

	f = &fakeSearcher{topics: func(ctx context.Context) ([]search.FacetValue, error) {
		if _, ok := ctx.Deadline(); !ok {
			return nil, errors.New("no deadline on the topics context")
		}
		return nil, context.DeadlineExceeded
	}}
	h, _ = newHandler(f)
	wantError(t, do(t, h, "GET", "/api/topics"), http.StatusGatewayTimeout, "timeout")
}

func TestSearchClientCancel(t *testing.T) {
	f := &fakeSearcher{search: func(ctx context.Context, r search.Request) (*search.Result, error) {
		<-ctx.Done()
		return nil, fmt.Errorf("search: %w", ctx.Err())
	}}
	h, logs := newHandler(f)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the client has gone
	rec := doRequest(t, h, httptest.NewRequest("GET", "/api/search?q=x", nil).WithContext(ctx))
	if rec.Code >= 500 {
		t.Errorf("status = %d for a client cancel, want no 5xx", rec.Code)
	}
	wantError(t, rec, server.StatusClientClosedRequest, "canceled")
	if strings.Contains(logs.String(), "internal error") {
		t.Errorf("client cancel logged as internal error:\n%s", logs)
	}
}

func TestSearchClientCancelOtherError(t *testing.T) {
	// Once the client has gone, whatever the search failed with is not
	// counted as our failure: bleve does not always wrap ctx.Err().
	f := &fakeSearcher{search: func(ctx context.Context, r search.Request) (*search.Result, error) {
		return nil, errors.New("reader closed")
	}}
	h, _ := newHandler(f)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := doRequest(t, h, httptest.NewRequest("GET", "/api/search?q=x", nil).WithContext(ctx))
	wantError(t, rec, server.StatusClientClosedRequest, "canceled")
}

func TestInternalErrorHidden(t *testing.T) {
	secret := "segment /var/lib/secret corrupt"
	f := &fakeSearcher{
		search: func(context.Context, search.Request) (*search.Result, error) { return nil, errors.New(secret) },
		topics: func(context.Context) ([]search.FacetValue, error) {
			return nil, &search.Error{Code: search.CodeInternal, Message: secret}
		},
	}
	for _, target := range []string{"/api/search?q=x", "/api/topics"} {
		h, logs := newHandler(f)
		rec := do(t, h, "GET", target)
		if msg := wantError(t, rec, http.StatusInternalServerError, "internal"); msg != "internal error" {
			t.Errorf("%s: message = %q, want %q", target, msg, "internal error")
		}
		if strings.Contains(rec.Body.String(), "secret") {
			t.Errorf("%s: body leaks the error: %s", target, rec.Body)
		}
		if n := strings.Count(logs.String(), secret); n != 1 {
			t.Errorf("%s: error logged %d times, want once:\n%s", target, n, logs)
		}
	}
}

func TestPanicRecovery(t *testing.T) {
	calls := 0
	f := &fakeSearcher{search: func(context.Context, search.Request) (*search.Result, error) {
		calls++
		if calls == 1 {
			panic("boom")
		}
		return &search.Result{}, nil
	}}
	h, logs := newHandler(f)
	if msg := wantError(t, do(t, h, "GET", "/api/search?q=x"), http.StatusInternalServerError, "internal"); msg != "internal error" {
		t.Errorf("message = %q, want %q", msg, "internal error")
	}
	var panics, accessed int
	for _, l := range logLines(t, logs) {
		switch l["msg"] {
		case "panic":
			panics++
			if l["panic"] != "boom" || !strings.Contains(fmt.Sprint(l["stack"]), "server_test.go") {
				t.Errorf("panic log = %v, want the value and a stack", l)
			}
		case "request":
			accessed++
			if l["status"] != 500.0 {
				t.Errorf("access log status = %v, want 500", l["status"])
			}
		}
	}
	if panics != 1 || accessed != 1 {
		t.Errorf("logged %d panics and %d requests, want 1 and 1:\n%s", panics, accessed, logs)
	}
	// The handler keeps serving.
	if rec := do(t, h, "GET", "/api/search?q=x"); rec.Code != http.StatusOK {
		t.Errorf("after a panic: status = %d, want 200", rec.Code)
	}
}

func TestPanicAbortHandlerPassesThrough(t *testing.T) {
	f := &fakeSearcher{search: func(context.Context, search.Request) (*search.Result, error) {
		panic(http.ErrAbortHandler)
	}}
	h, logs := newHandler(f)
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler to reach net/http", v)
		}
		if !strings.Contains(logs.String(), `"aborted":true`) || strings.Contains(logs.String(), `"msg":"panic"`) {
			t.Errorf("want an access line marked aborted and no panic line:\n%s", logs)
		}
	}()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/search?q=x", nil))
	t.Error("ServeHTTP returned normally")
}

var testArticles = []*search.Article{
	{ID: "000-a", Title: "Trials", URL: "https://example.com/a", Topics: []string{"diabetes"},
		Paragraphs: []search.Paragraph{
			{ID: "000-a-1", Article: "000-a", N: 1, Lang: "en", Section: "Trials", Heading: true, Topics: []string{"diabetes"}, Text: "Trials"},
			{ID: "000-a-2", Article: "000-a", N: 2, Lang: "en", Section: "Trials", Text: "Body"},
		}},
	{ID: "001-b", Title: "睡眠", Topics: []string{"sleep"},
		Paragraphs: []search.Paragraph{{ID: "001-b-1", Article: "001-b", N: 1, Lang: "ja", Topics: []string{"sleep"}, Text: "眠り"}}},
}

func TestArticles(t *testing.T) {
	h, _ := newHandler(&fakeSearcher{articles: testArticles})
	rec := do(t, h, "GET", "/api/articles")
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	type summary struct {
		ID, Title, URL string
		Topics         []string
		Paragraphs     int
	}
	got := decode[struct{ Articles []summary }](t, rec).Articles
	want := []summary{
		{ID: "000-a", Title: "Trials", URL: "https://example.com/a", Topics: []string{"diabetes"}, Paragraphs: 2},
		{ID: "001-b", Title: "睡眠", Topics: []string{"sleep"}, Paragraphs: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("articles = %+v\nwant %+v", got, want)
	}

	h, _ = newHandler(&fakeSearcher{})
	if got := strings.TrimSpace(do(t, h, "GET", "/api/articles").Body.String()); got != `{"articles":[]}` {
		t.Errorf("no articles: body = %s, want {\"articles\":[]}", got)
	}
}

func TestArticle(t *testing.T) {
	h, _ := newHandler(&fakeSearcher{articles: testArticles})
	rec := do(t, h, "GET", "/api/articles/000-a")
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", rec.Code, rec.Body)
	}
	want := `{"id":"000-a","title":"Trials","url":"https://example.com/a","topics":["diabetes"],"paragraphs":[` +
		`{"id":"000-a-1","n":1,"section":"Trials","heading":true,"lang":"en","topics":["diabetes"],"text":"Trials"},` +
		`{"id":"000-a-2","n":2,"section":"Trials","heading":false,"lang":"en","topics":[],"text":"Body"}],"dropped_lines":0}`
	if got := strings.TrimSpace(rec.Body.String()); got != want {
		t.Errorf("body =\n%s\nwant\n%s", got, want)
	}

	msg := wantError(t, do(t, h, "GET", "/api/articles/999-nope"), http.StatusNotFound, "not_found")
	if !strings.Contains(msg, "999-nope") {
		t.Errorf("message = %q, want the id in it", msg)
	}
}

func TestTopics(t *testing.T) {
	h, _ := newHandler(&fakeSearcher{})
	rec := do(t, h, "GET", "/api/topics")
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	want := `{"topics":[{"value":"diabetes","count":17},{"value":"depression","count":49},{"value":"sleep","count":100}]}`
	if got := strings.TrimSpace(rec.Body.String()); got != want {
		t.Errorf("body = %s, want %s", got, want)
	}

	h, _ = newHandler(&fakeSearcher{topics: func(context.Context) ([]search.FacetValue, error) { return nil, nil }})
	if got := strings.TrimSpace(do(t, h, "GET", "/api/topics").Body.String()); got != `{"topics":[]}` {
		t.Errorf("no topics: body = %s, want {\"topics\":[]}", got)
	}
}

func TestNotFound(t *testing.T) {
	h, _ := newHandler(&fakeSearcher{})
	for _, target := range []string{"/nope", "/api", "/api/", "/api/nope", "/api/articles/", "/api/articles/a/b", "/api/search/x",
		"//api/search", "/api/./topics", "/api/articles/../topics"} {
		msg := wantError(t, do(t, h, "GET", target), http.StatusNotFound, "not_found")
		if !strings.Contains(msg, target) {
			t.Errorf("%s: message = %q, want the path in it", target, msg)
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	h, _ := newHandler(&fakeSearcher{articles: testArticles})
	// The read-only API also answers OPTIONS (CORS preflights); the probes
	// do not.
	const api, probe = "GET, HEAD, OPTIONS", "GET, HEAD"
	for _, tc := range []struct{ method, target, allow string }{
		{"POST", "/api/search?q=x", api},
		{"PUT", "/api/articles", api},
		{"DELETE", "/api/articles/000-a", api},
		{"PATCH", "/api/topics", api},
		{"POST", "/api/suggest?q=x", api},
		{"OPTIONS", "/healthz", probe},
		{"POST", "/healthz", probe},
		{"POST", "/readyz", probe},
	} {
		rec := do(t, h, tc.method, tc.target)
		msg := wantError(t, rec, http.StatusMethodNotAllowed, "method_not_allowed")
		if got := rec.Header().Get("Allow"); got != tc.allow {
			t.Errorf("%s %s: Allow = %q, want %q", tc.method, tc.target, got, tc.allow)
		}
		if !strings.Contains(msg, tc.method) {
			t.Errorf("%s %s: message = %q, want the method in it", tc.method, tc.target, msg)
		}
	}
	// A path no route has is a 404 whatever the method.
	wantError(t, do(t, h, "POST", "/api/nope"), http.StatusNotFound, "not_found")
}

func TestHead(t *testing.T) {
	f := &fakeSearcher{articles: testArticles}
	h, _ := newHandler(f)
	for _, target := range []string{"/healthz", "/readyz", "/api/search?q=x", "/api/articles", "/api/articles/000-a", "/api/topics"} {
		if rec := do(t, h, "HEAD", target); rec.Code != http.StatusOK {
			t.Errorf("HEAD %s: status = %d, want 200", target, rec.Code)
		}
	}
	if got := f.requests(); len(got) != 1 || got[0].Q != "x" {
		t.Errorf("HEAD search reached the searcher as %v", got)
	}
}

func TestAccessLog(t *testing.T) {
	h, logs := newHandler(&fakeSearcher{})
	req := httptest.NewRequest("GET", "/api/search?q=private+words", nil)
	req.RemoteAddr = "192.0.2.7:51234"
	doRequest(t, h, req)
	do(t, h, "GET", "/api/search?size=abc")
	do(t, h, "DELETE", "/healthz")
	do(t, h, "GET", "/api/articles/000-a")
	do(t, h, "GET", "/nope")

	var lines []map[string]any
	for _, l := range logLines(t, logs) {
		if l["msg"] == "request" {
			lines = append(lines, l)
		}
	}
	if len(lines) != 5 {
		t.Fatalf("%d access log lines, want 5:\n%s", len(lines), logs)
	}
	for i, want := range []struct {
		method, path, route string
		status              float64
		reason              any // nil: none logged
	}{
		{"GET", "/api/search", "/api/search", 200, nil},
		{"GET", "/api/search", "/api/search", 400, "bad_request"},
		{"DELETE", "/healthz", "/healthz", 405, "method_not_allowed"},
		{"GET", "/api/articles/000-a", "/api/articles/{id}", 404, nil}, // an answer, not a refusal
		{"GET", "/nope", "none", 404, nil},
	} {
		l := lines[i]
		if l["method"] != want.method || l["path"] != want.path || l["status"] != want.status ||
			l["route"] != want.route || l["reason"] != want.reason {
			t.Errorf("line %d = %v, want method %s path %s route %s status %v reason %v",
				i, l, want.method, want.path, want.route, want.status, want.reason)
		}
		if d, ok := l["dur_ms"].(float64); !ok || d < 0 {
			t.Errorf("line %d: dur_ms = %v, want a duration", i, l["dur_ms"])
		}
		if _, ok := l["client"].(string); !ok {
			t.Errorf("line %d: no client", i)
		}
	}
	if lines[0]["client"] != "192.0.2.7" {
		t.Errorf("client = %v, want 192.0.2.7", lines[0]["client"])
	}
	if strings.Contains(logs.String(), "private") {
		t.Errorf("the query string was logged:\n%s", logs)
	}
}

func TestNewHTTPServerLimits(t *testing.T) {
	h := http.NotFoundHandler()
	srv := server.NewHTTPServer("127.0.0.1:0", h)
	if srv.Addr != "127.0.0.1:0" || srv.Handler == nil {
		t.Errorf("Addr = %q, Handler = %v", srv.Addr, srv.Handler)
	}
	for _, tc := range []struct {
		name      string
		got, want time.Duration
	}{
		{"ReadHeaderTimeout", srv.ReadHeaderTimeout, server.ReadHeaderTimeout},
		{"ReadTimeout", srv.ReadTimeout, server.ReadTimeout},
		{"WriteTimeout", srv.WriteTimeout, server.WriteTimeout},
		{"IdleTimeout", srv.IdleTimeout, server.IdleTimeout},
	} {
		if tc.got != tc.want || tc.got <= 0 {
			t.Errorf("%s = %v, want %v (> 0)", tc.name, tc.got, tc.want)
		}
	}
	if srv.MaxHeaderBytes != server.MaxHeaderBytes || server.MaxHeaderBytes <= 0 {
		t.Errorf("MaxHeaderBytes = %d, want %d", srv.MaxHeaderBytes, server.MaxHeaderBytes)
	}
	// A search that times out must still get its 503 out before the write
	// deadline cuts the connection.
	if server.SearchTimeout <= 0 || server.SearchTimeout >= server.WriteTimeout {
		t.Errorf("SearchTimeout = %v, want between 0 and WriteTimeout %v", server.SearchTimeout, server.WriteTimeout)
	}
	if server.ReadHeaderTimeout > server.ReadTimeout {
		t.Errorf("ReadHeaderTimeout %v > ReadTimeout %v", server.ReadHeaderTimeout, server.ReadTimeout)
	}
}

func TestMaxHeaderBytes(t *testing.T) {
	f := &fakeSearcher{}
	h, _ := newHandler(f)
	srv := server.NewHTTPServer("", h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	url := "http://" + ln.Addr().String()

	get := func(target string, header int) int {
		t.Helper()
		req, err := http.NewRequest("GET", url+target, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Pad", strings.Repeat("a", header))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := get("/healthz", server.MaxHeaderBytes/2); got != http.StatusOK {
		t.Errorf("header of MaxHeaderBytes/2: status = %d, want 200", got)
	}
	// net/http allows 4 KiB of slack over MaxHeaderBytes.
	if got := get("/healthz", 2*server.MaxHeaderBytes); got != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("header of 2*MaxHeaderBytes: status = %d, want 431", got)
	}
	// q travels in the request line, which counts too.
	long := "/api/search?q=" + strings.Repeat("a", 2*server.MaxHeaderBytes)
	if got := get(long, 0); got != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("q of 2*MaxHeaderBytes: status = %d, want 431", got)
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("searcher reached %d times by oversized requests", n)
	}
}

func TestNilLogger(t *testing.T) {
	h := server.New(nil, &fakeSearcher{})
	if rec := do(t, h, "GET", "/healthz"); rec.Code != http.StatusOK {
		t.Errorf("status = %d, want 200", rec.Code)
	}
}
