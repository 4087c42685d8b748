package server_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"nmnsearch/index"
	"nmnsearch/search"
	"nmnsearch/server"
)

// The articles of index/testdata.
const (
	trialsArticle     = "000-5f7a80a9702da62d" // English, diabetes
	depressionArticle = "001-c2c3b5d23e0135b4"
	sleepArticle      = "002-d25f1ed27a07bf50"
)

// newAPI serves the real service over index/testdata.
func newAPI(t *testing.T) *httptest.Server {
	t.Helper()
	ix, err := index.Build(os.DirFS("../index/testdata"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	ts := httptest.NewServer(server.New(slog.New(slog.DiscardHandler), search.New(ix, nil)))
	t.Cleanup(ts.Close)
	return ts
}

// get fetches path from ts, checks the common headers, and returns the status
// and body.
func get(t *testing.T, ts *httptest.Server, path string) (int, []byte) {
	t.Helper()
	resp, err := ts.Client().Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Header.Get("Content-Type"); got != "application/json; charset=utf-8" {
		t.Errorf("GET %s: Content-Type = %q", path, got)
	}
	if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("GET %s: X-Content-Type-Options = %q", path, got)
	}
	return resp.StatusCode, body
}

// searchOK runs a search that must succeed; query is a raw query string.
func searchOK(t *testing.T, ts *httptest.Server, query string) search.Result {
	t.Helper()
	status, body := get(t, ts, "/api/search?"+query)
	if status != http.StatusOK {
		t.Fatalf("search %s: status = %d, want 200; body %s", query, status, body)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	if h := string(raw["hits"]); h == "null" || !strings.HasPrefix(h, "[") {
		t.Fatalf("search %s: hits = %.40s, want a list", query, h)
	}
	var res search.Result
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// searchFails runs a search that must be refused with status and code.
func searchFails(t *testing.T, ts *httptest.Server, query string, status int, code string) string {
	t.Helper()
	got, body := get(t, ts, "/api/search?"+query)
	var e errorJSON
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("search %.60s: body %s: %v", query, body, err)
	}
	if got != status || e.Error.Code != code {
		t.Errorf("search %.60s: status %d code %q, want %d %q; body %s", query, got, e.Error.Code, status, code, body)
	}
	return e.Error.Message
}

func facet(values []search.FacetValue, value string) int {
	for _, v := range values {
		if v.Value == value {
			return v.Count
		}
	}
	return -1
}

func TestAPISearchMelatonin(t *testing.T) {
	ts := newAPI(t)
	// Five Japanese paragraphs name メラトニン; the glossary adds the five
	// English ones about melatonin, ranked after them.
	res := searchOK(t, ts, "q="+url.QueryEscape("メラトニン"))
	if res.Total != 10 || len(res.Hits) != 10 {
		t.Fatalf("total %d, %d hits; want 10 and 10", res.Total, len(res.Hits))
	}
	for i, h := range res.Hits {
		if h.Article.ID != sleepArticle {
			t.Errorf("hit %d (%s) is in %s, want the sleep article %s", i, h.ID, h.Article.ID, sleepArticle)
		}
		mark, lang := "<mark>メラトニン</mark>", "ja"
		if i >= 5 {
			mark, lang = "elatonin</mark>", "en"
		}
		if h.Lang != lang || !strings.Contains(h.Highlight, mark) {
			t.Errorf("hit %d (%s) highlight %q, want %s text with %s", i, h.Lang, h.Highlight, lang, mark)
		}
		if i > 0 && h.Score > res.Hits[i-1].Score {
			t.Errorf("hit %d scores %v above hit %d's %v", i, h.Score, i-1, res.Hits[i-1].Score)
		}
	}
}

func TestAPISearchPlus(t *testing.T) {
	ts := newAPI(t)
	for _, tc := range []struct {
		query string
		total uint64
		q     string // the query the service saw
	}{
		{"q=NAD%2B", 44, "NAD+"},
		{"q=NAD", 45, "NAD"},
		{"q=NAD+", 45, "NAD"}, // "+" is a space in a query string
		{"q=" + url.QueryEscape("ＮＡＤ＋"), 44, "NAD+"},
	} {
		res := searchOK(t, ts, tc.query)
		if res.Total != tc.total || res.Query != tc.q {
			t.Errorf("%s: total %d query %q, want %d %q", tc.query, res.Total, res.Query, tc.total, tc.q)
		}
	}
}

func TestAPIFacetsDisjunctive(t *testing.T) {
	ts := newAPI(t)
	q := "q=" + url.QueryEscape("睡眠")
	all := searchOK(t, ts, q)
	dep := searchOK(t, ts, q+"&topic=depression")
	sleep := searchOK(t, ts, q+"&topic=sleep")
	depJA := searchOK(t, ts, q+"&topic=depression&lang=ja")
	if dep.Total == 0 || sleep.Total == 0 || dep.Total == sleep.Total || dep.Total >= all.Total {
		t.Fatalf("totals all %d, depression %d, sleep %d: the data no longer tell facets apart",
			all.Total, dep.Total, sleep.Total)
	}
	for _, h := range dep.Hits {
		if !strings.Contains(strings.Join(h.Topics, ","), "depression") {
			t.Errorf("topic=depression hit %s has topics %v", h.ID, h.Topics)
		}
	}
	// Topic counts ignore the topic filter: each is what choosing that topic
	// instead would give.
	if got := facet(dep.Facets.Topic, "sleep"); got != int(sleep.Total) {
		t.Errorf("with topic=depression, facet sleep = %d, want %d (the total with topic=sleep)", got, sleep.Total)
	}
	if got := facet(dep.Facets.Topic, "depression"); got != int(dep.Total) {
		t.Errorf("facet depression = %d, want %d", got, dep.Total)
	}
	if !equalFacets(dep.Facets.Topic, all.Facets.Topic) {
		t.Errorf("topic facets with topic=depression %v differ from without %v", dep.Facets.Topic, all.Facets.Topic)
	}
	// Lang counts honour the topic filter.
	if ja, en := facet(dep.Facets.Lang, "ja"), facet(dep.Facets.Lang, "en"); ja+en != int(dep.Total) || ja != int(depJA.Total) {
		t.Errorf("with topic=depression, lang facets ja %d en %d, want sum %d and ja %d", ja, en, dep.Total, depJA.Total)
	}
	// And ignore the lang filter.
	if !equalFacets(depJA.Facets.Lang, dep.Facets.Lang) {
		t.Errorf("lang facets with lang=ja %v differ from without %v", depJA.Facets.Lang, dep.Facets.Lang)
	}
	// Comma-separated and repeated topics mean the same OR.
	a := searchOK(t, ts, q+"&topic=depression,sleep")
	b := searchOK(t, ts, q+"&topic=depression&topic=sleep")
	if a.Total != b.Total || a.Total < sleep.Total || a.Total < dep.Total {
		t.Errorf("depression OR sleep: %d and %d, want equal and at least %d, %d", a.Total, b.Total, sleep.Total, dep.Total)
	}
}

func equalFacets(a, b []search.FacetValue) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestAPIFilterOnlyInDocumentOrder(t *testing.T) {
	ts := newAPI(t)
	page1 := searchOK(t, ts, "topic=sleep&size=50")
	page2 := searchOK(t, ts, "topic=sleep&size=50&page=2")
	hits := append(page1.Hits, page2.Hits...)
	if len(page1.Hits) != 50 || len(hits) < 51 {
		t.Fatalf("%d + %d hits, want a full first page and more", len(page1.Hits), len(page2.Hits))
	}
	articles := map[string]bool{}
	for i, h := range hits {
		articles[h.Article.ID] = true
		if i == 0 {
			continue
		}
		prev := hits[i-1]
		if h.Article.ID < prev.Article.ID || h.Article.ID == prev.Article.ID && h.Paragraph <= prev.Paragraph {
			t.Errorf("hit %d %s (paragraph %d) after %s (paragraph %d): not in document order",
				i, h.Article.ID, h.Paragraph, prev.Article.ID, prev.Paragraph)
		}
	}
	if len(articles) < 2 {
		t.Errorf("hits from %d articles, want several to test the order across them", len(articles))
	}

	// The article filter alone: that article, paragraph by paragraph.
	res := searchOK(t, ts, "article="+trialsArticle+"&size=50")
	for i, h := range res.Hits {
		if h.Article.ID != trialsArticle || h.Paragraph != i+1 {
			t.Errorf("hit %d: %s paragraph %d, want %s paragraph %d", i, h.Article.ID, h.Paragraph, trialsArticle, i+1)
		}
	}
}

func TestAPILangFilter(t *testing.T) {
	ts := newAPI(t)
	res := searchOK(t, ts, "q=NAD%2B&lang=en&size=50")
	if res.Total == 0 {
		t.Fatal("no English NAD+ paragraphs")
	}
	for _, h := range res.Hits {
		if h.Lang != "en" {
			t.Errorf("lang=en hit %s has lang %q", h.ID, h.Lang)
		}
	}
}

func TestAPILimits(t *testing.T) {
	ts := newAPI(t)
	searchOK(t, ts, "q="+url.QueryEscape(strings.Repeat("あ", search.MaxQueryRunes)))
	msg := searchFails(t, ts, "q="+url.QueryEscape(strings.Repeat("あ", search.MaxQueryRunes+1)), 400, "invalid_param")
	if !strings.Contains(msg, "256") {
		t.Errorf("message %q does not name the limit", msg)
	}
	if res := searchOK(t, ts, "q=NAD&size=50"); len(res.Hits) != 45 || res.Size != 50 {
		t.Errorf("size=50: %d hits, size %d; want 45, 50", len(res.Hits), res.Size)
	}
	for _, query := range []string{"q=NAD&size=51", "q=NAD&size=0", "q=NAD&size=abc", "q=NAD&page=0",
		"q=NAD&page=-1", "q=NAD&topic=cancer", "q=NAD&lang=fr", "q=NAD&article=nope", "", "q=&topic="} {
		searchFails(t, ts, query, 400, "invalid_param")
	}
	if res := searchOK(t, ts, "q=NAD&size=10&page=5"); len(res.Hits) != 5 || res.Page != 5 {
		t.Errorf("page 5 of 45: %d hits, page %d; want 5, 5", len(res.Hits), res.Page)
	}
	if res := searchOK(t, ts, "q=NAD&size=10&page=6"); len(res.Hits) != 0 || res.Total != 45 {
		t.Errorf("page 6 of 45: %d hits of %d; want 0 of 45", len(res.Hits), res.Total)
	}
}

func TestAPIChromeAndSymbols(t *testing.T) {
	ts := newAPI(t)
	// Site chrome (phone, LINE button, address) is not article text.
	for _, q := range []string{"06-6375-5888", "LINE", "〒531-0072"} {
		if res := searchOK(t, ts, "q="+url.QueryEscape(q)); res.Total != 0 || len(res.Hits) != 0 {
			t.Errorf("q=%s: total %d, want 0 (chrome)", q, res.Total)
		}
	}
	for _, q := range []string{"*", "+", "-", `"`} {
		if res := searchOK(t, ts, "q="+url.QueryEscape(q)); res.Total != 0 || len(res.Hits) != 0 {
			t.Errorf("q=%s: total %d, want 0", q, res.Total)
		}
	}
}

func TestAPIArticles(t *testing.T) {
	ts := newAPI(t)
	status, body := get(t, ts, "/api/articles")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	var list struct {
		Articles []struct {
			ID, Title  string
			Topics     []string
			Paragraphs int
		}
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	var ids []string
	counts := map[string]int{}
	for _, a := range list.Articles {
		ids = append(ids, a.ID)
		counts[a.ID] = a.Paragraphs
		if a.Title == "" || a.Paragraphs == 0 || len(a.Topics) == 0 {
			t.Errorf("article %+v lacks title, paragraphs or topics", a)
		}
	}
	if got, want := strings.Join(ids, " "), trialsArticle+" "+depressionArticle+" "+sleepArticle; got != want {
		t.Errorf("articles %s, want %s", got, want)
	}

	status, body = get(t, ts, "/api/articles/"+depressionArticle)
	if status != http.StatusOK {
		t.Fatalf("article: status %d; body %s", status, body)
	}
	var a struct {
		ID, Title  string
		Topics     []string
		Paragraphs []struct {
			ID, Section, Lang, Text string
			N                       int
			Heading                 bool
			Topics                  []string
		}
	}
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatal(err)
	}
	if a.ID != depressionArticle || !strings.Contains(a.Title, "うつ") || len(a.Paragraphs) != counts[a.ID] {
		t.Errorf("article %s %q with %d paragraphs, want %s, a title on depression, %d paragraphs",
			a.ID, a.Title, len(a.Paragraphs), depressionArticle, counts[depressionArticle])
	}
	for i, p := range a.Paragraphs {
		if p.N != i+1 || p.ID == "" || p.Text == "" || (p.Lang != "ja" && p.Lang != "en") || p.Topics == nil {
			t.Errorf("paragraph %d = %+v", i, p)
		}
	}
	if len(a.Paragraphs) > 0 && !a.Paragraphs[0].Heading {
		t.Errorf("first paragraph is not the title heading: %+v", a.Paragraphs[0])
	}

	status, _ = get(t, ts, "/api/articles/999-nope")
	if status != http.StatusNotFound {
		t.Errorf("unknown article: status %d, want 404", status)
	}
}

func TestAPITopicsAndProbes(t *testing.T) {
	ts := newAPI(t)
	status, body := get(t, ts, "/api/topics")
	var topics struct{ Topics []search.FacetValue }
	if err := json.Unmarshal(body, &topics); status != http.StatusOK || err != nil {
		t.Fatalf("topics: status %d, %v", status, err)
	}
	var names []string
	for _, v := range topics.Topics {
		names = append(names, v.Value)
		if v.Count <= 0 {
			t.Errorf("topic %s has %d paragraphs", v.Value, v.Count)
		}
		// Labels come from the topics file, for the widget's chips.
		if v.Label.JA == "" || v.Label.EN == "" {
			t.Errorf("topic %s has labels %+v", v.Value, v.Label)
		}
	}
	if got := strings.Join(names, " "); got != "diabetes depression sleep" {
		t.Errorf("topics %s, want diabetes depression sleep", got)
	}
	for path, want := range map[string]string{"/healthz": `{"status":"ok"}`, "/readyz": `{"status":"ready"}`} {
		if status, body := get(t, ts, path); status != http.StatusOK || strings.TrimSpace(string(body)) != want {
			t.Errorf("%s: %d %s, want 200 %s", path, status, body, want)
		}
	}
}

func TestAPISuggest(t *testing.T) {
	ts := newAPI(t)
	for _, tt := range []struct {
		q, first string
		status   int
	}{
		{"mela", "melatonin", 200},
		{"%E3%83%A1%E3%83%A9", "メラトニン", 200}, // メラ
		{"%EF%BE%92%EF%BE%97", "メラトニン", 200}, // ﾒﾗ, half-width: echoed folded, as search does
		{"", "", 400},
	} {
		status, body := get(t, ts, "/api/suggest?q="+tt.q)
		if status != tt.status {
			t.Fatalf("suggest %q: status %d, want %d: %s", tt.q, status, tt.status, body)
		}
		if tt.status != 200 {
			continue
		}
		var out struct {
			Query       string `json:"query"`
			Suggestions []struct {
				Text       string `json:"text"`
				Paragraphs int    `json:"paragraphs"`
			} `json:"suggestions"`
		}
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatal(err)
		}
		if q, _ := url.QueryUnescape(tt.q); out.Query != search.Normalize(q) || (tt.first == "メラトニン" && out.Query != "メラ") {
			t.Errorf("suggest %q echoes query %q", tt.q, out.Query)
		}
		if len(out.Suggestions) == 0 || out.Suggestions[0].Text != tt.first {
			t.Errorf("suggest %q = %+v, want %s first", tt.q, out.Suggestions, tt.first)
		}
	}
}
