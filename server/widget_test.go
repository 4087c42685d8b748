package server_test

// Browser tests of the box (web/static/nmn-search.js), the search page and
// the article pages: what a person sees. The harness is browser_test.go.

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"nmnsearch/search"
	"nmnsearch/server"
)

const sleepArticleURL = "/articles/" + sleepArticle

// TestBrowserEmbedJapanese: the two-line snippet on a page of another origin,
// under a strict CSP and a theme that reaches everything: typing メラトニン
// shows hits with メラトニン marked, in our styles and the page's accent.
func TestBrowserEmbedJapanese(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hostPage{})
	tb := newTab(t)
	tb.open(e.host.URL)
	s := tb.waitState("the Japanese UI", func(s widgetState) bool { return s.Placeholder != "" })
	if !strings.Contains(s.Placeholder, "キーワード") || s.PanelVisible || s.Status != "" || s.Expanded != "false" {
		t.Errorf("before typing: %s", s)
	}

	tb.typeQuery("メラトニン")
	s = tb.waitState("hits for メラトニン", func(s widgetState) bool { return len(s.Hits) > 0 })
	// The Japanese paragraphs that name メラトニン, then (the glossary) English
	// ones on melatonin: the box shows what the API answers.
	res := e.api(t, "q="+url.QueryEscape("メラトニン"))
	if s.Status != statusJA(res, len(res.Groups)) || !slices.Equal(hitKeys(t, s.Hits), apiKeys(res)) || s.Expanded != "true" {
		t.Errorf("status %q, hits %q, expanded %s; want %q, %q, true", s.Status, hitKeys(t, s.Hits), s.Expanded, statusJA(res, len(res.Groups)), apiKeys(res))
	}
	hits := apiHits(res)
	for i, h := range s.Hits {
		want := "メラトニン"
		if hits[i].Lang == "en" {
			want = "elatonin" // Melatonin or melatonin
		}
		if len(h.Marks) == 0 || !strings.Contains(h.Marks[0], want) {
			t.Errorf("hit %d marks %q, want %s: %q", i, h.Marks, want, h.Snippet)
		}
		// the sleep article's title, in the language of its entry's hits
		if wantTitle := map[string]string{"ja": "入眠困難", "en": "Does NMN IV Therapy"}[hits[i].Lang]; !strings.Contains(h.Title, wantTitle) {
			t.Errorf("hit %d title %q, want the sleep article's in %s", i, h.Title, hits[i].Lang)
		}
		u, err := url.Parse(h.Href)
		if err != nil || u.Scheme+"://"+u.Host != e.svc.URL || u.Path != sleepArticleURL ||
			u.Query().Get("q") != "メラトニン" || !strings.HasPrefix(u.Fragment, "p-") {
			t.Errorf("hit %d links to %s, want %s%s?q=メラトニン#p-n", i, h.Href, e.svc.URL, sleepArticleURL)
		}
	}
	if got := e.proxy.searchQs(); len(got) != 1 || got[0] != "メラトニン" {
		t.Errorf("searches %q, want one for メラトニン", got)
	}

	// The page's CSS does not reach in: our font size (not its 40px root),
	// no inherited letter-spacing or upper case, our colours but its
	// --nmn-accent, marks with our background, and the box takes clicks.
	styles := eval[map[string]string](tb, boxJS+`(() => {
		const cs = (sel) => getComputedStyle(root.querySelector(sel));
		return {
			fontSize: cs("input").fontSize, letterSpacing: cs(".snippet").letterSpacing,
			transform: cs(".snippet").textTransform, snippetColor: cs(".snippet").color,
			title: cs(".title").color, mark: cs("mark").backgroundColor, hitDisplay: cs(".hit a").display,
			pointer: cs(".hit a").pointerEvents, align: cs(".snippet").textAlign,
		};
	})()`)
	for k, want := range map[string]string{
		"fontSize": "16px", "letterSpacing": "normal", "transform": "none", "snippetColor": "rgb(31, 35, 40)",
		"title": "rgb(0, 90, 200)", "mark": "rgb(255, 233, 138)", "hitDisplay": "block", "pointer": "auto", "align": "start",
	} {
		if styles[k] != want {
			t.Errorf("computed %s = %q, want %q", k, styles[k], want)
		}
	}
}

// TestBrowserSearchPage: the service's own page is the same box, under the
// service's CSP, in the browser's language (English here); ?q= runs at
// once, and the address keeps the query.
func TestBrowserSearchPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hostPage{})
	tb := newTab(t)
	tb.open(e.svc.URL + "/?q=NAD%2B")
	s := tb.waitState("hits for NAD+", func(s widgetState) bool { return len(s.Hits) > 0 })
	if nad := e.api(t, "q=NAD%2B"); s.Value != "NAD+" || s.Status != statusEN(nad, len(nad.Groups)) || s.Hits[0].Marks[0] != "NAD+" {
		t.Errorf("?q=NAD%%2B: %s", s)
	}
	tb.typeQuery("睡眠")
	tb.waitState("hits for 睡眠", func(s widgetState) bool { return len(s.Hits) > 0 && s.Hits[0].Marks[0] == "睡眠" })
	if got := eval[string](tb, `location.search`); got != "?q="+url.QueryEscape("睡眠") {
		t.Errorf("address bar query %q, want ?q=睡眠", got)
	}
	if got := eval[int](tb, `document.querySelectorAll("#snippet, #widget-url").length`); got != 0 {
		t.Errorf("the search page holds the embed guide's snippet (%d elements); it is on /embed", got)
	}
}

// TestBrowserEmbedPage: the guide for site owners is /embed, in the
// browser's language; its snippet, and the CSP advice above it, name this
// service as the browser reached it.
func TestBrowserEmbedPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hostPage{})
	tb := newTab(t)
	tb.open(e.svc.URL + "/embed")
	snippet := eval[string](tb, `document.getElementById("snippet").textContent`)
	if want := `<script type="module" src="` + e.svc.URL + `/widget.js"></script>`; !strings.HasPrefix(snippet, want) {
		t.Errorf("the snippet to copy is\n%s\nwant it to start %s", snippet, want)
	}
	if got := eval[string](tb, `document.getElementById("service-origin").textContent`); got != e.svc.URL {
		t.Errorf("the CSP advice names %q, want %s", got, e.svc.URL)
	}
	if got := eval[string](tb, `document.querySelector("h1").textContent`); got != "Put this search box on your site" {
		t.Errorf("the guide's heading is %q", got)
	}
	// The way back to the search page.
	if got := eval[string](tb, `document.querySelector("nav a").getAttribute("href")`); got != "/" {
		t.Errorf("the guide links back to %q, want /", got)
	}
}

// hitKeys are the "article#p-n" a list of hit links points to.
func hitKeys(t *testing.T, hits []hitState) []string {
	t.Helper()
	var out []string
	for _, h := range hits {
		u, err := url.Parse(h.Href)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.TrimPrefix(u.Path, "/articles/")+"#"+u.Fragment)
	}
	return out
}

// apiHits are a result's hits in the order the box lists them: entry
// after entry, each with its paragraphs.
func apiHits(res search.Result) []search.Hit {
	var out []search.Hit
	for _, g := range res.Groups {
		out = append(out, g.Hits...)
	}
	return append(out, res.Hits...)
}

// apiKeys are the "article#p-n" of a result's hits.
func apiKeys(res search.Result) []string {
	var out []string
	for _, h := range apiHits(res) {
		out = append(out, fmt.Sprintf("%s#p-%d", h.Article.ID, h.Paragraph))
	}
	return out
}

// statusEN is the English status line of res when shown of its articles
// are shown.
func statusEN(res search.Result, shown int) string {
	found := plural(res.Articles, "article") + ", " + plural(int(res.Total), "paragraph")
	if shown < res.Articles {
		return fmt.Sprintf("Showing %d of %s", shown, found)
	}
	return found
}

// statusJA is statusEN in Japanese.
func statusJA(res search.Result, shown int) string {
	if shown < res.Articles {
		return fmt.Sprintf("記事 %d件(%d段落)中 %d件を表示", res.Articles, res.Total, shown)
	}
	return fmt.Sprintf("記事 %d件、%d段落", res.Articles, res.Total)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// TestBrowserNADPlusAndMore: typed key by key, NAD+ reaches the API as NAD+
// (%2B, not a space), once the typing pauses; more articles come on demand
// until there are none; lang="en" gives the English UI.
func TestBrowserNADPlusAndMore(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, pagingService(t), hostPage{Attrs: `lang="en" placeholder="Search our NMN articles"`})
	tb := newTab(t)
	tb.open(e.host.URL)
	nad, nadNoPlus := e.api(t, "q=NAD%2B"), e.api(t, "q=NAD")
	if nad.Articles <= 10 || nad.Articles > search.MaxPageSize || nad.Articles == nadNoPlus.Articles {
		t.Fatalf("NAD+ finds %d articles, NAD %d: the corpus no longer tests paging (one API page to compare) or the plus", nad.Articles, nadNoPlus.Articles)
	}
	eval[chromedp.Void](tb, boxJS+`input.focus()`)
	began := time.Now()
	tb.key("NAD+")
	typing := time.Since(began)
	s := tb.waitState("hits for NAD+", func(s widgetState) bool { return len(s.Hits) > 0 && s.Value == "NAD+" })
	if s.Placeholder != "Search our NMN articles" || s.Status != statusEN(nad, 10) || !s.More || len(s.Entries) != 10 {
		t.Errorf("NAD+: placeholder %q, status %q, more %v, %d entries", s.Placeholder, s.Status, s.More, len(s.Entries))
	}
	for i, h := range s.Hits {
		if len(h.Marks) == 0 || h.Marks[0] != "NAD+" {
			t.Errorf("hit %d marks %q, want NAD+", i, h.Marks)
		}
	}
	e.proxy.mu.Lock()
	raw := slices.Clone(e.proxy.rawQs)
	e.proxy.mu.Unlock()
	// Keys that came faster than the debounce are one search; on a machine
	// too slow to type that fast, at least not one per key.
	if typing < debounce && len(raw) != 1 || len(raw) == 0 || len(raw) >= 4 {
		t.Fatalf("%d searches for 4 keys typed in %v (debounce %v): %q", len(raw), typing, debounce, raw)
	}
	// On a slow machine a search for NAD may go out first, and be aborted:
	// the proxy may see it after the one for NAD+.
	if !slices.ContainsFunc(raw, func(q string) bool { return strings.Contains(q, "q=NAD%2B&") && strings.Contains(q, "&group=article") }) {
		t.Errorf("the searches went out as %q, want one with q=NAD%%2B and group=article", raw)
	}

	// Text typed but not yet searched (the debounce) does not change what
	// "more" is more of.
	tb.typeQuery("NAD")
	tb.click(".more")
	tb.waitState("hits for NAD", func(s widgetState) bool {
		// 20 when the click came after the search for NAD (a slow machine)
		return !s.Busy && s.Value == "NAD" && (s.Status == statusEN(nadNoPlus, 10) || s.Status == statusEN(nadNoPlus, 20))
	})
	e.proxy.mu.Lock()
	searched := map[string]bool{}
	for _, v := range e.proxy.searches {
		if v.Get("page") == "1" {
			searched[v.Get("q")] = true
		} else if !searched[v.Get("q")] {
			t.Errorf("page %s of %q asked for before its first page", v.Get("page"), v.Get("q"))
		}
	}
	e.proxy.mu.Unlock()
	tb.typeQuery("NAD+")
	tb.waitState("hits for NAD+", func(s widgetState) bool { return !s.Busy && s.Status == statusEN(nad, 10) })

	for shown := 10; shown < nad.Articles; {
		tb.click(".more")
		shown = min(shown+10, nad.Articles)
		s = tb.waitState(fmt.Sprintf("%d articles", shown), func(s widgetState) bool { return len(s.Entries) == shown })
		if s.Status != statusEN(nad, shown) || s.More != (shown < nad.Articles) {
			t.Errorf("after more: status %q, more button %v", s.Status, s.More)
		}
	}
	all := e.api(t, fmt.Sprintf("q=NAD%%2B&size=%d", search.MaxPageSize))
	if got, want := hitKeys(t, s.Hits), apiKeys(all); !slices.Equal(got, want) {
		t.Errorf("the hits shown are not the API's, in order:\n got %q\nwant %q", got, want)
	}
	// Option ids stay unique across pages: ↑/↓ and screen readers tell
	// them apart.
	ids := map[string]bool{}
	for _, h := range s.Hits {
		if ids[h.ID] {
			t.Errorf("two hits have the id %s", h.ID)
		}
		ids[h.ID] = true
	}
}

// TestBrowserTopicsAndLanguage: a topic chip narrows the hits to that topic,
// the counts on the chips stay as they were (each is what choosing it would
// give), chips add up as OR, and the language switch filters too.
func TestBrowserTopicsAndLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hostPage{Attrs: `lang="en"`})
	tb := newTab(t)
	tb.open(e.host.URL)
	q := "q=" + url.QueryEscape("睡眠")
	tb.typeQuery("睡眠")
	all := e.api(t, q)
	s0 := tb.waitState("hits for 睡眠", func(s widgetState) bool { return len(s.Hits) > 0 })
	if s0.Status != statusEN(all, len(all.Groups)) {
		t.Errorf("status %q, want %q", s0.Status, statusEN(all, len(all.Groups)))
	}
	for _, f := range all.Facets.Topic {
		if c := s0.chip(f.Value); c.Count != f.Count || c.Pressed {
			t.Errorf("chip %s = %+v, want count %d, not pressed", f.Value, c, f.Count)
		}
	}

	step := func(what, selector, rawQuery string, pressed ...string) widgetState {
		t.Helper()
		tb.click(selector)
		want := e.api(t, q+rawQuery)
		// The chips' state too: two steps may find as many hits.
		s := tb.waitState(what, func(s widgetState) bool {
			return s.Status == statusEN(want, len(want.Groups)) &&
				!slices.ContainsFunc(s.Chips, func(c chipState) bool { return c.Pressed != slices.Contains(pressed, c.Value) })
		})
		for _, c := range s.Chips {
			if c.Pressed != slices.Contains(pressed, c.Value) || c.Count != facet(want.Facets.Topic, c.Value) {
				t.Errorf("%s: chip %+v, want pressed %v and count %d", what, c, slices.Contains(pressed, c.Value), facet(want.Facets.Topic, c.Value))
			}
		}
		for _, l := range s.Langs {
			if l.Value != "" && l.Count != facet(want.Facets.Lang, l.Value) {
				t.Errorf("%s: language %+v, want count %d", what, l, facet(want.Facets.Lang, l.Value))
			}
		}
		if got, wantKeys := hitKeys(t, s.Hits), apiKeys(want); !slices.Equal(got, wantKeys) {
			t.Errorf("%s: hits %q, want %q", what, got, wantKeys)
		}
		return s
	}
	s := step("depression chosen", `.chip[data-topic="depression"]`, "&topic=depression", "depression")
	if c := s.chip("depression"); c.Count != s0.chip("depression").Count || s.chip("sleep").Count != s0.chip("sleep").Count {
		t.Errorf("chip counts moved when a chip was chosen: %+v then %+v", s0.Chips, s.Chips)
	}
	step("depression or sleep", `.chip[data-topic="sleep"]`, "&topic=depression&topic=sleep", "depression", "sleep")
	s = step("English only", `.langs label:has(input[value="en"])`, "&topic=depression&topic=sleep&lang=en", "depression", "sleep")
	if l := s.Langs[2]; l.Value != "en" || !l.Pressed {
		t.Errorf("the English switch is not on: %+v", s.Langs)
	}
	step("sleep alone, in English", `.chip[data-topic="depression"]`, "&topic=sleep&lang=en", "sleep")
}

// TestBrowserKeyboard: "/" and Ctrl+K reach the box from the page (but "/"
// is a character in a field of the page), a suggestion is taken with ↓ and
// Enter, ↑/↓ move through the hits with a visible mark, Esc closes, and
// Enter opens the article page at the paragraph, with the terms marked.
func TestBrowserKeyboard(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hostPage{Attrs: `lang="en"`})
	tb := newTab(t)
	tb.open(e.host.URL)

	tb.key("/")
	s := tb.waitState("the box focused by /", func(s widgetState) bool { return s.Focused })
	if s.Value != "" {
		t.Errorf("/ was typed into the box: %q", s.Value)
	}
	eval[chromedp.Void](tb, `document.getElementById("host-input").focus()`)
	tb.key("/")
	if got := eval[string](tb, `document.getElementById("host-input").value`); got != "/" {
		t.Errorf("/ in the page's field gave %q, want it typed there", got)
	}
	tb.key("k", chromedp.ModifierCtrl)
	tb.waitState("the box focused by Ctrl+K", func(s widgetState) bool { return s.Focused })
	if got := eval[string](tb, `document.getElementById("host-input").value`); got != "/" {
		t.Errorf("Ctrl+K typed into the page's field: %q", got)
	}

	tb.key("mela")
	s = tb.waitState("the suggestion melatonin", func(s widgetState) bool {
		return len(s.Suggestions) > 0 && s.Suggestions[0] == "melatonin"
	})
	// ↓ goes to the suggestions first; hits that arrive meanwhile do not
	// move it.
	tb.key(kb.ArrowDown)
	tb.waitState("the suggestion active", func(s widgetState) bool { return s.ActiveDescendant == "s0" })
	tb.key(kb.Enter)
	s = tb.waitState("hits for melatonin", func(s widgetState) bool {
		return s.Value == "melatonin" && !s.Busy && len(s.Suggestions) == 0 && len(s.Hits) > 0 &&
			strings.EqualFold(s.Hits[0].Marks[0], "melatonin")
	})

	tb.key(kb.ArrowDown)
	s = tb.waitState("the first hit active", func(s widgetState) bool { return s.ActiveDescendant == "h0" })
	if s.Hits[0].Selected != "true" || s.Hits[1].Selected != "false" {
		t.Errorf("aria-selected: %q %q", s.Hits[0].Selected, s.Hits[1].Selected)
	}
	outline := eval[string](tb, boxJS+`(() => { const cs = getComputedStyle(root.querySelector("#h0")); return cs.outlineStyle + " " + cs.outlineColor; })()`)
	if outline != "solid rgb(0, 90, 200)" {
		t.Errorf("the active hit's outline is %q, want solid in the page's accent", outline)
	}
	tb.key(kb.ArrowDown)
	tb.waitState("the second hit active", func(s widgetState) bool { return s.ActiveDescendant == "h1" })
	tb.key(kb.ArrowUp)
	tb.waitState("the first hit active again", func(s widgetState) bool { return s.ActiveDescendant == "h0" })

	tb.key(kb.Escape)
	s = tb.waitState("the panel closed", func(s widgetState) bool { return !s.PanelVisible })
	if s.Expanded != "false" || s.ActiveDescendant != "" || s.Value != "melatonin" || !s.Focused {
		t.Errorf("after Esc: %s", s)
	}
	tb.key(kb.ArrowDown)
	tb.waitState("the panel open again", func(s widgetState) bool { return s.PanelVisible && s.Expanded == "true" })
	tb.key(kb.ArrowDown)
	s = tb.waitState("the first hit active", func(s widgetState) bool { return s.ActiveDescendant == "h0" })

	href := s.Hits[0].Href
	tb.key(kb.Enter)
	tb.waitJS("the article page", fmt.Sprintf(`location.href === %q && document.readyState === "complete"`, href))
	u, _ := url.Parse(href)
	page := eval[map[string]any](tb, `(() => {
		const p = document.querySelector(":target");
		if (!p) return {};
		const r = p.getBoundingClientRect();
		return {
			id: p.id, marks: [...p.querySelectorAll("mark")].map((m) => m.textContent.toLowerCase()),
			inView: r.top >= 0 && r.top < innerHeight, background: getComputedStyle(p).backgroundColor,
			allMarks: document.querySelectorAll("mark").length,
		};
	})()`)
	if page["id"] != u.Fragment || page["inView"] != true || page["background"] != "rgb(255, 246, 209)" ||
		!slices.Contains(anyStrings(page["marks"]), "melatonin") || page["allMarks"].(float64) < 2 {
		t.Errorf("article page at %s: the paragraph shown is %v", href, page)
	}
}

func anyStrings(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// TestBrowserMarkupIsText: an article whose text holds <script>, <img
// onerror=...>, <b> and entities shows those characters as text, in the box
// and on the article page, and nothing runs. The host page has no CSP here:
// the box is safe by construction, not because a CSP blocks the handler.
func TestBrowserMarkupIsText(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hostPage{Attrs: `lang="en"`, NoCSP: true})
	tb := newTab(t)
	tb.open(e.host.URL)
	tb.typeQuery("zebrafish")
	n := len(apiHits(e.api(t, "q=zebrafish"))) // the article's three paragraphs
	s := tb.waitState("the markup article's hits", func(s widgetState) bool { return len(s.Hits) == n && n > 0 })
	snippets := ""
	for _, h := range s.Hits {
		snippets += h.Snippet + "\n"
		if h.Title != "Zebrafish <b>markup</b> safety" {
			t.Errorf("title %q, want the markup as text", h.Title)
		}
	}
	for _, want := range []string{
		`<script>window.__xss=1</script>`,
		`<img src=x onerror="window.__xss=1">`,
		`& "quotes" and 'apostrophes' &amp; an entity written out, &lt;b&gt;.`, // decoded once, not twice
	} {
		if !strings.Contains(snippets, want) {
			t.Errorf("the snippets do not show %s as text:\n%s", want, snippets)
		}
	}
	for _, el := range s.Elements {
		if !slices.Contains([]string{"div", "a", "span", "mark"}, el) {
			t.Errorf("a <%s> element in the hits", el)
		}
	}
	if got := eval[string](tb, `typeof window.__xss`); got != "undefined" {
		t.Errorf("the article's markup ran: window.__xss is %s", got)
	}

	// Nor does markup run that the service failed to escape: the box reads
	// <mark> tags out of a highlight and takes the rest as text.
	const raw = `<img src=x onerror="window.__xss=2"><b>bold</b> `
	e.proxy.mu.Lock()
	e.proxy.inject = raw
	e.proxy.mu.Unlock()
	tb.typeQuery("NAD+")
	s = tb.waitState("hits for NAD+", func(s widgetState) bool {
		return !s.Busy && len(s.Hits) > 0 && slices.Contains(s.Hits[0].Marks, "NAD+")
	})
	if !strings.HasPrefix(s.Hits[0].Snippet, raw) {
		t.Errorf("the injected markup is not shown as text: %q", s.Hits[0].Snippet)
	}
	if !slices.Equal(s.Elements, []string{"div", "a", "span", "mark"}) {
		t.Errorf("elements in the hits %q, want div, a, span and mark only", s.Elements)
	}
	if got := eval[string](tb, `typeof window.__xss`); got != "undefined" {
		t.Errorf("markup in a highlight ran: window.__xss is %s", got)
	}

	tb.do(chromedp.Navigate(e.svc.URL + "/articles/900-markup?q=zebrafish"))
	page := eval[map[string]any](tb, `({
		text: document.querySelector("article").innerText,
		elements: document.querySelectorAll("article img, article script, article b").length,
		xss: typeof window.__xss,
	})`)
	text, _ := page["text"].(string)
	if !strings.Contains(text, `<script>window.__xss=1</script>`) || !strings.Contains(text, `onerror="window.__xss=1">`) ||
		!strings.Contains(text, "Zebrafish <b>markup</b> safety") || page["elements"] != float64(0) || page["xss"] != "undefined" {
		t.Errorf("article page: %v", page)
	}
}

// TestBrowserStaleAnswerNeverShown: a slow answer to an earlier query never
// replaces the answer to the later one: its request is aborted, and where
// the abort comes too late (the fetch ignores it here) the answer is
// dropped all the same. The slow answer is held until the later one is
// shown (a box that waited for it would show nothing), then let go.
func TestBrowserStaleAnswerNeverShown(t *testing.T) {
	t.Parallel()
	for _, ignoreAbort := range []bool{false, true} {
		t.Run(fmt.Sprintf("ignoreAbort=%v", ignoreAbort), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, hostPage{Attrs: `lang="en"`})
			tb := newTab(t)
			release := e.proxy.hold("sleep")
			defer release()
			if ignoreAbort {
				tb.ignoreAbort()
			}
			tb.open(e.host.URL)
			tb.typeQuery("sleep")
			e.proxy.waitSearch(t, "sleep")
			tb.typeQuery("melatonin")
			s := tb.waitState("hits for melatonin while the answer for sleep is held", func(s widgetState) bool {
				return len(s.Hits) > 0 && strings.EqualFold(s.Hits[0].Marks[0], "melatonin")
			})
			release()
			if ignoreAbort {
				tb.waitJS("the slow answer read and dropped", `window.__answered.some((u) => u.includes("/api/search?q=sleep&"))`)
			} else {
				e.proxy.waitCanceled(t, "sleep")
			}
			later, err := tb.state()
			if err != nil {
				t.Fatal(err)
			}
			if later.Status != s.Status || later.Value != "melatonin" || !slices.Equal(hitKeys(t, later.Hits), hitKeys(t, s.Hits)) {
				t.Errorf("after the slow answer, the box shows\n%s\nwas\n%s", later, s)
			}
			e.proxy.mu.Lock()
			canceled := slices.Clone(e.proxy.canceled)
			e.proxy.mu.Unlock()
			if want := []string{"sleep"}; ignoreAbort && len(canceled) != 0 || !ignoreAbort && !slices.Equal(canceled, want) {
				t.Errorf("aborted searches %q, want the one for sleep unless aborts are ignored", canceled)
			}
		})
	}
}

// TestBrowserMoreDuringSearch: while the search for new text is on its way,
// "more" of the hits shown cannot be clicked, so it never cancels that
// search for more of the old query: the box ends with the new query's hits.
func TestBrowserMoreDuringSearch(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, pagingService(t), hostPage{Attrs: `lang="en"`})
	tb := newTab(t)
	e.proxy.setDelay("NAD", 1500*time.Millisecond)
	tb.open(e.host.URL)
	nadPlus, nad := e.api(t, "q=NAD%2B"), e.api(t, "q=NAD")
	tb.typeQuery("NAD+")
	tb.waitState("hits for NAD+, and more", func(s widgetState) bool {
		return s.Status == statusEN(nadPlus, 10) && s.More
	})
	tb.typeQuery("NAD")
	e.proxy.waitSearch(t, "NAD")
	if s, err := tb.state(); err != nil || s.More || !s.Busy {
		t.Errorf("while NAD is searched: more clickable %v, busy %v (err %v)", s.More, s.Busy, err)
	}
	tb.click(".more")
	s := tb.waitState("hits for NAD", func(s widgetState) bool { return !s.Busy && len(s.Hits) > 0 })
	if s.Value != "NAD" || s.Status != statusEN(nad, min(nad.Articles, 10)) || s.More != (nad.Articles > 10) ||
		!slices.Equal(hitKeys(t, s.Hits), apiKeys(nad)) {
		t.Errorf("after more was clicked during the search for NAD, the box shows %s\nwant NAD's hits %q", s, apiKeys(nad))
	}
	e.proxy.mu.Lock()
	defer e.proxy.mu.Unlock()
	for _, v := range e.proxy.searches {
		if v.Get("page") != "1" {
			t.Errorf("a search for more: %v", v)
		}
	}
	if len(e.proxy.canceled) != 0 {
		t.Errorf("searches aborted: %q", e.proxy.canceled)
	}
}

// TestBrowserEscCancels: Esc closes the panel for good: a search on its way
// when it was pressed does not open it again when its answer would come.
func TestBrowserEscCancels(t *testing.T) {
	t.Parallel()
	const slow = 1200 * time.Millisecond
	e := newEnv(t, hostPage{Attrs: `lang="en"`})
	tb := newTab(t)
	e.proxy.setDelay("melatonin", slow)
	tb.open(e.host.URL)
	tb.typeQuery("sleep")
	tb.waitState("hits for sleep", func(s widgetState) bool { return len(s.Hits) > 0 && !s.Busy })
	tb.typeQuery("melatonin")
	e.proxy.waitSearch(t, "melatonin")
	tb.key(kb.Escape)
	tb.waitState("the panel closed", func(s widgetState) bool { return !s.PanelVisible })
	e.proxy.waitCanceled(t, "melatonin") // the answer will not come
	s, err := tb.state()
	if err != nil || s.PanelVisible || s.Expanded != "false" || s.Busy || s.Value != "melatonin" {
		t.Errorf("after Esc, once the answer was due: %s (err %v)", s, err)
	}
	e.proxy.mu.Lock()
	defer e.proxy.mu.Unlock()
	if !slices.Equal(e.proxy.canceled, []string{"melatonin"}) {
		t.Errorf("aborted searches %q, want the one for melatonin", e.proxy.canceled)
	}
}

// TestBrowserIMEComposition: while a Japanese input method composes, nothing
// is searched; the committed text is searched once.
func TestBrowserIMEComposition(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hostPage{})
	tb := newTab(t)
	tb.open(e.host.URL)
	eval[chromedp.Void](tb, boxJS+`input.focus()`)
	for _, text := range []string{"め", "めら", "めらと", "めらとに", "めらとにん", "メラトニン"} {
		n := int64(len([]rune(text)))
		if _, err := chromedp.Call(tb.ctx, input.ImeSetComposition,
			input.ImeSetCompositionParams{Text: text, SelectionStart: n, SelectionEnd: n}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(debounce + 50*time.Millisecond) // past the debounce
	}
	if s, _ := tb.state(); s.Value != "メラトニン" {
		t.Fatalf("composing: the box holds %q, want the composition メラトニン", s.Value)
	}
	e.proxy.mu.Lock()
	searches, suggests := len(e.proxy.searches), len(e.proxy.suggests)
	e.proxy.mu.Unlock()
	if searches+suggests > 0 {
		t.Errorf("%d searches and %d suggestions during the composition, want none", searches, suggests)
	}
	tb.insertText("メラトニン") // commits the composition
	tb.waitState("hits for メラトニン", func(s widgetState) bool { return len(s.Hits) > 0 })
	if got := e.proxy.searchQs(); !slices.Equal(got, []string{"メラトニン"}) {
		t.Errorf("searches %q, want one for メラトニン", got)
	}
}

// TestBrowserOriginNotAllowed: with an allow-list that leaves the page's
// origin out, the browser keeps the answers from the box: it cannot reach
// the service.
func TestBrowserOriginNotAllowed(t *testing.T) {
	t.Parallel()
	policy, err := server.ParseCORSOrigins("https://clinic.example")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, hostPage{Attrs: `lang="en"`}, server.WithCORS(policy))
	tb := newTab(t)
	tb.allowConsole("blocked by CORS policy", "net::ERR_FAILED")
	tb.open(e.host.URL)
	tb.typeQuery("sleep")
	s := tb.waitState("the service unreachable", func(s widgetState) bool { return s.Status != "" })
	if s.Status != "The search service cannot be reached. Check your connection and try again." || !s.StatusError || len(s.Hits) != 0 {
		t.Errorf("from an origin not allowed: %s", s)
	}
	if got := e.proxy.searchQs(); !slices.Equal(got, []string{"sleep"}) {
		t.Errorf("searches %q: the request should go out, and its answer be kept from the page", got)
	}
}

// TestBrowserNarrowScreen: at 360 px the box, its chips and its hits fit the
// width, and the field stays wide enough to type in: on the clinic's page
// (whose own theme overflows; the box does not) and on the search page, on a
// phone, where nothing may overflow.
func TestBrowserNarrowScreen(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hostPage{})
	tb := newTab(t)
	const fitJS = boxJS + `(() => {
		let right = 0;
		for (const el of root.querySelectorAll(".box, .chip, .langs label, .hit, .more, .status")) {
			right = Math.max(right, el.getBoundingClientRect().right);
		}
		return {right, input: input.getBoundingClientRect().width, page: document.documentElement.scrollWidth, viewport: innerWidth};
	})()`
	for _, tc := range []struct {
		page   string
		mobile bool
	}{{e.host.URL, false}, {e.svc.URL + "/", true}} {
		opts := []chromedp.EmulateViewportOption{}
		if tc.mobile {
			opts = append(opts, chromedp.EmulateMobile)
		}
		tb.do(chromedp.EmulateViewport(360, 740, opts...))
		tb.open(tc.page)
		tb.typeQuery("睡眠")
		tb.waitState("hits", func(s widgetState) bool { return len(s.Hits) > 0 })
		fit := eval[map[string]float64](tb, fitJS)
		if fit["viewport"] != 360 || fit["right"] > 360 || fit["input"] < 200 || tc.mobile && fit["page"] > 360 {
			t.Errorf("%s at 360 px: %v", tc.page, fit)
		}
	}
}

// TestBrowserHighlightParts: the function that turns an API highlight into
// text and <mark> runs, in the browser, over the cases that matter.
func TestBrowserHighlightParts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hostPage{})
	tb := newTab(t)
	tb.open(e.svc.URL + "/")
	cases := []struct {
		in   string
		want [][]any // [text, marked]
	}{
		{"a &lt;script&gt; <mark>b</mark> c", [][]any{{"a <script> ", false}, {"b", true}, {" c", false}}},
		{"<mark>NAD+</mark>", [][]any{{"NAD+", true}}},
		{"x <mark>a &amp; b</mark><mark>メラトニン</mark>", [][]any{{"x ", false}, {"a & b", true}, {"メラトニン", true}}},
		{"&amp;lt; &#39;q&#39; &#34;q&#34; &quot;", [][]any{{`&lt; 'q' "q" "`, false}}}, // decoded once
		{"<b>raw</b> <MARK>x</MARK>", [][]any{{"<b>raw</b> <MARK>x</MARK>", false}}},    // any other markup is text
		{"&#x1F600; &#0; &#xD800; &bogus; &", [][]any{{"😀 &#0; &#xD800; &bogus; &", false}}},
		{"", nil},
	}
	for _, tc := range cases {
		js := fmt.Sprintf(`import("/widget.js").then((m) => m.highlightParts(%q))`, tc.in)
		got := eval[[][]any](tb, js)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("highlightParts(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestBrowserTimeToFirstResults measures, alone (not in parallel), how long
// a person waits: from the input event to the hits in the box, debounce
// included, over the first query of a fresh page and a few more.
func TestBrowserTimeToFirstResults(t *testing.T) {
	e := newEnv(t, hostPage{})
	tb := newTab(t)
	tb.open(e.host.URL)
	eval[chromedp.Void](tb, boxJS+`window.__times = [];
		input.addEventListener("input", () => { window.__input = performance.now(); });
		box.addEventListener("nmn-results", () => { window.__times.push(performance.now() - window.__input); });`)
	queries := []string{"メラトニン", "NAD+", "melatonin", "睡眠 質", "depression", "sirtuin", "血糖"}
	for i, q := range queries {
		tb.typeQuery(q)
		tb.waitJS("the hits for "+q, fmt.Sprintf(`window.__times.length === %d`, i+1))
	}
	times := eval[[]float64](tb, `window.__times`)
	load := eval[[]map[string]any](tb, `performance.getEntriesByType("resource")
		.filter((r) => r.name.endsWith(".js")).map((r) => ({name: r.name, ms: r.duration}))`)
	sorted := slices.Sorted(slices.Values(times))
	t.Logf("time to first results, input event to hits shown (%v debounce included): first %.0f ms, median %.0f ms, max %.0f ms over %d queries %v",
		debounce, times[0], sorted[len(sorted)/2], sorted[len(sorted)-1], len(times), times)
	t.Logf("script load: %v", load)
	for i, ms := range times {
		if ms < float64(debounce.Milliseconds()) || ms > 2000 {
			t.Errorf("%s: %.0f ms from input to hits, want between the %v debounce and 2 s", queries[i], ms, debounce)
		}
	}
}

// TestBrowserAttributes: endpoint sends the searches to another service than
// the one the script came from, articles-base points the hit links
// elsewhere, and topics chooses chips before the first search (but not a
// topic that has none).
func TestBrowserAttributes(t *testing.T) {
	t.Parallel()
	requireChromium(t)
	other := &apiProxy{next: server.New(nil, testService(t))}
	api := httptest.NewServer(other)
	t.Cleanup(api.Close)
	attrs := fmt.Sprintf(`lang="en" endpoint="%s/" articles-base="https://clinic.example/nmn" topics="sleep, depression,aging"`, api.URL)
	e := newEnv(t, hostPage{Attrs: attrs, ExtraConnect: api.URL})
	tb := newTab(t)
	tb.open(e.host.URL)
	tb.typeQuery("NAD+")
	s := tb.waitState("hits for NAD+", func(s widgetState) bool { return len(s.Hits) > 0 })
	if got := e.proxy.searchQs(); len(got) != 0 {
		t.Errorf("searches %q went to the script's service, not to endpoint", got)
	}
	other.mu.Lock()
	searches := slices.Clone(other.searches)
	other.mu.Unlock()
	if len(searches) != 1 || !slices.Equal(searches[0]["topic"], []string{"sleep", "depression"}) {
		t.Errorf("searches at endpoint %v, want one with topic=sleep&topic=depression (aging is no topic)", searches)
	}
	want := e.api(t, "q=NAD%2B&topic=sleep&topic=depression")
	if s.Status != statusEN(want, len(want.Groups)) || !s.chip("sleep").Pressed || !s.chip("depression").Pressed || s.chip("diabetes").Pressed {
		t.Errorf("with topics chosen: %s", s)
	}
	for _, h := range s.Hits {
		if !strings.HasPrefix(h.Href, "https://clinic.example/nmn/articles/") {
			t.Errorf("hit links to %s, want below articles-base", h.Href)
		}
	}
}
