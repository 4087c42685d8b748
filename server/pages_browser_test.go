package server_test

// Browser tests of the service's pages as a visitor meets them: the search
// page on a phone, the article page, and dark mode. The harness is
// browser_test.go.

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"nmnsearch/search"
)

// phoneWidth is the width of the phone the pages must fit.
const phoneWidth = 390

// colorScheme makes the tab's pages see scheme ("light" or "dark") as the
// system's prefers-color-scheme.
func (tb *tab) colorScheme(scheme string) {
	tb.t.Helper()
	if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	}); err != nil {
		tb.t.Fatal(err)
	}
}

// phone makes the tab a phone phoneWidth wide.
func (tb *tab) phone() {
	tb.t.Helper()
	tb.do(chromedp.EmulateViewport(phoneWidth, 844, chromedp.EmulateMobile))
}

// clickLink clicks the link of the page a CSS selector finds, which
// navigates, and waits for the page it leads to: a new document (the
// old one is marked), loaded.
func (tb *tab) clickLink(selector string) {
	tb.t.Helper()
	href := eval[string](tb, fmt.Sprintf(`(() => {
		window.__left = true;
		const a = document.querySelector(%q);
		a.click();
		return a.href;
	})()`, selector))
	tb.waitJS("the page of "+href, `!window.__left && document.readyState === "complete"`)
}

// flowJS reads whether the page scrolls sideways and which elements around
// the first hit scroll on their own (a box in the page).
const flowJS = boxJS + `(() => {
	const boxes = [];
	for (let el = root.querySelector(".hit"); el && el !== document.body; ) {
		const cs = getComputedStyle(el);
		if (/auto|scroll/.test(cs.overflowY) && (el.scrollHeight > el.clientHeight + 1 || cs.maxHeight !== "none")) {
			boxes.push(el.className || el.localName);
		}
		el = el.parentNode instanceof ShadowRoot ? el.parentNode.host : el.parentElement;
	}
	return {
		scrollWidth: document.documentElement.scrollWidth, width: innerWidth,
		pageScrolls: document.documentElement.scrollHeight > innerHeight, boxes,
	};
})()`

type flowState struct {
	ScrollWidth, Width float64
	PageScrolls        bool
	Boxes              []string
}

// TestBrowserVisitorPage: on a phone, the search page offers example
// queries, the topics with their counts and every article titled in the
// reader's language; an example runs its query, whose results flow with
// the page (no box that scrolls inside it, nothing wider than the phone);
// a topic lists its articles, and the address keeps it.
func TestBrowserVisitorPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hostPage{})
	tb := newTab(t)
	tb.phone()
	tb.open(e.svc.URL + "/")
	tb.waitJS("the topics", `!document.getElementById("topics").hidden`)
	page := eval[struct {
		Examples, Topics, Articles []string
		ScrollWidth                float64
	}](tb, `({
		Examples: [...document.querySelectorAll(".examples a")].map((a) => a.textContent + " " + decodeURIComponent(a.search)),
		Topics: [...document.querySelectorAll("#topics a")].map((a) => a.innerText.replace(/\s+/g, " ") + " " + a.search),
		Articles: [...document.querySelectorAll(".articles a")].map((a) => a.textContent + " " + a.pathname),
		ScrollWidth: document.documentElement.scrollWidth,
	})`)
	if page.ScrollWidth > phoneWidth {
		t.Errorf("the page is %v px wide on a %d px phone", page.ScrollWidth, phoneWidth)
	}
	if len(page.Examples) < 3 {
		t.Errorf("examples %q, want a few", page.Examples)
	}
	for _, ex := range page.Examples {
		if text, search, _ := strings.Cut(ex, " ?q="); text != search {
			t.Errorf("the example %q does not search its own words", ex)
		}
	}
	svc := testService(t)
	topics, err := svc.Topics(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var wantTopics []string
	for _, f := range topics {
		wantTopics = append(wantTopics, fmt.Sprintf("%s %d ?topic=%s", f.Label.EN, f.Articles, f.Value)) // articles, as the results list them
	}
	var wantArticles []string
	for _, a := range svc.Articles() {
		wantArticles = append(wantArticles, a.TitleIn("en")+" /articles/"+a.ID)
	}
	if !slices.Equal(page.Topics, wantTopics) || !slices.Equal(page.Articles, wantArticles) {
		t.Errorf("topics %q\nwant %q\narticles %q\nwant %q", page.Topics, wantTopics, page.Articles, wantArticles)
	}

	tb.clickLink(`.examples a[href="/?q=NAD%2b"]`)
	res := e.api(t, "q=NAD%2B")
	s := tb.waitState("hits for NAD+", func(s widgetState) bool { return len(s.Hits) > 0 })
	if s.Value != "NAD+" || s.Status != statusEN(res, len(res.Groups)) {
		t.Errorf("the example NAD+: %s", s)
	}
	flow := eval[flowState](tb, flowJS)
	if flow.ScrollWidth > phoneWidth || len(flow.Boxes) != 0 || !flow.PageScrolls {
		t.Errorf("the results on a phone: %+v; want them in the page's own scroll, no wider than %d px", flow, phoneWidth)
	}

	tb.clickLink(`#topics a[data-topic="sleep"]`)
	res = e.api(t, "topic=sleep")
	s = tb.waitState("the sleep articles", func(s widgetState) bool { return len(s.Hits) > 0 })
	if s.Value != "" || !s.chip("sleep").Pressed || s.Status != statusEN(res, len(res.Groups)) ||
		!slices.Equal(hitKeys(t, s.Hits), apiKeys(res)) {
		t.Errorf("the topic sleep: %s", s)
	}
	if got := eval[string](tb, `location.search`); got != "?topic=sleep" {
		t.Errorf("the address keeps %q, want ?topic=sleep", got)
	}
}

// TestBrowserArticlePage: a hit opens its article on a phone with its
// paragraph and that paragraph's heading in view; the page has a search
// box, a way back to the results of the query, and a link to the original
// article when its address is known.
func TestBrowserArticlePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hostPage{})
	tb := newTab(t)
	tb.phone()
	res := e.api(t, "q="+url.QueryEscape("メラトニン"))
	var h search.Hit // the first hit under a heading
	for _, c := range apiHits(res) {
		if c.Section != "" && c.Section != c.Text {
			h = c
			break
		}
	}
	if h.ID == "" {
		t.Fatal("no hit for メラトニン is under a heading")
	}
	tb.open(fmt.Sprintf("%s/articles/%s?q=%s#p-%d", e.svc.URL, h.Article.ID, url.QueryEscape("メラトニン"), h.Paragraph))
	view := eval[map[string]any](tb, `(() => {
		const p = document.querySelector(":target");
		let heading = p.previousElementSibling;
		while (heading && !/^H[12]$/.test(heading.tagName)) heading = heading.previousElementSibling;
		const r = p.getBoundingClientRect(), hr = heading.getBoundingClientRect();
		const back = document.querySelector("a.back");
		return {
			id: p.id, top: r.top, bottom: r.bottom, height: innerHeight, heading: heading.textContent, headingTop: hr.top,
			back: back.textContent, backHref: back.getAttribute("href"), original: !!document.querySelector("a.original"),
			scrollWidth: document.documentElement.scrollWidth,
		};
	})()`)
	if view["id"] != fmt.Sprintf("p-%d", h.Paragraph) || view["top"].(float64) < 0 || view["bottom"].(float64) > view["height"].(float64) {
		t.Errorf("the paragraph is not all in view on a phone: %v", view)
	}
	if view["heading"] != h.Section || view["headingTop"].(float64) < 0 {
		t.Errorf("the paragraph's heading %q is not in view above it: %v", h.Section, view)
	}
	if view["back"] != "← Back to the results for “メラトニン”" || view["backHref"] != "/?q="+url.QueryEscape("メラトニン") {
		t.Errorf("the way back: %v", view)
	}
	if view["original"] != false || view["scrollWidth"].(float64) > phoneWidth {
		t.Errorf("an article with no known original: %v", view)
	}

	tb.open(e.svc.URL + "/articles/" + markupArticleID + "?q=zebrafish")
	if got := eval[string](tb, `document.querySelector("a.original").href`); got != markupArticleURL {
		t.Errorf("the original article's link goes to %q, want %s", got, markupArticleURL)
	}
	tb.clickLink("a.back")
	s := tb.waitState("the results for zebrafish again", func(s widgetState) bool { return len(s.Hits) > 0 })
	if s.Value != "zebrafish" {
		t.Errorf("back on the search page: %s", s)
	}
}

// TestBrowserDarkMode: with the system dark, the pages and the box are
// dark; the colours a site sets on the box still hold, and theme="light"
// keeps the box light.
func TestBrowserDarkMode(t *testing.T) {
	t.Parallel()
	// A light page keeps a light box on a dark system, as its form
	// controls stay light: an embedded dark box would clash with it.
	light := newEnv(t, hostPage{})
	tb := newTab(t)
	tb.colorScheme("dark")
	tb.open(light.host.URL)
	tb.typeQuery("メラトニン")
	tb.waitState("hits", func(s widgetState) bool { return len(s.Hits) > 0 })
	if got := eval[string](tb, boxJS+`getComputedStyle(root.querySelector(".box")).backgroundColor`); got != "rgb(255, 255, 255)" {
		t.Errorf("a light page on a dark system: the box is %s, want white", got)
	}

	e := newEnv(t, hostPage{Dark: true})
	tb = newTab(t)
	tb.colorScheme("dark")
	tb.open(e.host.URL)
	tb.typeQuery("メラトニン")
	tb.waitState("hits", func(s widgetState) bool { return len(s.Hits) > 0 })
	const colorsJS = boxJS + `(() => {
		const cs = (sel) => getComputedStyle(root.querySelector(sel));
		return {box: cs(".box").backgroundColor, text: cs(".snippet").color, title: cs(".title").color,
			mark: cs("mark").backgroundColor, page: getComputedStyle(document.body).backgroundColor};
	})()`
	colors := eval[map[string]string](tb, colorsJS)
	for k, want := range map[string]string{
		"box": "rgb(28, 32, 37)", "text": "rgb(230, 233, 236)", "mark": "rgb(106, 85, 0)",
		"title": "rgb(0, 90, 200)", // the clinic's --nmn-accent
	} {
		if colors[k] != want {
			t.Errorf("dark: computed %s = %q, want %q", k, colors[k], want)
		}
	}
	eval[chromedp.Void](tb, `document.querySelector("nmn-search").setAttribute("theme", "light")`)
	if got := eval[map[string]string](tb, colorsJS); got["box"] != "rgb(255, 255, 255)" || got["text"] != "rgb(31, 35, 40)" {
		t.Errorf("theme=light on a dark system: %v", got)
	}

	tb.open(e.svc.URL + "/")
	if got := eval[map[string]string](tb, boxJS+`({page: getComputedStyle(document.body).backgroundColor,
		text: getComputedStyle(document.body).color, box: getComputedStyle(root.querySelector(".box")).backgroundColor})`); got["page"] != "rgb(21, 24, 28)" ||
		got["text"] != "rgb(230, 233, 236)" || got["box"] != "rgb(28, 32, 37)" {
		t.Errorf("the search page, dark: %v", got)
	}
}
