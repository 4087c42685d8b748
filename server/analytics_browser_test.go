package server_test

// Browser tests of search analytics (issue 24): what the box records of a
// reader's searches (POST /api/events), and the admin page that shows the
// report (/admin/analytics). The harness is browser_test.go; its proxy
// answers /api/events itself and keeps what arrived, and answers
// /api/admin/analytics with a report the test makes.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"nmnsearch/server"
	"nmnsearch/server/analytics"
)

// recordPause is RECORD_PAUSE_MS of nmn-search.js: a rest on an answer
// that counts it as a search.
const recordPause = 1500 * time.Millisecond

// recordedEvent is one POST /api/events as it reached the proxy.
type recordedEvent struct {
	Body, ContentType, Cookie string
}

// analyticsEvent is the body of an event, every field the box may send.
type analyticsEvent struct {
	T        string   `json:"t"`
	Q        string   `json:"q"`
	Topics   []string `json:"topics"`
	Lang     string   `json:"lang"`
	Hits     *int     `json:"hits,omitempty"` // search
	Articles *int     `json:"articles,omitempty"`
	Article  string   `json:"article,omitempty"` // click
	Pos      int      `json:"pos,omitempty"`
}

func (ev analyticsEvent) String() string {
	b, _ := json.Marshal(ev)
	return string(b)
}

func searchEvent(q string, topics []string, lang string, hits, articles int) analyticsEvent {
	return analyticsEvent{T: "search", Q: q, Topics: topics, Lang: lang, Hits: &hits, Articles: &articles}
}

func clickEvent(q string, topics []string, lang, article string, pos int) analyticsEvent {
	return analyticsEvent{T: "click", Q: q, Topics: topics, Lang: lang, Article: article, Pos: pos}
}

// analytics answers the requests of analytics the proxy plays: every POST
// /api/events, kept and answered 204 as the service does, and with a
// report set, GET /api/admin/analytics. It reports whether it answered.
func (p *apiProxy) analytics(w http.ResponseWriter, r *http.Request) bool {
	switch {
	case r.URL.Path == "/api/events" && r.Method == http.MethodPost:
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		p.mu.Lock()
		p.events = append(p.events, recordedEvent{string(body), r.Header.Get("Content-Type"), r.Header.Get("Cookie")})
		p.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return true
	case r.URL.Path == "/api/admin/analytics":
		p.mu.Lock()
		rep := p.report
		p.mu.Unlock()
		if rep == nil {
			return false
		}
		rep.ServeHTTP(w, r)
		return true
	}
	return false
}

// flushMark is the body of the last event flushEvents sends.
const flushMark = `{"t":"test-flush"}`

// flushEvents sends one last event from the tab's page and waits until it
// arrives: what the pages before sent has arrived by then (beacons go out
// in order, on a loopback). It returns the box's events before it, and
// fails the test if one is not what the box may send: a field more (an id,
// a time), a body that is not text/plain, a cookie.
func (e *env) flushEvents(tb *tab) []analyticsEvent {
	tb.t.Helper()
	if !eval[bool](tb, fmt.Sprintf(`navigator.sendBeacon(%q, %q)`, e.svc.URL+"/api/events", flushMark)) {
		tb.t.Fatal("the test's own beacon was refused")
	}
	var got []recordedEvent
	waitUntil(tb.t, "the test's last event never arrived", func() bool {
		e.proxy.mu.Lock()
		defer e.proxy.mu.Unlock()
		i := slices.IndexFunc(e.proxy.events, func(r recordedEvent) bool { return r.Body == flushMark })
		if i < 0 {
			return false
		}
		got = slices.Clone(e.proxy.events[:i])
		e.proxy.events = slices.Delete(e.proxy.events, 0, i+1)
		return true
	})
	var out []analyticsEvent
	for _, r := range got {
		dec := json.NewDecoder(strings.NewReader(r.Body))
		dec.DisallowUnknownFields()
		var ev analyticsEvent
		if err := dec.Decode(&ev); err != nil {
			tb.t.Errorf("event %s: %v", r.Body, err)
		}
		if !strings.HasPrefix(r.ContentType, "text/plain") || r.Cookie != "" {
			tb.t.Errorf("event %s came as %q with cookie %q; want text/plain and no cookie", r.Body, r.ContentType, r.Cookie)
		}
		out = append(out, ev)
	}
	return out
}

// eventCount is how many events have arrived (and not been flushed).
func (p *apiProxy) eventCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.events)
}

// wantEvents fails the test unless got holds want, in any order (two
// beacons sent at once may arrive either way round).
func wantEvents(t *testing.T, got []analyticsEvent, want ...analyticsEvent) {
	t.Helper()
	key := func(evs []analyticsEvent) []string {
		var out []string
		for _, ev := range evs {
			if ev.Topics == nil {
				ev.Topics = []string{} // the box sends [], never null
			}
			out = append(out, ev.String())
		}
		slices.Sort(out)
		return out
	}
	if g, w := key(got), key(want); !slices.Equal(g, w) {
		t.Errorf("events\n%s\nwant\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
	}
	for _, ev := range got {
		if ev.Topics == nil {
			t.Errorf("event %s: topics null, want []", ev)
		}
	}
}

// waitLeft waits until the tab shows a page of the service at path.
func (tb *tab) waitLeft(path string) {
	tb.t.Helper()
	tb.waitJS("the page "+path, fmt.Sprintf(`location.pathname.startsWith(%q) && document.readyState === "complete"`, path))
}

// TestBrowserAnalyticsPauseNotKeystrokes: typed key by key, a query counts
// once, when the reader rests on its answer; its prefixes, searched and
// shown on the way, count for nothing. Opening a hit then counts a click,
// and not the search again.
func TestBrowserAnalyticsPauseNotKeystrokes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hostPage{Attrs: `lang="en"`})
	tb := newTab(t)
	tb.open(e.host.URL)
	eval[chromedp.Void](tb, boxJS+`input.focus()`)
	answered := func(q string) func(widgetState) bool {
		return func(s widgetState) bool {
			return s.Value == q && !s.Busy && s.Status != "" && slices.Contains(e.proxy.searchQs(), q)
		}
	}
	tb.key("mela")
	tb.waitState("the answer for mela", answered("mela"))
	// Typed on, with the answer for melatonin slow to come: the rest after
	// mela's answer is over before it, and mela is no search all the same.
	// A second box, put on the page now, is the clock: the search it runs
	// is recorded a rest after its answer, so after mela's rest is over.
	release := e.proxy.hold("melatonin")
	tb.key("tonin")
	e.proxy.waitSearch(t, "melatonin")
	eval[chromedp.Void](tb, `{
		const clock = document.createElement("nmn-search");
		clock.setAttribute("q", "sleep");
		document.body.append(clock);
	}`)
	waitUntil(t, "the second box's search never recorded", func() bool { return e.proxy.eventCount() > 0 })
	release()
	tb.waitState("the answer for melatonin", answered("melatonin"))
	shown := time.Now()
	waitUntil(t, "no search recorded after a pause", func() bool { return e.proxy.eventCount() > 1 })
	// The answer was seen a poll after it was drawn: its record comes at
	// most recordPause after that, and not with the answer.
	if waited := time.Since(shown); waited < recordPause/2 {
		t.Errorf("the search was recorded %v after its answer, want a pause of %v", waited, recordPause)
	}
	if qs := e.proxy.searchQs(); !slices.Contains(qs, "mela") {
		t.Fatalf("searches %q: mela was never searched, so its not being counted proves nothing", qs)
	}

	res, sleep := e.api(t, "q=melatonin"), e.api(t, "q=sleep")
	tb.click(".entry .hit")
	tb.waitLeft("/articles/")
	wantEvents(t, e.flushEvents(tb),
		searchEvent("sleep", []string{}, "", int(sleep.Total), sleep.Articles),
		searchEvent("melatonin", []string{}, "", int(res.Total), res.Articles),
		clickEvent("melatonin", []string{}, "", res.Groups[0].Article.ID, 1))
}

// TestBrowserAnalyticsClickAtOnce: a hit opened before any pause counts the
// search first, then the click, with the article and the position of its
// entry, and the topics chosen.
func TestBrowserAnalyticsClickAtOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hostPage{Attrs: `lang="en" topics="sleep"`})
	tb := newTab(t)
	tb.open(e.host.URL)
	res := e.api(t, "q=NMN&topic=sleep")
	if len(res.Groups) < 2 {
		t.Fatalf("NMN in sleep finds %d articles; the test needs a second entry to open", len(res.Groups))
	}
	tb.typeQuery("NMN")
	tb.waitState("the entries for NMN", func(s widgetState) bool { return s.Value == "NMN" && !s.Busy && len(s.Entries) >= 2 })
	tb.click(".hits > .entry:nth-child(2) .hit")
	tb.waitLeft("/articles/" + res.Groups[1].Article.ID)
	wantEvents(t, e.flushEvents(tb),
		searchEvent("NMN", []string{"sleep"}, "", int(res.Total), res.Articles),
		clickEvent("NMN", []string{"sleep"}, "", res.Groups[1].Article.ID, 2))
}

// TestBrowserAnalyticsLeave: a reader who leaves the page, or its tab,
// before the pause is over has still searched: the answer shown counts,
// once.
func TestBrowserAnalyticsLeave(t *testing.T) {
	t.Parallel()
	t.Run("pagehide", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, hostPage{Attrs: `lang="en"`})
		tb := newTab(t)
		tb.open(e.host.URL)
		tb.typeQuery("NAD+")
		tb.waitState("the answer for NAD+", func(s widgetState) bool { return s.Value == "NAD+" && !s.Busy && len(s.Hits) > 0 })
		tb.do(chromedp.Navigate(e.svc.URL + "/embed"))
		tb.waitLeft("/embed")
		res := e.api(t, "q=NAD%2B")
		wantEvents(t, e.flushEvents(tb), searchEvent("NAD+", []string{}, "", int(res.Total), res.Articles))
	})
	// The service's own search page: the box posts to its origin. The
	// page's timers are cleared once the answer shows, so that only hiding
	// the tab can record it (Chromium's virtual time would stop them too,
	// but in every tab of the renderer, slowing the tests that run beside
	// this one); the tab is hidden as a browser hides it
	// (visibilityState, then the event), which headless Chromium never
	// does of itself.
	t.Run("hidden", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, hostPage{})
		tb := newTab(t)
		tb.open(e.svc.URL + "/")
		tb.typeQuery("睡眠")
		tb.waitState("the answer for 睡眠", func(s widgetState) bool { return s.Value == "睡眠" && !s.Busy && len(s.Hits) > 0 })
		eval[chromedp.Void](tb, `for (let id = setTimeout(() => {}); id > 0; id--) clearTimeout(id);`)
		hide := func(hidden bool) {
			eval[chromedp.Void](tb, fmt.Sprintf(`Object.defineProperty(document, "visibilityState", { value: %q, configurable: true });
				Object.defineProperty(document, "hidden", { value: %v, configurable: true });
				document.dispatchEvent(new Event("visibilitychange"));`, map[bool]string{true: "hidden", false: "visible"}[hidden], hidden))
		}
		hide(true)
		waitUntil(t, "hiding the tab recorded nothing", func() bool { return e.proxy.eventCount() > 0 })
		// Back, then hidden again: the search was counted already.
		hide(false)
		hide(true)
		res := e.api(t, "q="+url.QueryEscape("睡眠"))
		wantEvents(t, e.flushEvents(tb), searchEvent("睡眠", []string{}, "", int(res.Total), res.Articles))
	})
}

// TestBrowserAnalyticsOff: with no-analytics, neither a hit opened nor the
// page left sends anything.
func TestBrowserAnalyticsOff(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hostPage{Attrs: `lang="en" no-analytics`})
	tb := newTab(t)
	tb.open(e.host.URL)
	tb.typeQuery("melatonin")
	tb.waitState("the hits for melatonin", func(s widgetState) bool { return s.Value == "melatonin" && !s.Busy && len(s.Hits) > 0 })
	tb.click(".entry .hit")
	tb.waitLeft("/articles/")
	wantEvents(t, e.flushEvents(tb))
}

// fakeReport plays GET /api/admin/analytics: a report for the days asked
// for, to the token only; it keeps every request.
type fakeReport struct {
	token string

	mu       sync.Mutex
	requests []*http.Request
}

// Rows of the fake report.
var (
	fakeTop = []map[string]any{
		{"q": "メラトニン", "topics": []string{}, "searches": 40, "no_hits": 0, "clicks": 22, "ctr": 0.55, "mean_first_position": 1.4},
		{"q": "NAD+", "topics": []string{"sleep"}, "searches": 31, "no_hits": 2, "clicks": 10, "ctr": 10.0 / 31, "mean_first_position": 2.25},
		{"q": "zinc", "topics": []string{}, "searches": 9, "no_hits": 9, "clicks": 0, "ctr": 0, "mean_first_position": 0},
	}
	fakeTopNoHits = []map[string]any{{"q": "zinc", "topics": []string{}, "searches": 9}, {"q": "宇宙旅行", "topics": []string{}, "searches": 3}}
)

const fakeOther = 17

// fakeDay is the fake report's day i: a few searches, some of them with
// no hits, and a day with none every ninth.
func fakeDay(i int) (searches, noHits, clicks int) {
	if i%9 == 4 {
		return 0, 0, 0
	}
	searches = 5 + (i*7)%13
	return searches, i % 4, searches / 3
}

func (f *fakeReport) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.Clone(r.Context()))
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if r.Header.Get("Authorization") != "Bearer "+f.token {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"error":{"code":"unauthorized","message":"the bearer token is not the admin token"}}`)
		return
	}
	from, err1 := time.Parse(time.DateOnly, r.URL.Query().Get("from"))
	to, err2 := time.Parse(time.DateOnly, r.URL.Query().Get("to"))
	if err1 != nil || err2 != nil || to.Before(from) {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":{"code":"invalid_param","message":"from and to"}}`)
		return
	}
	var days []map[string]any
	for d, i := from, 0; !d.After(to); d, i = d.AddDate(0, 0, 1), i+1 {
		s, n, c := fakeDay(i)
		days = append(days, map[string]any{"day": d.Format(time.DateOnly), "searches": s, "no_hits": n, "clicks": c})
	}
	var buf bytes.Buffer
	json.NewEncoder(&buf).Encode(map[string]any{
		"from": from.Format(time.DateOnly), "to": to.Format(time.DateOnly), "days": days,
		"top": fakeTop, "top_no_hits": fakeTopNoHits, "other": fakeOther,
	})
	w.Write(buf.Bytes())
}

// lastRequest is the last request the fake report had.
func (f *fakeReport) lastRequest() *http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.requests) == 0 {
		return nil
	}
	return f.requests[len(f.requests)-1]
}

// reportState is what the admin page shows of the report.
type reportState struct {
	Shown, Required               bool // the report; the token field asks for a token
	Status                        string
	StatusError                   bool
	Token, From, To               string // the fields' values
	Bars, Points, Lines           int    // SVG bars, points and lines of the two charts
	Totals                        []string
	Top, NoHits                   [][]string // the tables' cells
	Other                         string
	Href, Cookie                  string
	Stored                        int // items in localStorage and sessionStorage
	ScrollWidth, Width, SVGWidest float64
}

const reportJS = `(() => {
	const $ = (id) => document.getElementById(id);
	const cells = (id) => [...$(id).tBodies[0].rows].map((r) => [...r.cells].map((c) => c.textContent));
	return {
		Shown: !$("report").hidden, Required: $("token").required,
		Status: $("status").textContent, StatusError: $("status").classList.contains("error"),
		Token: $("token").value, From: $("from").value, To: $("to").value,
		Bars: document.querySelectorAll("#chart-searches svg rect.bar").length,
		Points: document.querySelectorAll("#chart-nohits svg circle.point").length,
		Lines: document.querySelectorAll("#chart-nohits svg path.line").length,
		Totals: [...document.querySelectorAll("#totals li")].map((li) => li.innerText.replace(/\s+/g, " ")),
		Top: cells("top"), NoHits: cells("top-no-hits"), Other: $("other").textContent,
		Href: location.href, Cookie: document.cookie, Stored: localStorage.length + sessionStorage.length,
		ScrollWidth: document.documentElement.scrollWidth, Width: innerWidth,
		SVGWidest: Math.max(0, ...[...document.querySelectorAll(".chart svg")].map((s) => s.getBoundingClientRect().right)),
	};
})()`

// waitReport waits until the admin page shows what ok wants.
func (tb *tab) waitReport(what string, ok func(reportState) bool) reportState {
	tb.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		s, err := chromedp.Run(tb.ctx, chromedp.Evaluate[reportState](reportJS))
		if err == nil && ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("waited %v for %s; the page shows %+v (err %v)", waitTimeout, what, s, err)
		}
		time.Sleep(pollInterval)
	}
}

// submitToken types token into the token field, if any, and sends the form
// with its button, as a person does.
func (tb *tab) submitToken(token string) {
	tb.t.Helper()
	if token != "" {
		eval[chromedp.Void](tb, `document.getElementById("token").focus()`)
		tb.insertText(token)
	}
	xy := eval[[]float64](tb, `(() => {
		const r = document.querySelector("#report-form button[type=submit]").getBoundingClientRect();
		return [r.left + r.width / 2, r.top + r.height / 2];
	})()`)
	tb.do(chromedp.MouseClickXY(xy[0], xy[1]))
}

// TestBrowserAnalyticsPage: the admin page asks for the token, keeps it in
// the page only (not in the address, a cookie or storage, not even in its
// field), fetches the report of the last 30 days and draws it: a bar a
// day, a point a day with searches, the top queries with CTR and first
// position, the queries that found nothing; a wrong token says so; other
// dates are fetched with the token kept; on a phone nothing is wider than
// the screen, and a reload forgets the token.
func TestBrowserAnalyticsPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hostPage{})
	const token = "a-test-admin-token-0123456789"
	e.proxy.report = &fakeReport{token: token}
	tb := newTab(t)
	tb.allowConsole("401") // the browser logs the refused request
	page := e.svc.URL + "/admin/analytics"
	tb.do(chromedp.Navigate(page))
	s := tb.waitReport("the form", func(s reportState) bool { return s.To != "" })
	today := time.Now()
	wantFrom, wantTo := today.AddDate(0, 0, -29).Format(time.DateOnly), today.Format(time.DateOnly)
	if s.Shown || !s.Required || s.From != wantFrom || s.To != wantTo {
		t.Errorf("before the token: %+v; want no report, a token asked for, %s to %s", s, wantFrom, wantTo)
	}
	if typ := eval[string](tb, `document.getElementById("token").type`); typ != "password" {
		t.Errorf("the token field is %s, want password", typ)
	}

	tb.submitToken("not-the-token-000000000000")
	s = tb.waitReport("the wrong token refused", func(s reportState) bool { return s.StatusError })
	if s.Shown || s.Status != "This is not the admin token." || !s.Required {
		t.Errorf("a wrong token: %+v", s)
	}

	tb.submitToken(token)
	s = tb.waitReport("the report", func(s reportState) bool { return s.Shown && s.Bars > 0 })
	var searches, noHits, clicks, active int
	for i := range 30 {
		n, z, c := fakeDay(i)
		searches, noHits, clicks = searches+n, noHits+z, clicks+c
		if n > 0 {
			active++
		}
	}
	if s.Bars != 30 || s.Points != active || s.Lines != 1 {
		t.Errorf("charts of %d bars and %d points (%d lines), want 30 and %d (1)", s.Bars, s.Points, s.Lines, active)
	}
	wantTotals := []string{
		fmt.Sprintf("Searches %d", searches), fmt.Sprintf("No hits %d", noHits), fmt.Sprintf("Clicks %d", clicks),
		fmt.Sprintf("No-hit rate %.1f%%", 100*float64(noHits)/float64(searches)),
		fmt.Sprintf("Click-through %.1f%%", 100*float64(clicks)/float64(searches)),
	}
	for i, w := range wantTotals {
		wantTotals[i] = strings.Replace(w, ".0%", "%", 1)
	}
	if !slices.Equal(s.Totals, wantTotals) {
		t.Errorf("totals %q, want %q", s.Totals, wantTotals)
	}
	// A query filtered by topics names them, in the page's language.
	topics, err := testService(t).Topics(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	sleepName := "sleep"
	for _, f := range topics {
		if f.Value == "sleep" {
			sleepName = f.Label.EN
		}
	}
	wantTop := [][]string{
		{"メラトニン", "40", "0", "22", "55%", "1.4"},
		{"NAD+" + sleepName, "31", "2", "10", "32.3%", "2.3"},
		{"zinc", "9", "9", "0", "0%", "—"},
	}
	if !slices.EqualFunc(s.Top, wantTop, slices.Equal) {
		t.Errorf("top queries %q, want %q", s.Top, wantTop)
	}
	if want := [][]string{{"zinc", "9"}, {"宇宙旅行", "3"}}; !slices.EqualFunc(s.NoHits, want, slices.Equal) {
		t.Errorf("top queries with no hits %q, want %q", s.NoHits, want)
	}
	if !strings.HasSuffix(s.Other, fmt.Sprint(fakeOther)) {
		t.Errorf("other %q, want %d", s.Other, fakeOther)
	}
	// The token is in the request's header, and nowhere the page keeps.
	req := e.proxy.report.lastRequest()
	if req.URL.Query().Get("from") != wantFrom || req.URL.Query().Get("to") != wantTo {
		t.Errorf("asked for %s, want from=%s&to=%s", req.URL.RawQuery, wantFrom, wantTo)
	}
	if s.Href != page || strings.Contains(req.URL.String(), token) || s.Cookie != "" || s.Stored != 0 || s.Token != "" || s.Required {
		t.Errorf("the token shows: address %s, request %s, cookie %q, %d stored, field %q (required %v)",
			s.Href, req.URL, s.Cookie, s.Stored, s.Token, s.Required)
	}

	// A week, with the token kept.
	weekFrom := today.AddDate(0, 0, -6).Format(time.DateOnly)
	eval[chromedp.Void](tb, fmt.Sprintf(`document.getElementById("from").value = %q`, weekFrom))
	tb.submitToken("")
	s = tb.waitReport("the week", func(s reportState) bool { return s.Bars == 7 })
	if req := e.proxy.report.lastRequest(); req.Header.Get("Authorization") != "Bearer "+token || req.URL.Query().Get("from") != weekFrom {
		t.Errorf("the week asked for as %s with %q", req.URL.RawQuery, req.Header.Get("Authorization"))
	}

	// A phone, the page loaded again: the token is asked for again.
	tb.phone()
	tb.do(chromedp.Navigate(page))
	s = tb.waitReport("the form again", func(s reportState) bool { return s.To != "" && s.Href == page })
	if s.Shown || !s.Required {
		t.Errorf("after a reload: %+v; want the token asked for again", s)
	}
	tb.submitToken(token)
	s = tb.waitReport("the report on a phone", func(s reportState) bool { return s.Bars == 30 })
	if s.Width != phoneWidth || s.ScrollWidth > s.Width || s.SVGWidest > s.Width {
		t.Errorf("on a %v px phone the page is %v px wide, its widest chart ends at %v px", s.Width, s.ScrollWidth, s.SVGWidest)
	}
}

// TestBrowserAnalyticsPageJapanese: a Japanese browser gets the page in
// Japanese, the numbers in its format.
func TestBrowserAnalyticsPageJapanese(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hostPage{})
	const token = "a-test-admin-token-0123456789"
	e.proxy.report = &fakeReport{token: token}
	tb := newTab(t)
	if _, err := chromedp.Call(tb.ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
		Headers: network.Headers{"Accept-Language": "ja,en;q=0.5"},
	}); err != nil {
		t.Fatal(err)
	}
	tb.do(chromedp.Navigate(e.svc.URL + "/admin/analytics"))
	tb.waitReport("the form", func(s reportState) bool { return s.To != "" })
	tb.submitToken(token)
	s := tb.waitReport("the report", func(s reportState) bool { return s.Bars == 30 })
	if h1 := eval[string](tb, `document.querySelector("h1").textContent`); h1 != "検索の分析" {
		t.Errorf("heading %q", h1)
	}
	if len(s.Totals) == 0 || !strings.HasPrefix(s.Totals[0], "検索 ") || s.Top[0][0] != "メラトニン" {
		t.Errorf("totals %q, top %q", s.Totals, s.Top)
	}
}

// TestBrowserAnalyticsEndToEnd: the box on a clinic's page and the service
// with analytics, no proxy between them: a search and the hit opened reach
// the report, and the admin page draws them.
func TestBrowserAnalyticsEndToEnd(t *testing.T) {
	t.Parallel()
	requireChromium(t)
	store, err := analytics.Open(analytics.Options{})
	if err != nil {
		t.Fatal(err)
	}
	svc := testService(t)
	h := server.New(slog.New(slog.DiscardHandler), svc, server.WithAnalytics(store), server.WithAdmin(testToken, svc))
	ts := httptest.NewServer(h)
	t.Cleanup(func() { ts.Close(); store.Close() })
	host := httptest.NewServer(hostSite(ts.URL, hostPage{Attrs: `lang="en"`}))
	t.Cleanup(host.Close)

	tb := newTab(t)
	tb.open(host.URL)
	tb.typeQuery("melatonin")
	tb.waitState("the hits for melatonin", func(s widgetState) bool { return s.Value == "melatonin" && !s.Busy && len(s.Hits) > 0 })
	tb.click(".entry .hit")
	tb.waitLeft("/articles/")
	var rep analytics.Report
	waitUntil(t, "the search and the click never reached the report", func() bool {
		rec := serveAdmin(t, h, "GET", "/api/admin/analytics", "")
		return rec.Code == http.StatusOK && json.Unmarshal(rec.Body.Bytes(), &rep) == nil &&
			len(rep.Top) == 1 && rep.Top[0].Searches == 1 && rep.Top[0].Clicks == 1
	})
	if q := rep.Top[0]; q.Q != "melatonin" || q.NoHits != 0 || q.CTR != 1 || q.MeanFirstPosition != 1 {
		t.Errorf("the report's query: %+v", q)
	}

	tb.do(chromedp.Navigate(ts.URL + "/admin/analytics"))
	tb.waitReport("the form", func(s reportState) bool { return s.To != "" })
	tb.submitToken(testToken)
	s := tb.waitReport("the report", func(s reportState) bool { return s.Bars > 0 })
	if want := [][]string{{"melatonin", "1", "0", "1", "100%", "1.0"}}; !slices.EqualFunc(s.Top, want, slices.Equal) {
		t.Errorf("the admin page's top queries %q, want %q", s.Top, want)
	}
	if want := [][]string{{"None"}}; !slices.EqualFunc(s.NoHits, want, slices.Equal) {
		t.Errorf("the admin page's queries with no hits %q, want %q", s.NoHits, want)
	}
}
