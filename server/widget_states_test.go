package server_test

// Browser tests of what the box says besides hits: one entry per article,
// searching, errors in the reader's language, what to try when nothing
// matches, and the keyboard hints. The harness is browser_test.go.

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nmnsearch/server/web"
)

// searchingAfter is SEARCHING_MS of nmn-search.js: a search that has taken
// this long says so.
const searchingAfter = 300 * time.Millisecond

// TestBrowserOneEntryPerArticle: the box asks for one entry per article and
// shows each article's title once, in its paragraphs' language, then its
// best paragraphs with their section and marks, each linking to itself;
// the status counts articles and paragraphs.
func TestBrowserOneEntryPerArticle(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hostPage{Attrs: `lang="en"`})
	tb := newTab(t)
	tb.open(e.host.URL)
	tb.typeQuery("NAD+")
	res := e.api(t, "q=NAD%2B")
	if len(res.Groups) < 2 || res.Articles != len(res.Groups) {
		t.Fatalf("NAD+ finds %d articles in %d groups: the corpus no longer tests grouping", res.Articles, len(res.Groups))
	}
	s := tb.waitState("entries for NAD+", func(s widgetState) bool { return len(s.Entries) == len(res.Groups) })
	if s.Status != statusEN(res, len(res.Groups)) {
		t.Errorf("status %q, want %q", s.Status, statusEN(res, len(res.Groups)))
	}
	if want := fmt.Sprintf("%d articles, %d paragraphs", res.Articles, res.Total); s.Status != want {
		t.Errorf("status %q, want %q", s.Status, want)
	}
	hit := 0
	for i, g := range res.Groups {
		entry := s.Entries[i]
		if entry.Title != g.Article.Title || entry.Lang != g.Hits[0].Lang || entry.Hits != len(g.Hits) {
			t.Errorf("entry %d: %+v, want the title %q in %s over %d paragraphs", i, entry, g.Article.Title, g.Hits[0].Lang, len(g.Hits))
		}
		if u, err := url.Parse(entry.Href); err != nil || u.Path != "/articles/"+g.Article.ID || u.Query().Get("q") != "NAD+" || u.Fragment != "" {
			t.Errorf("entry %d's title links to %s, want the top of its article with the query", i, entry.Href)
		}
		for _, h := range g.Hits {
			shown := s.Hits[hit]
			hit++
			wantSection := h.Section
			if wantSection == g.Article.Title || wantSection == h.Text {
				wantSection = ""
			}
			if shown.Section != wantSection || shown.Title != g.Article.Title || len(shown.Marks) == 0 || shown.Marks[0] != "NAD+" {
				t.Errorf("hit %s: %+v, want section %q and NAD+ marked", h.ID, shown, wantSection)
			}
		}
	}
	if got, want := hitKeys(t, s.Hits), apiKeys(res); !slices.Equal(got, want) {
		t.Errorf("hits %q, want %q", got, want)
	}
	e.proxy.mu.Lock()
	defer e.proxy.mu.Unlock()
	for _, v := range e.proxy.searches {
		if v.Get("group") != "article" {
			t.Errorf("a search without group=article: %v", v)
		}
	}
}

// TestBrowserSearching: a search that has taken SEARCHING_MS says so (and
// not before), and the answer replaces it. The answer is held by the proxy
// until the state is seen.
func TestBrowserSearching(t *testing.T) {
	t.Parallel()
	src, err := fs.ReadFile(web.Static, "static/nmn-search.js")
	if err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(`(?m)^const SEARCHING_MS = (\d+);`).FindSubmatch(src); m == nil || string(m[1]) != fmt.Sprint(searchingAfter.Milliseconds()) {
		t.Fatalf("nmn-search.js has no const SEARCHING_MS = %d;", searchingAfter.Milliseconds())
	}
	e := newEnv(t, hostPage{})
	tb := newTab(t)
	release := e.proxy.hold("メラトニン")
	defer release()
	tb.open(e.host.URL)
	// The page notes when the query was typed and when the box first said
	// it was searching.
	eval[chromedp.Void](tb, boxJS+`window.__searchingAt = 0;
		input.addEventListener("input", () => { window.__inputAt = performance.now(); });
		const status = root.querySelector("[role=status]");
		new MutationObserver(() => {
			if (!window.__searchingAt && status.textContent === "検索中…") window.__searchingAt = performance.now();
		}).observe(status, {childList: true, characterData: true, subtree: true});`)
	tb.typeQuery("メラトニン")
	s := tb.waitState("the searching state", func(s widgetState) bool { return s.Status == "検索中…" })
	if !s.Busy || s.StatusError {
		t.Errorf("searching: %s", s)
	}
	after := time.Duration(eval[float64](tb, `window.__searchingAt - window.__inputAt`) * float64(time.Millisecond))
	if after < debounce+searchingAfter {
		t.Errorf("the box said it was searching %v after the input, want at least the %v debounce and %v", after, debounce, searchingAfter)
	}
	release()
	res := e.api(t, "q="+url.QueryEscape("メラトニン"))
	s = tb.waitState("the answer", func(s widgetState) bool { return len(s.Hits) > 0 })
	if s.Status != statusJA(res, len(res.Groups)) || s.Busy {
		t.Errorf("after the answer: status %q (busy %v), want %q", s.Status, s.Busy, statusJA(res, len(res.Groups)))
	}
}

// TestBrowserErrorsInJapanese: on a Japanese page, each error of the API,
// and no answer at all, says in Japanese what happened and what to do,
// never the API's English message; the hits and the counts of the query
// before are gone; the box offers to try again, and recovers with the
// service.
func TestBrowserErrorsInJapanese(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hostPage{})
	tb := newTab(t)
	tb.allowConsole("status of", "net::ERR_EMPTY_RESPONSE")
	tb.open(e.host.URL)
	tb.typeQuery("睡眠")
	before := tb.waitState("hits for 睡眠", func(s widgetState) bool { return len(s.Hits) > 0 })
	if before.chip("sleep").Count <= 0 {
		t.Fatalf("no counts to clear: %s", before)
	}

	for i, tc := range []struct {
		fail apiFailure
		want string
	}{
		{apiFailure{http.StatusBadRequest, "invalid_param"}, "この検索語では検索できません(長すぎるか、語が多すぎます)。短くしてもう一度お試しください。"},
		{apiFailure{http.StatusTooManyRequests, "rate_limited"}, "短い間に検索が多すぎました。少し待ってからもう一度お試しください。"},
		{apiFailure{http.StatusServiceUnavailable, "overloaded"}, "検索サービスが混み合っています。少し待ってからもう一度お試しください。"},
		{apiFailure{http.StatusServiceUnavailable, "not_ready"}, "検索サービスを準備しています。しばらくしてからもう一度お試しください。"},
		{apiFailure{http.StatusGatewayTimeout, "timeout"}, "検索に時間がかかりすぎました。語を減らすか、もう一度お試しください。"},
		{apiFailure{http.StatusInternalServerError, "internal"}, "検索サービスでエラーが起きました。しばらくしてからもう一度お試しください。"},
		{apiFailure{0, "network"}, "検索サービスに接続できません。接続を確かめて、もう一度お試しください。"},
	} {
		e.proxy.setFail(&tc.fail)
		q := fmt.Sprintf("睡眠 %d", i) // a new query each time: a search goes out
		tb.typeQuery(q)
		e.proxy.waitSearch(t, q)
		s := tb.waitState(tc.fail.code, func(s widgetState) bool { return s.StatusError && !s.Busy })
		if s.Status != tc.want || regexp.MustCompile(`[A-Za-z]{3,}`).MatchString(s.Status) {
			t.Errorf("%s: the box says %q, want %q", tc.fail.code, s.Status, tc.want)
		}
		if len(s.Hits) != 0 || !s.PanelVisible {
			t.Errorf("%s: %d hits shown, panel visible %v", tc.fail.code, len(s.Hits), s.PanelVisible)
		}
		for _, c := range append(s.Chips, s.Langs...) {
			if c.Count != -1 {
				t.Errorf("%s: %q still shows the count %d of the query before", tc.fail.code, c.Name, c.Count)
			}
		}
		// Trying again helps unless the query itself was refused.
		if retry := strings.Contains(s.Note, "もう一度試す"); retry != (tc.fail.code != "invalid_param") {
			t.Errorf("%s: note %q", tc.fail.code, s.Note)
		}
	}

	e.proxy.setFail(nil)
	tb.click(".note .link")
	res := e.api(t, "q="+url.QueryEscape("睡眠 6"))
	s := tb.waitState("hits again", func(s widgetState) bool { return len(s.Hits) > 0 })
	if s.Status != statusJA(res, len(res.Groups)) || s.StatusError || s.chip("sleep").Count != facet(res.Facets.Topic, "sleep") {
		t.Errorf("after trying again: %s", s)
	}
}

// TestBrowserNothingFound: when nothing matches, the box says so and offers
// what to try: the service's did-you-mean, which searches it; the topics
// with their counts, each of which lists its articles; and no filters that
// would all find nothing.
func TestBrowserNothingFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hostPage{})
	tb := newTab(t)
	tb.open(e.host.URL)
	topics, err := testService(t).Topics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n := e.api(t, "q="+url.QueryEscape("ビタミンD")).Total; n != 0 {
		t.Fatalf("ビタミンD finds %d paragraphs; the test needs a query that finds none", n)
	}
	tb.typeQuery("ビタミンD")
	s := tb.waitState("nothing found, and the topics", func(s widgetState) bool { return len(s.Browse) > 0 })
	if s.Status != "「ビタミンD」に一致する記事はありません" || len(s.Hits) != 0 || !s.PanelVisible || s.FiltersVisible || s.DidYouMean != "" {
		t.Errorf("nothing found: %s", s)
	}
	if !strings.Contains(s.Note, "トピックから探す") || len(s.Browse) != len(topics) {
		t.Errorf("the note %q offers %d topics, want the %d topics", s.Note, len(s.Browse), len(topics))
	}
	for i, f := range topics {
		if b := s.Browse[i]; b.Value != f.Value || b.Name != f.Label.JA || b.Count != f.Articles {
			t.Errorf("topic %d offered: %+v, want %s named %q with %d articles", i, b, f.Value, f.Label.JA, f.Articles)
		}
	}

	// A typo: the service's own word, one click away.
	tb.typeQuery("メラトニソ")
	s = tb.waitState("did you mean", func(s widgetState) bool { return s.DidYouMean != "" })
	if s.DidYouMean != "メラトニン" || !strings.Contains(s.Note, "もしかして") {
		t.Errorf("did you mean: %q in %q", s.DidYouMean, s.Note)
	}
	tb.click(".note .dym")
	res := e.api(t, "q="+url.QueryEscape("メラトニン"))
	s = tb.waitState("hits for メラトニン", func(s widgetState) bool { return s.Value == "メラトニン" && len(s.Hits) > 0 })
	if s.Status != statusJA(res, len(res.Groups)) || !s.FiltersVisible || s.Note != "" {
		t.Errorf("after did you mean: %s", s)
	}

	// A topic lists its articles: no query, the topic chosen.
	tb.typeQuery("ビタミンD")
	tb.waitState("the topics again", func(s widgetState) bool { return len(s.Browse) > 0 })
	tb.click(`.note .chip[data-topic="sleep"]`)
	res = e.api(t, "topic=sleep")
	s = tb.waitState("the sleep articles", func(s widgetState) bool { return s.Value == "" && len(s.Hits) > 0 })
	if s.Status != statusJA(res, len(res.Groups)) || !s.chip("sleep").Pressed || !slices.Equal(hitKeys(t, s.Hits), apiKeys(res)) {
		t.Errorf("browsing sleep: %s", s)
	}
	e.proxy.mu.Lock()
	defer e.proxy.mu.Unlock()
	if got := e.proxy.searches[len(e.proxy.searches)-1]; got.Get("q") != "" || !slices.Equal(got["topic"], []string{"sleep"}) {
		t.Errorf("browsing sleep asked %v", got)
	}
}

// TestBrowserOtherLanguage: when the language filter hides every hit, the
// box says how many the other language has and shows them on demand.
func TestBrowserOtherLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hostPage{Attrs: `lang="en"`})
	tb := newTab(t)
	tb.open(e.host.URL)
	q := "q=" + url.QueryEscape("中津")
	ja, en := e.api(t, q+"&lang=ja"), e.api(t, q+"&lang=en")
	if ja.Total == 0 || en.Total != 0 {
		t.Fatalf("中津 finds %d Japanese and %d English paragraphs; the test needs Japanese ones only", ja.Total, en.Total)
	}
	tb.typeQuery("中津")
	tb.waitState("hits for 中津", func(s widgetState) bool { return len(s.Hits) > 0 })
	tb.click(`.langs label:has(input[value="en"])`)
	s := tb.waitState("nothing in English", func(s widgetState) bool { return strings.Contains(s.Note, "Japanese") })
	want := fmt.Sprintf("%s in Japanese match.", plural(ja.Articles, "article"))
	if !strings.Contains(s.Note, want+"Show them") || len(s.Hits) != 0 || !s.FiltersVisible {
		t.Errorf("English only: the note says %q, want %q and a way to show them; %s", s.Note, want, s)
	}
	tb.click(".note .other-lang .link")
	all := e.api(t, q)
	s = tb.waitState("the Japanese hits", func(s widgetState) bool { return len(s.Hits) > 0 })
	if s.Status != statusEN(all, len(all.Groups)) || !s.Langs[0].Pressed {
		t.Errorf("after show them: %s", s)
	}
}

// TestBrowserKeyboardHints: the panel shows the keys that move, open and
// close, in the box's language.
func TestBrowserKeyboardHints(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hostPage{})
	tb := newTab(t)
	tb.open(e.host.URL)
	tb.typeQuery("メラトニン")
	s := tb.waitState("hits", func(s widgetState) bool { return len(s.Hits) > 0 })
	if s.Hints != "↑↓ 移動 Enter 開く Esc 閉じる" {
		t.Errorf("Japanese hints %q", s.Hints)
	}
	eval[chromedp.Void](tb, `document.querySelector("nmn-search").setAttribute("lang", "en")`)
	s = tb.waitState("English hints", func(s widgetState) bool { return strings.Contains(s.Hints, "to") })
	if s.Hints != "↑↓ to move Enter to open Esc to close" {
		t.Errorf("English hints %q", s.Hints)
	}
}
