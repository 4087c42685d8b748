package server_test

// The harness of the browser tests (widget_test.go): Debian's Chromium,
// headless, driven through chromedp; one browser for the package, a tab per
// test. The box is served by a test service over index/testdata and
// testdata/ behind a recording proxy, and embedded in a page of another
// origin (a second server) with a strict CSP and hostile CSS, as a clinic
// site would embed it.
//
// Where no Chromium is found the browser tests skip, saying so; with
// CI=true they fail instead. A failed test saves a screenshot under
// .bench/out/browser/ and logs its path.

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"nmnsearch/index"
	"nmnsearch/search"
	"nmnsearch/server"
)

// Time limits of the browser tests.
const (
	browserStartTimeout = 60 * time.Second        // to start Chromium, or to open a tab in it
	browserTestTimeout  = 60 * time.Second        // one test, every step of it
	waitTimeout         = 10 * time.Second        // for one thing a person would see
	pollInterval        = 20 * time.Millisecond   // between looks
	debounce            = 150 * time.Millisecond  // DEBOUNCE_MS of nmn-search.js
	screenshotDir       = "../.bench/out/browser" // gitignored, from the package directory
)

// chromiumNames are looked up on PATH, in order, unless NMNSEARCH_CHROMIUM
// names the binary.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome"}

func chromiumPath() string {
	if p := os.Getenv("NMNSEARCH_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range chromiumNames {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser is the one Chromium of the test binary, started by the first
// browser test and stopped by TestMain.
var browser struct {
	once    sync.Once
	ctx     context.Context // a chromedp context whose browser has started
	cancel  context.CancelFunc
	profile string
	err     error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if browser.cancel != nil {
		browser.cancel()
		os.RemoveAll(browser.profile)
	}
	os.Exit(code)
}

func startBrowser(path string) {
	browser.profile, browser.err = os.MkdirTemp("", "nmnsearch-chromium-")
	if browser.err != nil {
		return
	}
	// The flags this machine needs (see the README): no sandbox as root, no
	// GPU, and none of the background connections a closed network refuses.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(browser.profile),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx, chromedp.WithErrorf(func(string, ...any) {}))
	browser.ctx = ctx
	browser.cancel = func() { cancelCtx(); cancelAlloc() }
	if browser.err = firstRun(ctx); browser.err != nil {
		browser.cancel()
	}
}

// firstRun runs nothing on a chromedp context that has not run yet, which
// starts its browser or opens its tab, and gives up after
// browserStartTimeout. (A context with a deadline would not do: the browser
// or tab lives as long as the context of its first run.) On an error the
// caller cancels ctx, which also ends the run left waiting.
func firstRun(ctx context.Context) error {
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(ctx) }()
	select {
	case err := <-done:
		return err
	case <-time.After(browserStartTimeout):
		return fmt.Errorf("no answer within %v", browserStartTimeout)
	}
}

// tab is one browser tab of a test, with what its pages wrote to the console.
type tab struct {
	t   *testing.T
	ctx context.Context

	mu      sync.Mutex
	console []chromedp.ConsoleMessage
	allowed []string // substrings of console errors this test expects
}

// requireChromium returns the browser's path, or skips the test where there
// is none; with CI=true it fails the test instead.
func requireChromium(t *testing.T) string {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true and no Chromium: .ci/run installs Debian's chromium; or set NMNSEARCH_CHROMIUM")
		}
		t.Skip("no Chromium found, browser test skipped: apt-get install chromium fonts-noto-cjk, or set NMNSEARCH_CHROMIUM")
	}
	return path
}

// newTab opens a tab in the shared browser. The tab fails its test if a page
// writes an error to the console, and saves a screenshot if the test fails.
// Open it after newEnv: the tab then closes before the servers do.
func newTab(t *testing.T) *tab {
	t.Helper()
	path := requireChromium(t)
	browser.once.Do(func() { startBrowser(path) })
	if browser.err != nil {
		t.Fatalf("start %s: %v", path, browser.err)
	}
	ctx, cancel := chromedp.NewContext(browser.ctx)
	if err := firstRun(ctx); err != nil {
		cancel()
		t.Fatalf("open a tab: %v", err)
	}
	tb := &tab{t: t}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			tb.mu.Lock()
			tb.console = append(tb.console, m)
			tb.mu.Unlock()
		}
	}()
	var cancelTimeout context.CancelFunc
	tb.ctx, cancelTimeout = context.WithTimeout(ctx, browserTestTimeout)
	// Cleanups run last first: the console check, then the screenshot (so
	// that a console error gets one too), then the tab closes.
	t.Cleanup(func() { cancelTimeout(); cancel() })
	t.Cleanup(func() {
		if t.Failed() {
			tb.screenshot(ctx)
		}
	})
	t.Cleanup(tb.checkConsole)
	return tb
}

// allowConsole lets console errors that contain one of substrings pass: a
// test of the "unavailable" state makes the browser log the failed request.
func (tb *tab) allowConsole(substrings ...string) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.allowed = append(tb.allowed, substrings...)
}

// consoleFlush is logged last: the browser sends console messages in
// order, so once it has arrived, so has every message before it.
const consoleFlush = "nmn-console-flush"

func (tb *tab) checkConsole() {
	if _, err := chromedp.Run(tb.ctx, chromedp.Evaluate[chromedp.Void](`console.info("`+consoleFlush+`")`)); err == nil {
		waitUntil(tb.t, "the console's last messages", func() bool {
			tb.mu.Lock()
			defer tb.mu.Unlock()
			return slices.ContainsFunc(tb.console, func(m chromedp.ConsoleMessage) bool { return m.Text == consoleFlush })
		})
	}
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, m := range tb.console {
		if m.Type != chromedp.ConsoleError && m.Type != chromedp.ConsoleException {
			continue
		}
		ok := false
		for _, a := range tb.allowed {
			ok = ok || strings.Contains(m.Text, a)
		}
		if !ok {
			tb.t.Errorf("console %s (%s)", m, m.URL)
		}
	}
}

// screenshot saves the page as the person saw it when the test failed.
func (tb *tab) screenshot(tabCtx context.Context) {
	ctx, cancel := context.WithTimeout(tabCtx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Logf("no screenshot: %v", err)
		return
	}
	dir, _ := filepath.Abs(screenshotDir)
	name := regexp.MustCompile(`[^A-Za-z0-9_.-]+`).ReplaceAllString(tb.t.Name(), "_") + ".png"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Logf("no screenshot: %v", err)
		return
	}
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, png, 0o644); err != nil {
		tb.t.Logf("no screenshot: %v", err)
		return
	}
	tb.t.Logf("screenshot of the failure: %s", file)
}

func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, actions...); err != nil {
		tb.t.Fatal(err)
	}
}

// eval runs a JavaScript expression in the page and decodes its value.
func eval[T any](tb *tab, js string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("%v\nin: %s", err, js)
	}
	return v
}

// open navigates to url and waits until the box on it is defined, shown and
// ready for typing.
func (tb *tab) open(url string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(url))
	tb.waitState("the box to be defined and shown", func(s widgetState) bool { return s.Defined && s.InputVisible })
}

// key presses keys (runes, or kb's named keys) on the focused element as a
// keyboard does: a keyDown that carries the key's text, then a keyUp.
// (chromedp.KeyEvent sends the text as a separate char event, which types it
// even when the page cancelled the keydown, as the "/" shortcut does; a real
// keyboard's text is suppressed with its keydown.)
func (tb *tab) key(keys string, mods ...chromedp.Modifier) {
	tb.t.Helper()
	var modifiers int64
	for _, m := range mods {
		modifiers |= int64(m)
	}
	for _, r := range keys {
		text := ""
		for _, ev := range kb.Encode(r) {
			if ev.Type == kb.KeyChar {
				text = ev.Text
			}
		}
		for _, ev := range kb.Encode(r) {
			ev.Modifiers = modifiers
			switch {
			case ev.Type == kb.KeyChar:
				continue
			case ev.Type == kb.KeyDown && text != "" && modifiers&^int64(chromedp.ModifierShift) == 0:
				ev.Text, ev.UnmodifiedText = text, text
			case ev.Type == kb.KeyDown:
				ev.Type = kb.KeyRawDown
			}
			if _, err := chromedp.Call(tb.ctx, input.DispatchKeyEvent, *ev); err != nil {
				tb.t.Fatal(err)
			}
		}
	}
}

// insertText inserts text into the focused field as an input method commits
// it: one input event, whatever its length.
func (tb *tab) insertText(text string) {
	tb.t.Helper()
	if _, err := chromedp.Call(tb.ctx, input.InsertText, input.InsertTextParams{Text: text}); err != nil {
		tb.t.Fatal(err)
	}
}

// typeQuery focuses the box, selects what is in it and replaces it with q.
func (tb *tab) typeQuery(q string) {
	tb.t.Helper()
	eval[chromedp.Void](tb, boxJS+`input.focus(); input.select();`)
	tb.insertText(q)
}

// click clicks the middle of the element a CSS selector finds in the box's
// shadow root, with the mouse: what covers it gets the click.
func (tb *tab) click(selector string) {
	tb.t.Helper()
	xy := eval[[]float64](tb, boxJS+fmt.Sprintf(`(() => {
		const el = root.querySelector(%q);
		if (!el) return null;
		el.scrollIntoView({block: "center"});
		const r = el.getBoundingClientRect();
		return [r.left + r.width / 2, r.top + r.height / 2];
	})()`, selector))
	if len(xy) != 2 {
		tb.t.Fatalf("click: nothing in the box matches %s", selector)
	}
	tb.do(chromedp.MouseClickXY(xy[0], xy[1]))
}

// ignoreAbort makes the pages the tab opens from now on drop the signal of
// every fetch, so that an aborted request is answered all the same, as a
// request already answered is; window.__answered lists the URLs whose body
// the page has read and handled (a task after the read: the page's
// continuation runs in the microtasks before it). (A script added this way
// runs before the page's own, whatever its CSP.)
func (tb *tab) ignoreAbort() {
	tb.t.Helper()
	const js = `{
		const fetch = window.fetch;
		window.__answered = [];
		window.fetch = async (url, { signal, ...options } = {}) => {
			const r = await fetch(url, options);
			const json = r.json.bind(r);
			r.json = async () => {
				try {
					return await json();
				} finally {
					setTimeout(() => window.__answered.push(String(url)));
				}
			};
			return r;
		};
	}`
	if _, err := chromedp.Call(tb.ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: js}); err != nil {
		tb.t.Fatal(err)
	}
}

// boxJS starts every script that looks into the box.
const boxJS = `var box = document.querySelector("nmn-search"), root = box && box.shadowRoot,
	input = root && root.querySelector("input[role=combobox]"); `

// widgetState is what a person sees of the box, read from the page.
type widgetState struct {
	Defined, InputVisible, Focused, PanelVisible, More bool // More: the button is shown and enabled
	Busy                                               bool // a search is on its way (aria-busy)
	Value, Placeholder, Expanded, ActiveDescendant     string
	Status                                             string
	StatusError                                        bool // the status is shown as an error
	Entries                                            []entryState
	Hits                                               []hitState
	Suggestions                                        []string
	Chips                                              []chipState // the topic filters
	Langs                                              []chipState
	FiltersVisible                                     bool
	Note                                               string      // the text below the hits: what to try, or to try again
	DidYouMean                                         string      // the suggestion of the note
	Browse                                             []chipState // the topics the note offers
	Hints                                              string      // the keyboard hints, when shown
	Elements                                           []string    // element names in the hits
}

// entryState is one article of the answer as the box shows it.
type entryState struct {
	Title, Lang, Href string
	Hits              int
}

type hitState struct {
	ID, Selected, Title, Section, Snippet, Href string
	Marks                                       []string
	MarkBackground                              string
}

// chipState is a topic or language button; Count is -1 where it shows
// no count.
type chipState struct {
	Value, Name string
	Pressed     bool
	Count       int
}

func (s widgetState) String() string {
	b, _ := json.MarshalIndent(s, "", "  ")
	return string(b)
}

// chip is the topic chip of value, with Count -1 when there is none.
func (s widgetState) chip(value string) chipState {
	for _, c := range s.Chips {
		if c.Value == value {
			return c
		}
	}
	return chipState{Count: -1}
}

const stateJS = boxJS + `(() => {
	const visible = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
	if (!root || !customElements.get("nmn-search")) return {Defined: false};
	const all = (s) => [...root.querySelectorAll(s)].filter(visible);
	const count = (el) => el.textContent === "" ? -1 : +el.textContent;
	const chip = (c) => ({
		Value: c.dataset.topic, Name: c.querySelector(".name").textContent,
		Pressed: c.getAttribute("aria-pressed") === "true", Count: count(c.querySelector(".n")),
	});
	return {
		Defined: true,
		InputVisible: visible(input),
		Focused: document.activeElement === box && root.activeElement === input,
		PanelVisible: visible(root.querySelector(".panel")),
		More: visible(root.querySelector(".more")) && !root.querySelector(".more").disabled, // clickable
		Busy: root.querySelector("[role=listbox]").getAttribute("aria-busy") === "true",
		Value: input.value,
		Placeholder: input.placeholder,
		Expanded: input.getAttribute("aria-expanded") || "",
		ActiveDescendant: input.getAttribute("aria-activedescendant") || "",
		Status: root.querySelector("[role=status]").textContent,
		StatusError: root.querySelector("[role=status]").classList.contains("error"),
		Entries: all(".entry").map((e) => ({
			Title: e.querySelector(".title").textContent, Lang: e.querySelector(".title").lang,
			Href: e.querySelector(".title").href, Hits: e.querySelectorAll(".hit").length,
		})),
		Hits: all(".hit").map((o) => ({
			ID: o.id, Selected: o.getAttribute("aria-selected"),
			Title: o.closest(".entry").querySelector(".title").textContent,
			Section: o.querySelector(".section")?.textContent ?? "",
			Snippet: o.querySelector(".snippet").textContent,
			Href: o.querySelector("a").href,
			Marks: [...o.querySelectorAll("mark")].map((m) => m.textContent),
			MarkBackground: o.querySelector("mark") ? getComputedStyle(o.querySelector("mark")).backgroundColor : "",
		})),
		Suggestions: all(".suggestion").map((o) => o.textContent),
		Chips: all(".filters .chip").map(chip),
		Langs: all(".langs label").map((l) => ({
			Value: l.querySelector("input").value, Name: l.querySelector(".name").textContent,
			Pressed: l.querySelector("input").checked, Count: count(l.querySelector(".n")),
		})),
		FiltersVisible: visible(root.querySelector(".filters")),
		Note: visible(root.querySelector(".note")) ? root.querySelector(".note").textContent : "",
		DidYouMean: all(".note .dym").map((b) => b.textContent).join(""),
		Browse: all(".note .chip").map(chip),
		Hints: visible(root.querySelector(".hints")) ? root.querySelector(".hints").innerText.replace(/\s+/g, " ") : "",
		Elements: [...new Set([...root.querySelectorAll(".hits *")].map((e) => e.localName))],
	};
})()`

func (tb *tab) state() (widgetState, error) {
	return chromedp.Run(tb.ctx, chromedp.Evaluate[widgetState](stateJS))
}

// waitState waits until the box shows what ok wants, and returns it; past
// waitTimeout the test fails with what the box showed last.
func (tb *tab) waitState(what string, ok func(widgetState) bool) widgetState {
	tb.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		s, err := tb.state()
		if err == nil && ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("waited %v for %s; the box shows %s (err %v)", waitTimeout, what, s, err)
		}
		time.Sleep(pollInterval)
	}
}

// waitJS waits until a JavaScript expression is true.
func (tb *tab) waitJS(what, js string) {
	tb.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		ok, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("waited %v for %s (%s): %v", waitTimeout, what, js, err)
		}
		time.Sleep(pollInterval)
	}
}

// The test corpus: the three articles of index/testdata and, from testdata/,
// one whose text is full of markup. Built once; the service is read-only.
var corpus struct {
	once sync.Once
	svc  *search.Service
	err  error
}

func testService(t *testing.T) *search.Service {
	t.Helper()
	corpus.once.Do(func() {
		ix, err := index.Build(os.DirFS("../index/testdata"))
		if err != nil {
			corpus.err = err
			return
		}
		extra, err := index.ReadArticles(os.DirFS("testdata"))
		for i := range extra {
			if err == nil && extra[i].ID == markupArticleID {
				src := extra[i].Source()   // an article is kept as its source
				src.URL = markupArticleURL // where the clinic published it
				extra[i], err = src.Parse()
			}
		}
		if err == nil {
			err = ix.Add(extra...)
		}
		corpus.svc, corpus.err = search.New(ix, nil), err
	})
	if corpus.err != nil {
		t.Fatal(corpus.err)
	}
	return corpus.svc
}

// The markup article of testdata/, and the original it was read from.
const (
	markupArticleID  = "900-markup"
	markupArticleURL = "https://clinic.example/blog/zebrafish"
)

// Sizes of the paging corpus: more articles than a page of the box, fewer
// than one page of the API, so that the box's pages can be compared with
// one answer of the API.
const (
	pagingPlusArticles = 23 // that say NAD+
	pagingBareArticles = 4  // that say NAD with no plus
)

// pagingService is a corpus of short articles for paging through articles:
// pagingPlusArticles say "NAD+", two paragraphs each; pagingBareArticles
// say "NAD" alone.
var paging struct {
	once sync.Once
	svc  *search.Service
	err  error
}

func pagingService(t *testing.T) *search.Service {
	t.Helper()
	paging.once.Do(func() {
		var arts []index.Article
		add := func(id, text string) {
			a, err := index.ParseArticle(id, []byte(text))
			paging.err = cmp.Or(paging.err, err)
			arts = append(arts, a)
		}
		for i := range pagingPlusArticles {
			add(fmt.Sprintf("%03d-plus", i), fmt.Sprintf("NAD+ study %d\n\nThe NAD+ level rose in trial %d.\n\nA second look at NAD+ in trial %d.\n", i, i, i))
		}
		for i := range pagingBareArticles {
			add(fmt.Sprintf("%03d-bare", 100+i), fmt.Sprintf("NAD note %d\n\nNAD without the sign, note %d.\n", i, i))
		}
		ix, err := index.New()
		if err == nil && paging.err == nil {
			err = ix.Add(arts...)
		}
		paging.svc, paging.err = search.New(ix, nil), cmp.Or(paging.err, err)
	})
	if paging.err != nil {
		t.Fatal(paging.err)
	}
	return paging.svc
}

// apiProxy stands in front of the service: it records the API requests the
// box makes, and can delay a search or play an outage.
type apiProxy struct {
	next http.Handler

	mu       sync.Mutex
	searches []url.Values // every /api/search, in arrival order
	rawQs    []string     // their raw query strings
	suggests []string     // q of every /api/suggest
	canceled []string     // q of delayed searches the client gave up on
	delay    map[string]time.Duration
	held     map[string]chan struct{} // searches for these wait until the channel closes
	fail     *apiFailure              // the API's answer to every request, when set
	inject   string                   // raw markup put in front of every highlight, as a broken service might
	events   []recordedEvent          // every POST /api/events, answered here (analytics_browser_test.go)
	report   *fakeReport              // with a report, GET /api/admin/analytics answered here
}

// apiFailure is an error the API answers with: status and code, or with
// status 0 no answer at all (the connection closed, as a network fails).
type apiFailure struct {
	status int
	code   string
}

func (p *apiProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.analytics(w, r) {
		return
	}
	q := r.URL.Query().Get("q")
	p.mu.Lock()
	switch r.URL.Path {
	case "/api/search":
		p.searches = append(p.searches, r.URL.Query())
		p.rawQs = append(p.rawQs, r.URL.RawQuery)
	case "/api/suggest":
		p.suggests = append(p.suggests, q)
	}
	delay, held, fail, inject := p.delay[q], p.held[q], p.fail, p.inject
	p.mu.Unlock()

	if fail != nil && strings.HasPrefix(r.URL.Path, "/api/") {
		if fail.status == 0 {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(fail.status)
		fmt.Fprintf(w, `{"error":{"code":%q,"message":"an English message from the API (%s)"}}`, fail.code, fail.code)
		return
	}
	if r.URL.Path == "/api/search" && (delay > 0 || held != nil) {
		wait := held
		if wait == nil {
			wait = make(chan struct{})
			time.AfterFunc(delay, func() { close(wait) })
		}
		select {
		case <-wait:
		case <-r.Context().Done():
			p.mu.Lock()
			p.canceled = append(p.canceled, q)
			p.mu.Unlock()
			return
		}
	}
	if r.URL.Path == "/api/search" && inject != "" {
		p.injectHighlights(w, r, inject)
		return
	}
	p.next.ServeHTTP(w, r)
}

// injectHighlights answers a search with markup that is not escaped in front
// of each highlight: the box must not trust the service's HTML either.
func (p *apiProxy) injectHighlights(w http.ResponseWriter, r *http.Request, markup string) {
	rec := httptest.NewRecorder()
	p.next.ServeHTTP(rec, r)
	var res map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	hits, _ := res["hits"].([]any)
	groups, _ := res["groups"].([]any)
	for _, g := range groups {
		if group, ok := g.(map[string]any); ok {
			more, _ := group["hits"].([]any)
			hits = append(hits, more...)
		}
	}
	for _, h := range hits {
		if hit, ok := h.(map[string]any); ok {
			hit["highlight"] = markup + hit["highlight"].(string)
		}
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	// The body changes: its length and validator no longer hold.
	w.Header().Del("Content-Length")
	w.Header().Del("ETag")
	w.WriteHeader(rec.Code)
	json.NewEncoder(w).Encode(res)
}

func (p *apiProxy) searchQs() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, v := range p.searches {
		out = append(out, v.Get("q"))
	}
	return out
}

// waitSearch waits until a search for q has reached the service.
func (p *apiProxy) waitSearch(t *testing.T, q string) {
	t.Helper()
	waitUntil(t, "the search for "+q+" never reached the service", func() bool {
		return slices.Contains(p.searchQs(), q)
	})
}

func (p *apiProxy) setDelay(q string, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.delay == nil {
		p.delay = map[string]time.Duration{}
	}
	p.delay[q] = d
}

// waitCanceled waits until the client has given up on a delayed or held
// search for q.
func (p *apiProxy) waitCanceled(t *testing.T, q string) {
	t.Helper()
	waitUntil(t, "the search for "+q+" was never given up", func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return slices.Contains(p.canceled, q)
	})
}

// waitUntil polls done until it holds; past waitTimeout the test fails
// with never, what did not happen.
func waitUntil(t *testing.T, never string, done func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatal(never)
		}
		time.Sleep(pollInterval)
	}
}

// hold makes searches for q wait until release is called (or the client
// gives up): a slow answer that comes only when the test says so.
func (p *apiProxy) hold(q string) (release func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.held == nil {
		p.held = map[string]chan struct{}{}
	}
	ch := make(chan struct{})
	p.held[q] = ch
	return sync.OnceFunc(func() { close(ch) })
}

// setFail makes the API answer every request with f; nil ends it.
func (p *apiProxy) setFail(f *apiFailure) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fail = f
}

// env is one test's service and the clinic page of another origin that
// embeds its box.
type env struct {
	svc, host *httptest.Server
	proxy     *apiProxy
}

// hostPage is how the clinic's page embeds the box.
type hostPage struct {
	Attrs        string // of the <nmn-search> element: trusted markup written by the test
	NoCSP        bool   // serve the page without its CSP
	ExtraConnect string // another origin the CSP lets the page connect to
	Dark         bool   // the page says it has a dark theme (color-scheme)
}

// newEnv starts the service of the test corpus with opts, and the host
// page. It skips first where there is no browser to test with.
func newEnv(t *testing.T, page hostPage, opts ...server.Option) *env {
	t.Helper()
	requireChromium(t)
	return newEnvWith(t, testService(t), page, opts...)
}

// newEnvWith is newEnv with the service of another corpus.
func newEnvWith(t *testing.T, s server.Searcher, page hostPage, opts ...server.Option) *env {
	t.Helper()
	requireChromium(t)
	p := &apiProxy{next: server.New(slog.New(slog.DiscardHandler), s, opts...)}
	svc := httptest.NewServer(p)
	t.Cleanup(svc.Close)
	host := httptest.NewServer(hostSite(svc.URL, page))
	t.Cleanup(host.Close)
	return &env{svc: svc, host: host, proxy: p}
}

// api asks the service itself (not through the proxy, which records what
// the box asks) for a search as the box does, one entry per article, to
// compare with what the box shows.
func (e *env) api(t *testing.T, rawQuery string) search.Result {
	t.Helper()
	rec := httptest.NewRecorder()
	e.proxy.next.ServeHTTP(rec, httptest.NewRequest("GET", "/api/search?group=article&"+rawQuery, nil))
	var res search.Result
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("api %s: %d %s", rawQuery, rec.Code, rec.Body)
	}
	return res
}

// hostCSP is what a careful clinic site allows: its own files and the
// search service, nothing inline, and no strings made into HTML or script
// (Trusted Types, which Chromium enforces).
func hostCSP(service, extraConnect string) string {
	return fmt.Sprintf("default-src 'none'; script-src 'self' %[1]s; style-src 'self' %[1]s; "+
		"connect-src 'self' %[1]s %[2]s; img-src 'self'; base-uri 'none'; form-action 'none'; "+
		"require-trusted-types-for 'script'; trusted-types 'none'", service, extraConnect)
}

// hostileCSS is a site theme that reaches everything it can: the element
// itself, and whatever inherits into it.
const hostileCSS = `
html { font-size: 40px !important; }
* {
  color: rgb(255, 0, 0) !important; font-family: serif !important; letter-spacing: .3em !important;
  text-transform: uppercase !important; line-height: 4 !important; text-align: right !important;
  box-sizing: content-box !important; pointer-events: none !important; white-space: pre !important;
}
div, span, mark, a, ul, li, button, fieldset, label, kbd { display: none !important; background: black !important; }
mark { background: black !important; }
nmn-search { --nmn-accent: rgb(0, 90, 200); margin: 1em 0; }
`

// hostPageHTML is the clinic's page: the two lines of the embed snippet, the
// element written with the test's attributes.
const hostPageHTML = `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>A clinic</title>
<meta name="color-scheme" content="%s">
<link rel="stylesheet" href="/hostile.css">
<script type="module" src="%s/widget.js"></script>
</head>
<body>
<h1>Aクリニック</h1>
<p><input id="host-input" aria-label="newsletter"></p>
<nmn-search %s></nmn-search>
<p>Footer.</p>
</body>
</html>
`

func hostSite(service string, page hostPage) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if !page.NoCSP {
			w.Header().Set("Content-Security-Policy", hostCSP(service, page.ExtraConnect))
		}
		scheme := "light"
		if page.Dark {
			scheme = "light dark"
		}
		fmt.Fprintf(w, hostPageHTML, scheme, service, page.Attrs)
	})
	mux.HandleFunc("GET /hostile.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		w.Write([]byte(hostileCSS))
	})
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}
