// Command screenshots saves what a visitor sees of nmnsearch, for a person
// to look at before a change to the pages or the box is called done (issue
// 22, "Show it"). It builds nmnsearch from the working tree into
// .bench/out/screenshots/nmnsearch, starts it on its embedded seeds in a
// temporary data directory (on a free loopback port, -rate 0, an admin
// token) that holds a generated week of search analytics (analytics.go),
// serves a clinic's page
// from another origin (a second loopback port, with a strict CSP) that
// embeds the box with the two lines of the embed guide, and drives Debian's
// Chromium through chromedp, as server/browser_test.go does.
//
// Nine views, each in eight variants (1280 px desktop and 390 px phone;
// Japanese and English: the page's Accept-Language, the browser's locale and
// the embedded box's lang attribute; light and dark: prefers-color-scheme):
//
//   - search-empty: / as a visitor first meets it;
//   - search-ja-query: /?q=メラトニン, the results;
//   - search-en-query: /?q=NAD+, the results;
//   - search-typo: /?q=メラトニソ, nothing found and a did-you-mean;
//   - search-nothing: a query that finds nothing at all (宇宙旅行, zinc);
//   - embed: the clinic's page with the box, a query typed (メラトニン,
//     melatonin) and its results open (the viewport: the box's panel is
//     capped at 70vh, which a full-page capture would stretch);
//   - article: the first hit of the language's results view (メラトニン on
//     Japanese pages, NAD+ on English ones) opened as its link says,
//     /articles/{id}?q=…#p-n: the window where the browser lands;
//   - article-top: the same page without #p-n, its top: the way back, the
//     box, the title;
//   - admin-analytics: /admin/analytics, the token typed, the last seven
//     days asked for: searches per day, the no-hit rate, the top queries
//     and those that found nothing (issue 24); taken first in every
//     variant, before the other views' boxes count their own searches.
//
// The search views are captured whole (the results flow with the page), so
// a page wider than the phone shows as a wider image. Every capture waits
// for what it shows (the box's answer rendered, the topics listed,
// document.fonts.ready, two animation frames), never a fixed sleep.
//
// Usage, from the repository's root: go run ./.bench/screenshots [-only VIEW]
//
// Outputs in .bench/out/screenshots/ (its PNGs removed first):
// VIEW-WIDTH-LANG-SCHEME.png, and sheets/VIEW.png, one contact sheet per
// view: its eight variants in file name order, desktops a third of their
// size in the first row, phones half of theirs in the second, each labelled
// with its file name. It prints a line per capture with what it measured
// (a page wider than the window, a heading above the top edge, console
// errors). Not run by CI.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"image/png"
	"io"
	"log"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

const (
	outDir      = ".bench/out/screenshots"
	waitTimeout = 20 * time.Second      // for one thing a visitor would see
	poll        = 25 * time.Millisecond // between looks
	startWithin = 60 * time.Second      // the service ready, the browser started
	desktopH    = 800                   // window heights
	phoneH      = 844
	sheetColumn = 1280/3 + 4 // px, a column of a contact sheet
)

// variant is one way of seeing a view.
type variant struct {
	width  int64  // 1280 or 390
	lang   string // ja or en
	scheme string // light or dark
}

func (v variant) name() string { return fmt.Sprintf("%d-%s-%s", v.width, v.lang, v.scheme) }
func (v variant) phone() bool  { return v.width < 600 }

// variants are in the order their file names sort: the contact sheets'.
func variants() []variant {
	var vs []variant
	for _, w := range []int64{1280, 390} {
		for _, l := range []string{"en", "ja"} {
			for _, s := range []string{"dark", "light"} {
				vs = append(vs, variant{w, l, s})
			}
		}
	}
	return vs
}

// Queries of the views, by the variant's language where it matters.
var (
	typoQuery    = "メラトニソ" // ン typed as ソ: the index has メラトニン
	nothingQuery = map[string]string{"ja": "宇宙旅行", "en": "zinc"}
	embedQuery   = map[string]string{"ja": "メラトニン", "en": "melatonin"}
	articleFrom  = map[string]string{"ja": "search-ja-query", "en": "search-en-query"}
)

// view is one screen a visitor meets; shoot brings the tab there and says
// whether to capture the whole page or the window.
type view struct {
	name  string
	shoot func(r *run, tb *tab, v variant) (full bool, err error)
}

var views = []view{
	{"search-empty", func(r *run, tb *tab, v variant) (bool, error) {
		return true, tb.openSearch(r.svc+"/", `!document.getElementById("topics").hidden`)
	}},
	{"search-ja-query", func(r *run, tb *tab, v variant) (bool, error) {
		return true, tb.results(r, "メラトニン")
	}},
	{"search-en-query", func(r *run, tb *tab, v variant) (bool, error) {
		return true, tb.results(r, "NAD+")
	}},
	{"search-typo", func(r *run, tb *tab, v variant) (bool, error) {
		return true, tb.openSearch(r.svc+"/?q="+url.QueryEscape(typoQuery), boxJS+`answered && root.querySelector(".note .dym") && root.querySelector(".note .browse")`)
	}},
	{"search-nothing", func(r *run, tb *tab, v variant) (bool, error) {
		return true, tb.openSearch(r.svc+"/?q="+url.QueryEscape(nothingQuery[v.lang]), boxJS+`answered && root.querySelector(".note .browse")`)
	}},
	{"embed", func(r *run, tb *tab, v variant) (bool, error) {
		if err := tb.navigate(r.host + "/?lang=" + v.lang); err != nil {
			return false, err
		}
		if err := tb.wait("the box", boxJS+`!!input`); err != nil {
			return false, err
		}
		if err := tb.eval(closeBox(boxJS + `input.focus()`)); err != nil {
			return false, err
		}
		if _, err := chromedp.Call(tb.ctx, input.InsertText, input.InsertTextParams{Text: embedQuery[v.lang]}); err != nil {
			return false, err
		}
		// The hits, and the completions asked for with them (a request
		// answered, then a frame for the box to draw them).
		return false, tb.wait("the hits and completions", boxJS+`answered && root.querySelectorAll(".hit").length > 0 &&
			performance.getEntriesByType("resource").some((e) => e.name.includes("/api/suggest"))`)
	}},
	{"article", func(r *run, tb *tab, v variant) (bool, error) {
		href, err := r.hit(v)
		if err != nil {
			return false, err
		}
		if err := tb.navigate(href); err != nil {
			return false, err
		}
		return false, tb.wait("the article", boxJS+`document.readyState === "complete" && !!input && !!document.querySelector(":target")`)
	}},
	{"article-top", func(r *run, tb *tab, v variant) (bool, error) {
		href, err := r.hit(v)
		if err != nil {
			return false, err
		}
		href, _, _ = strings.Cut(href, "#")
		if err := tb.navigate(href); err != nil {
			return false, err
		}
		return false, tb.wait("the article", boxJS+`document.readyState === "complete" && !!input`)
	}},
	{analyticsView, shootAnalytics},
}

// hit is the link of the first hit of v's results view, which the article
// views open.
func (r *run) hit(v variant) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	href := r.firstHit[articleFrom[v.lang]+"/"+v.name()]
	if href == "" {
		return "", errors.New("no hit to open: the results view found none")
	}
	return href, nil
}

// run is one run of the program: the service, the host page, the browser.
type run struct {
	svc, host string // http://127.0.0.1:PORT of each
	browser   context.Context

	mu       sync.Mutex
	firstHit map[string]string // view/variant -> the first hit's link
}

func main() {
	only := flag.String("only", "", "take only this view (for a quick look after a fix); no contact sheets of the others")
	flag.Parse()
	log.SetFlags(0)
	if _, err := os.Stat("go.mod"); err != nil {
		log.Fatal("run it from the repository's root: go run ./.bench/screenshots")
	}
	if *only != "" && !slices.ContainsFunc(views, func(v view) bool { return v.name == *only }) {
		log.Fatalf("no view %q", *only)
	}
	if strings.HasPrefix(*only, "article") {
		log.Fatal("the article views open hits of the results views: take them with all the others")
	}
	if err := os.MkdirAll(filepath.Join(outDir, "sheets"), 0o755); err != nil {
		log.Fatal(err)
	}
	for _, pattern := range []string{"*.png", "sheets/*.png"} {
		old, _ := filepath.Glob(filepath.Join(outDir, pattern))
		for _, f := range old {
			if *only == "" || strings.HasPrefix(filepath.Base(f), *only+"-") || filepath.Base(f) == *only+".png" {
				os.Remove(f)
			}
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dataDir, err := os.MkdirTemp("", "nmnsearch-screenshots-data-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dataDir)
	if err := writeWeek(dataDir); err != nil {
		log.Fatal(err)
	}
	svc, stop, err := startService(ctx, dataDir)
	if err != nil {
		log.Fatal(err)
	}
	defer stop()
	if err := postToday(svc); err != nil {
		stop()
		log.Fatal(err)
	}
	host, err := startHost(svc)
	if err != nil {
		log.Fatal(err)
	}
	browser, closeBrowser, err := startBrowser()
	if err != nil {
		log.Fatal(err)
	}
	defer closeBrowser()

	r := &run{svc: svc, host: host, browser: browser, firstHit: map[string]string{}}
	shots, failed := 0, 0
	// The admin page first, in every variant: the boxes of the other views
	// count their searches too (a search page left is a search), which
	// would add to the generated week a little more in each variant.
	for _, admin := range []bool{true, false} {
		for _, v := range variants() {
			n, f := r.variant(v, *only, admin)
			shots, failed = shots+n, failed+f
		}
	}
	sheets := 0
	for _, vw := range views {
		if *only != "" && vw.name != *only {
			continue
		}
		if err := r.sheet(vw.name); err != nil {
			log.Printf("sheet %s: %v", vw.name, err)
			failed++
			continue
		}
		sheets++
	}
	fmt.Printf("\n%d screenshots and %d contact sheets in %s/ (%d failed)\n", shots, sheets, outDir, failed)
	if failed > 0 {
		stop()
		closeBrowser()
		os.RemoveAll(dataDir)
		os.Exit(1)
	}
}

// variant takes the views in one tab set up as v: admin-analytics alone,
// or with admin false every other view.
func (r *run) variant(v variant, only string, admin bool) (shots, failed int) {
	if only != "" && (only == analyticsView) != admin {
		return 0, 0
	}
	tb, err := r.newTab(v)
	if err != nil {
		log.Printf("%s: %v", v.name(), err)
		return 0, len(views)
	}
	defer tb.close()
	for _, vw := range views {
		if only != "" && vw.name != only || (vw.name == analyticsView) != admin {
			continue
		}
		name := vw.name + "-" + v.name()
		full, err := vw.shoot(r, tb, v)
		if err == nil {
			err = tb.settle()
		}
		var png []byte
		var m measures
		if err == nil {
			m, err = tb.measure()
		}
		if err == nil {
			png, err = tb.capture(full)
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(outDir, name+".png"), png, 0o644)
		}
		if err != nil {
			log.Printf("%-34s FAILED: %v", name, err)
			failed++
			continue
		}
		if m.FirstHit != "" {
			r.mu.Lock()
			r.firstHit[vw.name+"/"+v.name()] = m.FirstHit
			r.mu.Unlock()
		}
		shots++
		fmt.Printf("%-34s %s%s\n", name, m, tb.consoleErrors())
	}
	return shots, failed
}

// startService builds nmnsearch and starts it on the seeds in dataDir, on a
// free port, with adminToken; stop ends it.
func startService(ctx context.Context, dataDir string) (base string, stop func(), err error) {
	bin, _ := filepath.Abs(filepath.Join(outDir, "nmnsearch"))
	build := exec.Command("go", "build", "-o", bin, "./cmd/nmnsearch")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return "", nil, fmt.Errorf("build: %w", err)
	}
	cmd := exec.CommandContext(ctx, bin, "-data", dataDir, "-addr", "127.0.0.1:0", "-rate", "0")
	cmd.Env = append(os.Environ(), "NMNSEARCH_ADMIN_TOKEN="+adminToken)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop = sync.OnceFunc(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	// Its log's "msg=listening addr=HOST:PORT" names the port; the rest of
	// the log is read and dropped, so the server never blocks on it.
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			if _, rest, ok := strings.Cut(line, " msg=listening addr="); ok {
				a, _, _ := strings.Cut(rest, " ")
				addr <- a
			}
			if strings.Contains(line, "level=ERROR") {
				log.Printf("nmnsearch: %s", line)
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case a := <-addr:
		base = "http://" + a
	case <-time.After(startWithin):
		stop()
		return "", nil, fmt.Errorf("nmnsearch did not listen within %v", startWithin)
	}
	for deadline := time.Now().Add(startWithin); ; {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, stop, nil
			}
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, fmt.Errorf("nmnsearch not ready within %v", startWithin)
		}
		time.Sleep(poll)
	}
}

// hostPageText is the clinic's own words, in each language.
var hostPageText = map[string]struct{ Clinic, Nav, Title, Lead, Body, Footer string }{
	"ja": {"さくら美容皮膚科クリニック", "ホーム 診療案内 ブログ アクセス", "ブログ記事を検索",
		"当院のブログから、気になる言葉で記事を探せます。",
		"NMN点滴や睡眠、気分の落ち込みについて、医師が論文をもとに解説しています。ご予約・ご相談はお電話またはフォームから。",
		"© さくら美容皮膚科クリニック 大阪市北区"},
	"en": {"Sakura Dermatology Clinic", "Home Treatments Blog Access", "Search our blog",
		"Find an article of our blog by the words you have in mind.",
		"Our doctors explain NMN drips, sleep and low mood from the studies. Book a visit by phone or with the form.",
		"© Sakura Dermatology Clinic, Kita-ku, Osaka"},
}

// hostTemplate is the clinic's page: its own layout and light theme, and
// the two lines of the embed guide.
var hostTemplate = template.Must(template.New("host").Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.T.Clinic}}</title>
<link rel="stylesheet" href="/host.css">
<script type="module" src="{{.Service}}/widget.js"></script>
</head>
<body>
<header><strong>{{.T.Clinic}}</strong><nav>{{range .Nav}}<a href="#">{{.}}</a>{{end}}</nav></header>
<main>
<h1>{{.T.Title}}</h1>
<p>{{.T.Lead}}</p>
<nmn-search lang="{{.Lang}}"></nmn-search>
<p>{{.T.Body}}</p>
</main>
<footer>{{.T.Footer}}</footer>
</body>
</html>
`))

// hostCSS is a plain clinic theme: light only, as most sites are.
const hostCSS = `
body { margin: 0; font: 15px/1.8 "Hiragino Kaku Gothic ProN", "Noto Sans CJK JP", sans-serif; color: #333; background: #faf7f2; }
header { display: flex; flex-wrap: wrap; gap: .5rem 2rem; align-items: baseline; padding: 1rem 1.5rem; background: #7a1f3d; color: #fff; }
header nav { display: flex; gap: 1.25rem; flex-wrap: wrap; }
header a { color: #fde7ee; text-decoration: none; }
main { max-width: 42rem; margin: 0 auto; padding: 1rem 1.5rem 2rem; }
h1 { font-size: 1.5rem; color: #7a1f3d; }
nmn-search { margin: 1.5rem 0; --nmn-accent: #7a1f3d; }
footer { padding: 1rem 1.5rem; font-size: .8rem; color: #777; border-top: 1px solid #e5ddd0; }
`

// sheetTemplate lays out a view's eight variants in file name order.
var sheetTemplate = template.Must(template.New("sheet").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>{{.View}}</title>
<style>
body { margin: 0; padding: 12px; background: #888; font: 13px/1.3 sans-serif; color: #111; }
h1 { font-size: 16px; margin: 0 0 8px; }
.grid { display: grid; grid-template-columns: repeat(4, {{.Column}}px); gap: 12px; align-items: start; }
figure { margin: 0; }
figcaption { font-family: monospace; margin-bottom: 3px; }
img { display: block; outline: 1px solid #222; }
</style></head>
<body><h1>{{.View}}: desktops at 1/3, phones at 1/2</h1><div class="grid">
{{range .Shots}}<figure><figcaption>{{.Name}}</figcaption><img src="/shots/{{.Name}}" width="{{.Width}}"></figure>
{{end}}</div></body></html>
`))

// startHost serves the clinic's page of another origin, the screenshots
// and their contact sheets.
func startHost(service string) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		lang := r.URL.Query().Get("lang")
		if lang != "en" {
			lang = "ja"
		}
		t := hostPageText[lang]
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", fmt.Sprintf(
			"default-src 'none'; script-src 'self' %[1]s; style-src 'self' %[1]s; connect-src 'self' %[1]s; "+
				"img-src 'self'; base-uri 'none'; form-action 'none'; require-trusted-types-for 'script'; trusted-types 'none'", service))
		hostTemplate.Execute(w, map[string]any{"Lang": lang, "Service": service, "T": t, "Nav": strings.Fields(t.Nav)})
	})
	mux.HandleFunc("GET /host.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		io.WriteString(w, hostCSS)
	})
	mux.Handle("GET /shots/", http.StripPrefix("/shots/", http.FileServer(http.Dir(outDir))))
	mux.HandleFunc("GET /sheet", func(w http.ResponseWriter, r *http.Request) {
		view := r.URL.Query().Get("view")
		type shot struct {
			Name  string
			Width int
		}
		var shots []shot
		for _, v := range variants() {
			name := view + "-" + v.name() + ".png"
			w := int(v.width) // the window's; the image's when it is read
			if f, err := os.Open(filepath.Join(outDir, name)); err == nil {
				if c, err := png.DecodeConfig(f); err == nil {
					w = c.Width
				}
				f.Close()
			}
			if v.phone() {
				w /= 2
			} else {
				w /= 3
			}
			shots = append(shots, shot{name, w})
		}
		sheetTemplate.Execute(w, map[string]any{"View": view, "Shots": shots, "Column": sheetColumn})
	})
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	go http.Serve(ln, mux)
	return "http://" + ln.Addr().String(), nil
}

// chromiumPath finds the browser as the browser tests do.
func chromiumPath() string {
	if p := os.Getenv("NMNSEARCH_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// startBrowser starts Chromium headless, with the flags of the browser
// tests (no sandbox as root, no GPU, no background connections).
func startBrowser() (context.Context, func(), error) {
	path := chromiumPath()
	if path == "" {
		return nil, nil, errors.New("no Chromium: apt-get install chromium fonts-noto-cjk, or set NMNSEARCH_CHROMIUM")
	}
	profile, err := os.MkdirTemp("", "nmnsearch-screenshots-")
	if err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("hide-scrollbars", false),
		chromedp.WindowSize(1280, desktopH),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx, chromedp.WithErrorf(func(string, ...any) {}))
	closeBrowser := sync.OnceFunc(func() { cancelCtx(); cancelAlloc(); os.RemoveAll(profile) })
	if err := within(startWithin, func() error { return chromedp.Do(ctx) }); err != nil {
		closeBrowser()
		return nil, nil, fmt.Errorf("start %s: %w", path, err)
	}
	return ctx, closeBrowser, nil
}

// within runs f, giving up after d (f is left to its context).
func within(d time.Duration, f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return fmt.Errorf("no answer within %v", d)
	}
}

// tab is a browser tab set up as one variant.
type tab struct {
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	console []string // errors the pages wrote since the last capture
}

func (r *run) newTab(v variant) (*tab, error) {
	ctx, cancel := chromedp.NewContext(r.browser)
	tb := &tab{ctx: ctx, cancel: cancel}
	if err := within(startWithin, func() error { return chromedp.Do(ctx) }); err != nil {
		cancel()
		return nil, fmt.Errorf("open a tab: %w", err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				tb.mu.Lock()
				tb.console = append(tb.console, m.Text)
				tb.mu.Unlock()
			}
		}
	}()
	viewport := chromedp.EmulateViewport(v.width, desktopH)
	if v.phone() {
		viewport = chromedp.EmulateViewport(v.width, phoneH, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	locale := map[string]string{"ja": "ja_JP", "en": "en_US"}[v.lang]
	accept := map[string]string{"ja": "ja,en;q=0.5", "en": "en-US,en;q=0.9"}[v.lang]
	err := chromedp.Do(ctx,
		viewport,
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			if _, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v.scheme}},
			}); err != nil {
				return err
			}
			if _, err := cdp.Call(ctx, t, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{Locale: locale}); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
				Headers: network.Headers{"Accept-Language": accept},
			})
			return err
		}),
	)
	if err != nil {
		cancel()
		return nil, err
	}
	return tb, nil
}

func (tb *tab) close() { tb.cancel() }

// evaluate runs a JavaScript expression in the tab's page, awaiting a
// promise, and decodes its value.
func evaluate[T any](tb *tab, js string) (T, error) {
	ctx, cancel := context.WithTimeout(tb.ctx, waitTimeout)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
}

func (tb *tab) eval(js string) error {
	_, err := evaluate[chromedp.Void](tb, js)
	return err
}

func (tb *tab) navigate(u string) error {
	ctx, cancel := context.WithTimeout(tb.ctx, waitTimeout)
	defer cancel()
	return chromedp.Do(ctx, chromedp.Navigate(u))
}

// wait polls a JavaScript expression until it is true.
func (tb *tab) wait(what, js string) error {
	deadline := time.Now().Add(waitTimeout)
	for {
		ctx, cancel := context.WithTimeout(tb.ctx, waitTimeout)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!(`+closeBox(js)+`)`))
		cancel()
		if err == nil && ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("waited %v for %s (last error %v)", waitTimeout, what, err)
		}
		time.Sleep(poll)
	}
}

// boxJS starts an expression that looks into the page's box: answered is
// true once it shows an answer (a status, no search on its way).
const boxJS = `(() => { const box = document.querySelector("nmn-search"), root = box && box.shadowRoot,
	input = root && root.querySelector("input[role=combobox]"),
	answered = !!root && root.querySelector("[role=listbox]").getAttribute("aria-busy") !== "true" &&
		root.querySelector("[role=status]").textContent !== "";
	return `

// openSearch opens a search page and waits until it shows what ready says.
func (tb *tab) openSearch(u, ready string) error {
	if err := tb.navigate(u); err != nil {
		return err
	}
	if !strings.HasPrefix(ready, boxJS) {
		ready = boxJS + `!!input && (` + ready + `)`
	}
	return tb.wait("the page of "+u, ready)
}

// closeBox closes the function boxJS opens.
func closeBox(js string) string {
	if strings.HasPrefix(js, boxJS) {
		return js + `; })()`
	}
	return js
}

// results opens the search page of q and waits for its hits.
func (tb *tab) results(r *run, q string) error {
	return tb.openSearch(r.svc+"/?q="+url.QueryEscape(q), boxJS+`answered && root.querySelectorAll(".hit").length > 0`)
}

// settle waits for the fonts and two frames: what was rendered is painted.
func (tb *tab) settle() error {
	return tb.eval(`document.fonts.ready.then(() => new Promise((ok) =>
		requestAnimationFrame(() => requestAnimationFrame(() => ok(true)))))`)
}

// measures is what a capture's page says of itself.
type measures struct {
	ScrollWidth, Width, Height float64
	Status                     string  // the box's
	Hits                       int     // shown in the box
	FirstHit                   string  // its link
	TargetTop                  float64 // of the :target paragraph, -1 for none
	HeadingTop                 float64 // of the heading of its section
	Heading                    string
}

func (m measures) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%4.0fx%-5.0f", m.Width, m.Height)
	if m.ScrollWidth > m.Width+1 {
		fmt.Fprintf(&b, " SCROLLS SIDEWAYS (%0.f px wide)", m.ScrollWidth)
	}
	if m.Status != "" {
		fmt.Fprintf(&b, " status %q, %d hits", m.Status, m.Hits)
	}
	if m.TargetTop >= 0 {
		fmt.Fprintf(&b, " target at %0.f px", m.TargetTop)
		if m.Heading != "" {
			fmt.Fprintf(&b, ", its heading at %0.f px", m.HeadingTop)
			if m.HeadingTop < 0 {
				b.WriteString(" (HIDDEN above the top)")
			}
		}
	}
	return b.String()
}

const measureJS = `(() => {
	const box = document.querySelector("nmn-search"), root = box && box.shadowRoot;
	const hit = root && root.querySelector(".hit a");
	const target = document.querySelector(":target");
	let heading = null;
	if (target && target.localName === "p") {
		for (let el = target.previousElementSibling; el; el = el.previousElementSibling) {
			if (/^h[1-6]$/.test(el.localName)) { heading = el; break; }
		}
	}
	return {
		ScrollWidth: document.documentElement.scrollWidth, Width: innerWidth,
		Height: document.documentElement.scrollHeight,
		Status: root ? root.querySelector("[role=status]").textContent : "",
		Hits: root ? root.querySelectorAll(".hit").length : 0,
		FirstHit: hit ? hit.href : "",
		TargetTop: target ? target.getBoundingClientRect().top : -1,
		HeadingTop: heading ? heading.getBoundingClientRect().top : 0,
		Heading: heading ? heading.textContent.slice(0, 30) : "",
	};
})()`

func (tb *tab) measure() (measures, error) {
	return evaluate[measures](tb, measureJS)
}

// capture takes the window, or with full the whole page at its size (wider
// than the window if the page is).
func (tb *tab) capture(full bool) ([]byte, error) {
	ctx, cancel := context.WithTimeout(tb.ctx, waitTimeout)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Action[[]byte](func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		params := page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng, FromSurface: ptr(true)}
		if full {
			m, err := cdp.Call(ctx, t, page.GetLayoutMetrics, cdp.Empty{})
			if err != nil {
				return nil, err
			}
			params.Clip = &page.Viewport{
				Width: math.Ceil(m.CSSContentSize.Width), Height: math.Ceil(m.CSSContentSize.Height), Scale: 1,
			}
			params.CaptureBeyondViewport = ptr(true)
		}
		r, err := cdp.Call(ctx, t, page.CaptureScreenshot, params)
		return r.Data, err
	}))
}

// consoleErrors returns and forgets the console errors since the last call.
func (tb *tab) consoleErrors() string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if len(tb.console) == 0 {
		return ""
	}
	s := "\n    console: " + strings.Join(tb.console, "\n    console: ")
	tb.console = nil
	return s
}

// sheet writes the contact sheet of a view.
func (r *run) sheet(view string) error {
	ctx, cancel := chromedp.NewContext(r.browser)
	defer cancel()
	tb := &tab{ctx: ctx, cancel: cancel}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(4*sheetColumn+3*12+24, desktopH)); err != nil {
		return err
	}
	if err := tb.navigate(r.host + "/sheet?view=" + url.QueryEscape(view)); err != nil {
		return err
	}
	if err := tb.eval(`Promise.all([...document.images].map((i) => i.decode())).then(() => true)`); err != nil {
		return fmt.Errorf("its images: %w", err)
	}
	if err := tb.settle(); err != nil {
		return err
	}
	png, err := tb.capture(true)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(outDir, "sheets", view+".png"), png, 0o644)
}

func ptr[T any](v T) *T { return &v }
