package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"nmnsearch/search"
	"nmnsearch/server"
	"nmnsearch/server/web"
)

// wantPage checks the headers every HTML page carries and returns its body.
func wantPage(t *testing.T, rec interface {
	Result() *http.Response
}, status int) string {
	t.Helper()
	resp := rec.Result()
	body, _ := io.ReadAll(resp.Body)
	want := map[string]string{
		"Content-Type":            "text/html; charset=utf-8",
		"Content-Security-Policy": server.PageCSP,
		"Referrer-Policy":         "no-referrer",
		"X-Content-Type-Options":  "nosniff",
		"Cache-Control":           "private, no-cache", // the address may hold a health query
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if resp.StatusCode != status {
		t.Errorf("status %d, want %d; body %.300s", resp.StatusCode, status, body)
	}
	// Nothing inline that the CSP would block: scripts come from files,
	// there is no style element or attribute and no event handler.
	for _, m := range regexp.MustCompile(`<script[^>]*>`).FindAllString(string(body), -1) {
		if !strings.Contains(m, ` src="`) {
			t.Errorf("inline script %s", m)
		}
	}
	for _, tag := range regexp.MustCompile(`<[a-zA-Z][^>]*>`).FindAllString(string(body), -1) {
		if regexp.MustCompile(`(?i)^<style|\sstyle=|\son[a-z]+=`).MatchString(tag) {
			t.Errorf("inline style or handler in %s", tag)
		}
	}
	return string(body)
}

// assetPaths are the /static/ paths a page names.
var assetPathRE = regexp.MustCompile(`"(/static/[^"]+)"`)

func TestSearchPage(t *testing.T) {
	h, _ := newHandler(&fakeSearcher{articles: []*search.Article{markupArticle, bilingualArticle}})
	rec := request(t, h, "GET", "/", nil)
	body := wantPage(t, rec, http.StatusOK)
	if got := rec.Header().Get("Vary"); got != "Accept-Language" {
		t.Errorf("Vary = %q, want Accept-Language: the page's language is the browser's", got)
	}
	for _, want := range []string{
		`<html lang="ja">`,
		`<script type="module" src="/widget.js"></script>`,
		"<nmn-search></nmn-search>",
		// Example queries, each a search for its words.
		`<a href="/?q=%e3%83%a1%e3%83%a9%e3%83%88%e3%83%8b%e3%83%b3">メラトニン</a>`,
		`<a href="/?q=NAD%2b">NAD&#43;</a>`,
		// The topics, which page.js fills from /api/topics.
		`<section id="topics" class="topics" hidden>`,
		// Every article, titled in the reader's language where it has one.
		`<a href="/articles/900-x" lang="en">Markup &lt;b&gt;test&lt;/b&gt;</a>`,
		`<a href="/articles/901-bi" lang="ja">睡眠の記事</a>`,
		`<a href="/embed">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("search page lacks %s\n%s", want, body)
		}
	}
	if strings.Contains(body, "snippet") {
		t.Error("the search page holds the embed guide's snippet; it is on /embed")
	}
	// Every file the page names is served.
	paths := assetPathRE.FindAllStringSubmatch(body, -1)
	if len(paths) < 3 {
		t.Errorf("page names %d static files, want the icon, the stylesheet and the script", len(paths))
	}
	for _, m := range paths {
		if rec := request(t, h, "GET", m[1], nil); rec.Code != http.StatusOK {
			t.Errorf("GET %s: %d", m[1], rec.Code)
		}
	}

	// The query is handed to the box as an attribute, escaped.
	body = wantPage(t, request(t, h, "GET", `/?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E`, nil), http.StatusOK)
	if !strings.Contains(body, `<nmn-search q="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">`) || strings.Contains(body, "<script>alert") {
		t.Errorf("q not escaped into the attribute:\n%s", body)
	}
	// Topics alone list their articles: an empty query, the topics chosen.
	body = wantPage(t, request(t, h, "GET", "/?topic=sleep&topic=diabetes,%20depression", nil), http.StatusOK)
	if !strings.Contains(body, `<nmn-search q="" topics="sleep,diabetes,depression">`) {
		t.Errorf("?topic= not handed to the box:\n%s", body)
	}
	// An English browser gets the English page, and so the English box.
	body = wantPage(t, request(t, h, "GET", "/", map[string]string{"Accept-Language": "en-GB,en;q=0.9,ja;q=0.5"}), http.StatusOK)
	for _, want := range []string{`<html lang="en">`, `<a href="/?q=melatonin">melatonin</a>`, `<a href="/articles/901-bi" lang="en">The sleep article</a>`} {
		if !strings.Contains(body, want) {
			t.Errorf("Accept-Language en: the page lacks %s", want)
		}
	}
	// A bad address says so in the reader's language; in English with the
	// API's message.
	body = wantPage(t, request(t, h, "GET", "/?q=a&q=b", nil), http.StatusBadRequest)
	if !strings.Contains(body, "アドレスが正しくありません") || strings.Contains(body, "q may be given only once") {
		t.Errorf("bad query, Japanese page:\n%s", body)
	}
	body = wantPage(t, request(t, h, "GET", "/?q=a&q=b", map[string]string{"Accept-Language": "en"}), http.StatusBadRequest)
	if !strings.Contains(body, "This address is not right") || !strings.Contains(body, "q may be given only once") {
		t.Errorf("bad query, English page:\n%s", body)
	}
}

// TestEmbedPage: the guide for site owners, with the snippet to copy, in
// the reader's language.
func TestEmbedPage(t *testing.T) {
	h, _ := newHandler(&fakeSearcher{})
	for lang, heading := range map[string]string{"ja": "この検索ボックスをあなたのサイトに設置する", "en": "Put this search box on your site"} {
		rec := request(t, h, "GET", "/embed", map[string]string{"Accept-Language": lang})
		body := wantPage(t, rec, http.StatusOK)
		for _, want := range []string{
			`<html lang="` + lang + `">`,
			"<h1>" + heading + "</h1>",
			// The snippet to copy, escaped as text; page.js writes this
			// service's address into it (TestBrowserEmbedPage).
			`&lt;script type="module" src="<span id="widget-url">/widget.js</span>"&gt;&lt;/script&gt;`,
			`&lt;nmn-search lang="` + lang + `"&gt;&lt;/nmn-search&gt;`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the guide lacks %s", lang, want)
			}
		}
		if strings.Contains(body, "example.com") {
			t.Error("the page repeats the Host header, which names this service only as the client pleases")
		}
		if got := rec.Header().Get("Vary"); got != "Accept-Language" {
			t.Errorf("Vary = %q", got)
		}
	}
}

// bilingualArticle has a title in each of its languages.
var bilingualArticle = &search.Article{ID: "901-bi", Title: "睡眠の記事",
	Titles: map[string]string{"ja": "睡眠の記事", "en": "The sleep article"}, URL: "https://clinic.example/sleep",
	Paragraphs: []search.Paragraph{
		{ID: "901-bi-1", Article: "901-bi", N: 1, Lang: "ja", Heading: true, Text: "睡眠の記事"},
		{ID: "901-bi-2", Article: "901-bi", N: 2, Lang: "ja", Text: "よく眠る。"},
		{ID: "901-bi-3", Article: "901-bi", N: 3, Lang: "en", Heading: true, Text: "The sleep article"},
	}}

// markupArticle holds text that would be markup if it were not escaped.
var markupArticle = &search.Article{ID: "900-x", Title: "Markup <b>test</b>", Paragraphs: []search.Paragraph{
	{ID: "900-x-1", Article: "900-x", N: 1, Lang: "en", Heading: true, Text: "Markup <b>test</b>"},
	{ID: "900-x-2", Article: "900-x", N: 2, Lang: "en", Text: `Text <script>alert(1)</script> & <img src=x onerror="alert(2)"> zebra`},
	{ID: "900-x-3", Article: "900-x", N: 3, Lang: "ja", Heading: true, Text: "見出し"},
	{ID: "900-x-4", Article: "900-x", N: 4, Lang: "ja", Text: "ゼブラ zebra と zebra"},
}}

func TestArticlePage(t *testing.T) {
	h, _ := newHandler(&fakeSearcher{articles: []*search.Article{markupArticle, bilingualArticle}})
	body := wantPage(t, request(t, h, "GET", "/articles/900-x?q=zebra", nil), http.StatusOK)
	for _, want := range []string{
		`<title>Markup &lt;b&gt;test&lt;/b&gt;</title>`,
		`<h1 id="p-1" lang="en">Markup &lt;b&gt;test&lt;/b&gt;</h1>`,
		`<p id="p-2" lang="en">Text &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=&#34;alert(2)&#34;&gt; <mark>zebra</mark></p>`,
		`<h2 id="p-3" lang="ja">見出し</h2>`,
		`<p id="p-4" lang="ja">ゼブラ <mark>zebra</mark> と <mark>zebra</mark></p>`,
		// The page's own words are the reader's; the article keeps its own.
		`<html lang="ja">`,
		`<article lang="ja">`, // two paragraphs of each: ja, as most readers
		`<a class="back" href="/?q=zebra">← 「zebra」の検索結果に戻る</a>`,
		`<script type="module" src="/widget.js"></script>`,
		`<nmn-search></nmn-search>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("article page lacks %s\n%s", want, body)
		}
	}
	if strings.Contains(body, `class="original"`) {
		t.Errorf("a link to an original article whose address is not known:\n%s", body)
	}
	// Without q nothing is marked and the way back is the bare search page.
	body = wantPage(t, request(t, h, "GET", "/articles/900-x", map[string]string{"Accept-Language": "en"}), http.StatusOK)
	if strings.Contains(body, "<mark>") || !strings.Contains(body, `<a class="back" href="/">← Article search</a>`) {
		t.Errorf("article without q:\n%s", body)
	}
	// An article whose original is known links to it; its title is the
	// reader's language's.
	body = wantPage(t, request(t, h, "GET", "/articles/901-bi?q=sleep", map[string]string{"Accept-Language": "en"}), http.StatusOK)
	for _, want := range []string{
		`<title>The sleep article</title>`,
		`<a class="back" href="/?q=sleep">← Back to the results for “sleep”</a>`,
		`<a class="original" href="https://clinic.example/sleep" rel="noopener">Read the original article ↗</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("bilingual article lacks %s\n%s", want, body)
		}
	}

	body = wantPage(t, request(t, h, "GET", "/articles/999-nope", nil), http.StatusNotFound)
	if !strings.Contains(body, "ページが見つかりません") || strings.Contains(body, "no article") {
		t.Errorf("404 page, Japanese:\n%s", body)
	}
	body = wantPage(t, request(t, h, "GET", "/articles/999-nope", map[string]string{"Accept-Language": "en"}), http.StatusNotFound)
	if !strings.Contains(body, "Page not found") || !strings.Contains(body, `no article &#34;999-nope&#34;`) {
		t.Errorf("404 page, English:\n%s", body)
	}
}

func TestArticlePageMarkErrors(t *testing.T) {
	// A failed marking leaves the article readable, unmarked; only what is
	// not the caller's fault is logged.
	for _, tc := range []struct {
		err    error
		logged bool
	}{
		{&search.Error{Code: search.CodeInvalid, Message: "q too long"}, false},
		{&search.Error{Code: search.CodeNotFound, Message: "no article"}, false}, // deleted meanwhile
		{context.DeadlineExceeded, true},
		{errors.New("index broken"), true},
	} {
		f := &fakeSearcher{articles: []*search.Article{markupArticle},
			marks: func(context.Context, string, string) (*search.Article, [][]search.Mark, error) {
				return nil, nil, tc.err
			}}
		h, logs := newHandler(f)
		body := wantPage(t, request(t, h, "GET", "/articles/900-x?q=zebra", nil), http.StatusOK)
		if strings.Contains(body, "<mark>") || !strings.Contains(body, "ゼブラ zebra と zebra") {
			t.Errorf("%v: page\n%s", tc.err, body)
		}
		if got := strings.Contains(logs.String(), "article marks"); got != tc.logged {
			t.Errorf("%v: logged %v, want %v:\n%s", tc.err, got, tc.logged, logs)
		}
	}
	// Marks out of range or order are dropped, not a panic.
	f := &fakeSearcher{articles: []*search.Article{markupArticle},
		marks: func(context.Context, string, string) (*search.Article, [][]search.Mark, error) {
			return nil, [][]search.Mark{{{Start: 3, End: 99}}, {{Start: 5, End: 9}, {Start: 0, End: 4}, {Start: 7, End: 7}}}, nil
		}}
	h, _ := newHandler(f)
	body := wantPage(t, request(t, h, "GET", "/articles/900-x?q=x", nil), http.StatusOK)
	if !strings.Contains(body, `<p id="p-2" lang="en">Text <mark>&lt;scr</mark>ipt&gt;`) {
		t.Errorf("bad marks:\n%s", body)
	}
}

// The page shows the version of the article its marks were found in: a
// write may replace the article between the page's look-up and the
// marking, and marks are offsets into one version's text.
func TestArticlePageShowsTheVersionMarked(t *testing.T) {
	newer := &search.Article{ID: markupArticle.ID, Title: "Newer", Paragraphs: []search.Paragraph{
		{ID: markupArticle.ID + "-1", Article: markupArticle.ID, N: 1, Lang: "en", Text: "The newer zebra text."},
	}}
	f := &fakeSearcher{articles: []*search.Article{markupArticle},
		marks: func(context.Context, string, string) (*search.Article, [][]search.Mark, error) {
			return newer, [][]search.Mark{{{Start: 10, End: 15}}}, nil
		}}
	h, _ := newHandler(f)
	body := wantPage(t, request(t, h, "GET", "/articles/900-x?q=zebra", nil), http.StatusOK)
	if !strings.Contains(body, `The newer <mark>zebra</mark> text.`) || strings.Contains(body, "ゼブラ zebra と zebra") {
		t.Errorf("the page does not show the version marked:\n%s", body)
	}
}

func TestWidgetEntryAndStatic(t *testing.T) {
	h, _ := newHandler(&fakeSearcher{})
	rec := request(t, h, "GET", "/widget.js", map[string]string{"Origin": "https://clinic.example"})
	entry := rec.Body.String()
	hd := rec.Header()
	if rec.Code != 200 || hd.Get("Content-Type") != "text/javascript; charset=utf-8" ||
		hd.Get("Cache-Control") != "public, max-age=300" || hd.Get("ETag") == "" ||
		hd.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("GET /widget.js: %d %v", rec.Code, hd)
	}
	m := regexp.MustCompile(`^export \* from "\.(/static/nmn-search\.[0-9a-f]{12}\.js)";\n$`).FindStringSubmatch(entry)
	if m == nil {
		t.Fatalf("/widget.js = %q, want a re-export of the hashed module", entry)
	}
	module := m[1]
	// The entry point is revalidated, not downloaded again.
	if rec := request(t, h, "GET", "/widget.js", map[string]string{"If-None-Match": hd.Get("ETag")}); rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match on /widget.js: %d, want 304", rec.Code)
	}

	want, err := fs.ReadFile(web.Static, "static/nmn-search.js")
	if err != nil {
		t.Fatal(err)
	}
	rec = request(t, h, "GET", module, map[string]string{"Origin": "https://clinic.example"})
	hd = rec.Header()
	if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), want) ||
		hd.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
		hd.Get("Access-Control-Allow-Origin") != "*" || hd.Get("Content-Encoding") != "" ||
		hd.Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Errorf("GET %s: %d %v, %d bytes", module, rec.Code, hd, rec.Body.Len())
	}
	etag := hd.Get("ETag")
	if rec := request(t, h, "GET", module, map[string]string{"If-None-Match": etag}); rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", rec.Code)
	}

	// Compressed for clients that take gzip, with its own validator.
	rec = request(t, h, "GET", module, map[string]string{"Accept-Encoding": "br, gzip;q=0.8"})
	if rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("ETag") == etag ||
		!contains(rec.Header().Values("Vary"), "Accept-Encoding") {
		t.Fatalf("gzip: %v", rec.Header())
	}
	gzipped := rec.Body.Len()
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("gzip body does not inflate to the module (%v)", err)
	}
	t.Logf("%s: %d bytes, %d gzipped", module, len(want), gzipped)
	if rec := request(t, h, "GET", module, map[string]string{"Accept-Encoding": "gzip;q=0, identity"}); rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 was answered with gzip")
	}

	// A hash that is not today's is not found (as JSON, like any unknown path).
	for _, stale := range []string{"/static/nmn-search.000000000000.js", "/static/nmn-search.js", "/static/"} {
		if rec := request(t, h, "GET", stale, nil); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", stale, rec.Code)
		}
	}
	// Ranges are ignored, even one that cannot be satisfied: the whole file.
	for _, rng := range []string{"bytes=0-9", "bytes=999999-"} {
		rec := request(t, h, "GET", module, map[string]string{"Range": rng, "If-Range": etag})
		if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), want) || rec.Header().Get("Content-Range") != "" ||
			rec.Header().Get("Content-Type") != "text/javascript; charset=utf-8" {
			t.Errorf("Range %s: %d %v, %d bytes; want 200 and the whole file", rng, rec.Code, rec.Header(), rec.Body.Len())
		}
	}
	if rec := request(t, h, "HEAD", module, nil); rec.Code != 200 || rec.Body.Len() != 0 {
		t.Errorf("HEAD %s: %d with %d bytes", module, rec.Code, rec.Body.Len())
	}
}
