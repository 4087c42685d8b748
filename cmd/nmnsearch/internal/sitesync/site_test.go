package sitesync

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"nmnsearch/index"
)

// site is a clinic's site on loopback that a test changes between runs:
// pages answer with an ETag and a Last-Modified and honour conditional
// requests; the sitemap, index and feeds list what listed holds.
type site struct {
	t   testing.TB
	srv *httptest.Server

	mu       sync.Mutex
	pages    map[string]string // path -> HTML
	listed   []string          // paths the sitemap and feeds list, in order
	lastmod  map[string]string // path -> the sitemap's lastmod, if any
	robots   string            // "" for none (404)
	special  map[string]http.HandlerFunc
	requests map[string]int // path -> requests
	bodies   map[string]int // path -> pages sent whole (200)
}

func newSite(t testing.TB) *site {
	s := &site{t: t, pages: map[string]string{}, lastmod: map[string]string{}, special: map[string]http.HandlerFunc{},
		requests: map[string]int{}, bodies: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// page is an article page, with the site's menu and footer around it.
func page(title string, paragraphs ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<html><head><title>%s | Example Clinic</title></head><body>\n"+
		`<nav><a href="/">Home</a> <a href="/blog/">Blog</a></nav>`+"\n<article><h1>%s</h1>\n", title, title)
	for _, p := range paragraphs {
		fmt.Fprintf(&b, "<p>%s</p>\n", p)
	}
	b.WriteString("</article><footer>© 2026 Example Clinic</footer></body></html>\n")
	return b.String()
}

// article is a page of a few sentences naming word.
func article(word string) string {
	return page("About "+word,
		"The "+word+" paragraph talks about sleep and how one falls asleep sooner in the evening.",
		"A second paragraph about "+word+" and melatonin, with enough words to be an article.")
}

// set puts pages on the site and lists them, in order.
func (s *site) set(pages ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range pages {
		s.pages[p] = article(strings.Trim(strings.ReplaceAll(p, "/", " "), " "))
		if !slices.Contains(s.listed, p) {
			s.listed = append(s.listed, p)
		}
	}
}

// edit changes a page's HTML.
func (s *site) edit(path, html string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[path] = html
}

// unlist takes a page out of the sitemap and feeds; it is still served.
func (s *site) unlist(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listed = slices.DeleteFunc(s.listed, func(p string) bool { return p == path })
}

// remove takes a page off the site: it answers 404.
func (s *site) remove(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.pages, path)
}

func (s *site) handle(path string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.special[path] = h
}

func (s *site) url(path string) string { return s.srv.URL + path }

// counts returns the requests and the pages sent whole since the last
// call, by path.
func (s *site) counts() (requests, bodies map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	requests, bodies = s.requests, s.bodies
	s.requests, s.bodies = map[string]int{}, map[string]int{}
	return requests, bodies
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests[r.URL.Path]++
	special := s.special[r.URL.Path]
	s.mu.Unlock()
	if special != nil {
		special(w, r)
		return
	}
	switch r.URL.Path {
	case "/robots.txt":
		s.serveRobots(w)
	case "/sitemap.xml":
		w.Header().Set("Content-Type", "application/xml")
		w.Write(s.sitemap())
	case "/feed/":
		w.Header().Set("Content-Type", "application/rss+xml; charset=UTF-8")
		w.Write(s.rss())
	case "/atom.xml":
		w.Header().Set("Content-Type", "application/atom+xml")
		w.Write(s.atom())
	default:
		s.servePage(w, r)
	}
}

func (s *site) serveRobots(w http.ResponseWriter) {
	s.mu.Lock()
	robots := s.robots
	s.mu.Unlock()
	if robots == "" {
		http.NotFound(w, nil)
		return
	}
	w.Write([]byte(robots))
}

// servePage answers with the page, or 304 when the client has it.
func (s *site) servePage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	html, ok := s.pages[r.URL.Path]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	sum := sha256.Sum256([]byte(html))
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Last-Modified", "Mon, 02 Mar 2026 10:00:00 GMT")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	s.mu.Lock()
	s.bodies[r.URL.Path]++
	s.mu.Unlock()
	w.Write([]byte(html))
}

func (s *site) sitemap() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, p := range s.listed {
		fmt.Fprintf(&b, "<url><loc>%s</loc>", s.srv.URL+p)
		if lm := s.lastmod[p]; lm != "" {
			fmt.Fprintf(&b, "<lastmod>%s</lastmod>", lm)
		}
		b.WriteString("</url>\n")
	}
	b.WriteString("</urlset>\n")
	return b.Bytes()
}

// rss is an RSS 2.0 feed of the listed pages, as WordPress writes one
// (the channel's atom:link is the feed's own address).
func (s *site) rss() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b bytes.Buffer
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>Example Clinic</title><atom:link href="%s/feed/" rel="self" type="application/rss+xml" /><link>%s</link>
`, s.srv.URL, s.srv.URL)
	for _, p := range s.listed {
		fmt.Fprintf(&b, "<item><title>%s &amp; more&nbsp;</title><link>%s</link><guid isPermaLink=\"false\">%s?p=1</guid><pubDate>Mon, 02 Mar 2026 10:00:00 +0000</pubDate></item>\n",
			p, s.srv.URL+p, s.srv.URL)
	}
	b.WriteString("</channel></rss>\n")
	return b.Bytes()
}

// atom is an Atom feed of the listed pages, their links relative to it.
func (s *site) atom() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b bytes.Buffer
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Example Clinic</title>
<link rel="self" href="%s/atom.xml"/><link href="%s/"/><updated>2026-03-02T10:00:00Z</updated>
`, s.srv.URL, s.srv.URL)
	for _, p := range s.listed {
		fmt.Fprintf(&b, `<entry><title>%s</title><link rel="edit" href="/wp-json/%s"/><link rel="alternate" type="text/html" href="%s"/><id>tag:%s</id><updated>2026-03-02T10:00:00Z</updated></entry>`+"\n",
			p, p, p, p)
	}
	b.WriteString("</feed>\n")
	return b.Bytes()
}

func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// memWriter is a Writer keeping articles in a map: an index's as far as
// sync can tell.
type memWriter struct {
	mu   sync.Mutex
	arts map[string]index.Source
	err  func(src index.Source) error // when set, Put's answer for src
}

func newMemWriter() *memWriter { return &memWriter{arts: map[string]index.Source{}} }

func (m *memWriter) Put(ctx context.Context, src index.Source) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		if err := m.err(src); err != nil {
			return false, err
		}
	}
	_, had := m.arts[src.ID]
	m.arts[src.ID] = src
	return !had, nil
}

func (m *memWriter) Delete(ctx context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.arts[id]; !ok {
		return index.ErrNotFound
	}
	delete(m.arts, id)
	return nil
}

func (m *memWriter) ids() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ids []string
	for id := range m.arts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

var notID = regexp.MustCompile(`[^a-z0-9]+`)

// testID is an article id from a URL's path: /blog/a is blog-a.
func testID(u *url.URL) string {
	return strings.Trim(notID.ReplaceAllString(strings.ToLower(u.Path), "-"), "-")
}

// testConfig is a run of seeds with no delay and a state of its own in
// dir.
func testConfig(dir string, seeds ...string) Config {
	return Config{
		Seeds: seeds, Concurrency: 2,
		Timeout: 10 * time.Second, MaxBytes: 1 << 20, MaxRedirects: 5, UserAgent: "nmnsearch-test/1 (+tests)",
		StateFile: filepath.Join(dir, StateFile), ArticleID: testID,
		Decode: func(b []byte, _ string) (string, error) { return string(b), nil },
	}
}

// runSync runs cfg into w and returns the summary and the events.
func runSync(t *testing.T, cfg Config, w Writer) (Summary, []Event) {
	t.Helper()
	var events []Event
	cfg.Progress = func(e Event) { events = append(events, e) }
	sum, err := Run(context.Background(), cfg, w)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return sum, events
}

// outcomes maps each page's URL path (or the id of one deleted) to its
// outcome, with the reason of a failure or a skip.
func outcomes(events []Event) map[string]string {
	m := map[string]string{}
	for _, e := range events {
		if e.Outcome == Gathered {
			continue
		}
		key := e.URL
		if u, err := url.Parse(e.URL); err == nil && u.Host != "" {
			key = u.Path
		}
		m[key] = string(e.Outcome)
		if e.Reason != "" {
			m[key] += ": " + e.Reason
		}
	}
	return m
}

// counts is a summary's counts, to compare at once.
type counts struct{ Added, Changed, Unchanged, Deleted, Skipped, Failed int }

func countsOf(s Summary) counts {
	return counts{s.Added, s.Changed, s.Unchanged, s.Deleted, s.Skipped, s.Failed}
}
