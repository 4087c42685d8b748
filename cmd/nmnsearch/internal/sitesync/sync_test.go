package sitesync

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// A site that changes between runs: what is new is added, what changed
// replaced, what left the sitemap or answers 404 deleted, and a run over
// an unchanged site asks for no page's body.
func TestSyncSitemapChanges(t *testing.T) {
	s := newSite(t)
	s.set("/blog/a", "/blog/b", "/blog/c")
	w := newMemWriter()
	cfg := testConfig(t.TempDir(), s.url("/sitemap.xml"))

	sum, events := runSync(t, cfg, w)
	if got, want := countsOf(sum), (counts{Added: 3}); got != want {
		t.Errorf("first run: %+v, want %+v\n%v", got, want, outcomes(events))
	}
	if got := w.ids(); !slices.Equal(got, []string{"blog-a", "blog-b", "blog-c"}) {
		t.Errorf("articles %v", got)
	}
	if src := w.arts["blog-a"]; src.URL != s.url("/blog/a") || !strings.Contains(src.HTML, "blog a paragraph") {
		t.Errorf("blog-a: url %q, html %.80q", src.URL, src.HTML)
	}
	requests, bodies := s.counts()
	if sum.Requests != int64(total(requests)) || sum.Fetched != 3 || total(bodies) != 3 {
		t.Errorf("first run: %d requests (the site saw %d), %d fetched (the site sent %d)", sum.Requests, total(requests), sum.Fetched, total(bodies))
	}

	// Nothing changed: three conditional requests, each answered 304.
	sum, events = runSync(t, cfg, w)
	requests, bodies = s.counts()
	if got, want := countsOf(sum), (counts{Unchanged: 3}); got != want {
		t.Errorf("second run: %+v, want %+v\n%v", got, want, outcomes(events))
	}
	if total(bodies) != 0 || sum.Fetched != 0 {
		t.Errorf("an unchanged site cost %d page bodies: %v", total(bodies), bodies)
	}
	if want := map[string]int{"/robots.txt": 1, "/sitemap.xml": 1, "/blog/a": 1, "/blog/b": 1, "/blog/c": 1}; !equalCounts(requests, want) {
		t.Errorf("second run's requests %v, want %v", requests, want)
	}

	// b edited, d new, c out of the sitemap (still served), a's menu
	// changed but not its article.
	s.edit("/blog/b", page("About blog b", "The blog b paragraph was rewritten about naps after lunch and sleep debt.", "And a new second paragraph."))
	s.set("/blog/d")
	s.unlist("/blog/c")
	s.edit("/blog/a", strings.Replace(article("blog a"), `<a href="/blog/">Blog</a>`, `<a href="/blog/">Blog</a> <a href="/news/">News</a>`, 1))
	sum, events = runSync(t, cfg, w)
	got := outcomes(events)
	for path, want := range map[string]string{
		"/blog/a": "unchanged", "/blog/b": "changed", "/blog/d": "added", "/blog/c": "deleted: it left its sitemap",
	} {
		if got[path] != want {
			t.Errorf("%s: %q, want %q", path, got[path], want)
		}
	}
	if got, want := countsOf(sum), (counts{Added: 1, Changed: 1, Unchanged: 1, Deleted: 1}); got != want {
		t.Errorf("third run: %+v, want %+v", got, want)
	}
	if !strings.Contains(w.arts["blog-b"].HTML, "naps after lunch") {
		t.Error("blog-b was not replaced")
	}
	if _, bodies := s.counts(); bodies["/blog/c"] != 0 {
		t.Error("a page that left the sitemap was fetched")
	}

	// a answers 404: deleted.
	s.remove("/blog/a")
	sum, events = runSync(t, cfg, w)
	if got := outcomes(events)["/blog/a"]; got != "deleted: it answered 404 Not Found" {
		t.Errorf("/blog/a gone: %q", got)
	}
	if got := w.ids(); !slices.Equal(got, []string{"blog-b", "blog-d"}) {
		t.Errorf("articles %v, want blog-b and blog-d", got)
	}
	// The sitemap still lists it: the next run, which has forgotten it,
	// finds a page that is not there.
	sum, events = runSync(t, cfg, w)
	if got, want := countsOf(sum), (counts{Unchanged: 2, Failed: 1}); got != want ||
		outcomes(events)["/blog/a"] != "failed: the server answered 404 Not Found" {
		t.Errorf("after the deletion: %+v, %v", got, outcomes(events))
	}
}

func equalCounts(got, want map[string]int) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// A sitemap's lastmod that did not move spares the request; one that
// moved asks again.
func TestSyncLastmod(t *testing.T) {
	s := newSite(t)
	s.set("/a", "/b")
	s.lastmod["/a"], s.lastmod["/b"] = "2026-03-01", "2026-03-01T10:00:00+09:00"
	w := newMemWriter()
	cfg := testConfig(t.TempDir(), s.url("/sitemap.xml"))
	runSync(t, cfg, w)
	s.counts()

	sum, _ := runSync(t, cfg, w)
	requests, _ := s.counts()
	if got, want := countsOf(sum), (counts{Unchanged: 2}); got != want || requests["/a"]+requests["/b"] != 0 {
		t.Errorf("same lastmod: %+v, page requests %v", got, requests)
	}
	s.mu.Lock()
	s.lastmod["/a"] = "2026-03-02"
	s.mu.Unlock()
	sum, _ = runSync(t, cfg, w)
	requests, bodies := s.counts()
	if requests["/a"] != 1 || total(bodies) != 0 || sum.Unchanged != 2 {
		t.Errorf("a new lastmod, the same page: requests %v, bodies %v, %+v", requests, bodies, countsOf(sum))
	}
	runSync(t, cfg, w) // the new lastmod was remembered
	if requests, _ := s.counts(); requests["/a"] != 0 {
		t.Errorf("the new lastmod was not remembered: %v", requests)
	}
}

// A sitemap index of a gzipped sitemap and a plain one; a child that
// fails keeps its pages: nothing is deleted for a seed read in part.
func TestSyncSitemapIndexGzip(t *testing.T) {
	s := newSite(t)
	s.set("/posts/a", "/posts/b", "/pages/c")
	var childFails atomic.Bool
	urlset := func(paths ...string) []byte {
		b := []byte(`<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
		for _, p := range paths {
			b = fmt.Appendf(b, "<url><loc>%s</loc></url>", s.url(p))
		}
		return append(b, "</urlset>"...)
	}
	s.handle("/sitemap_index.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>%s</loc><lastmod>2026-03-01</lastmod></sitemap><sitemap><loc>/sitemap-pages.xml</loc></sitemap></sitemapindex>`, s.url("/sitemap-posts.xml.gz"))
	})
	s.handle("/sitemap-posts.xml.gz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/gzip")
		w.Write(gzipped(t, urlset("/posts/a", "/posts/b")))
	})
	s.handle("/sitemap-pages.xml", func(w http.ResponseWriter, r *http.Request) {
		if childFails.Load() {
			http.Error(w, "oops", http.StatusInternalServerError)
			return
		}
		w.Write(urlset("/pages/c"))
	})
	w := newMemWriter()
	cfg := testConfig(t.TempDir(), s.url("/sitemap_index.xml"))
	sum, events := runSync(t, cfg, w)
	if got, want := countsOf(sum), (counts{Added: 3}); got != want {
		t.Fatalf("first run: %+v, want %+v\n%v", got, want, outcomes(events))
	}

	childFails.Store(true)
	s.remove("/posts/b")
	sum, events = runSync(t, cfg, w)
	got := outcomes(events)
	if got["/sitemap-pages.xml"] != "failed: the server answered 500 Internal Server Error" || got["/posts/b"] != "deleted: it answered 404 Not Found" {
		t.Errorf("a child sitemap failing: %v", got)
	}
	if _, ok := got["/pages/c"]; ok || !slices.Contains(w.ids(), "pages-c") {
		t.Errorf("a page of the failed child sitemap was touched: %v, articles %v", got, w.ids())
	}
	if got, want := countsOf(sum), (counts{Unchanged: 1, Deleted: 1, Failed: 1}); got != want {
		t.Errorf("second run: %+v, want %+v", got, want)
	}
}

// An RSS feed and an Atom feed: their items' pages, and not the links
// that are no page (the feed's own, an edit link). A page that left a
// feed, which lists the latest few, stays; it goes when it answers 404.
func TestSyncFeeds(t *testing.T) {
	for _, feed := range []string{"/feed/", "/atom.xml"} {
		t.Run(strings.Trim(feed, "/"), func(t *testing.T) {
			s := newSite(t)
			s.set("/2026/03/a/", "/2026/03/b/", "/2026/02/c/")
			w := newMemWriter()
			cfg := testConfig(t.TempDir(), s.url(feed))
			sum, events := runSync(t, cfg, w)
			if got, want := countsOf(sum), (counts{Added: 3}); got != want {
				t.Fatalf("first run: %+v, want %+v\n%v", got, want, outcomes(events))
			}
			if got := w.ids(); !slices.Equal(got, []string{"2026-02-c", "2026-03-a", "2026-03-b"}) {
				t.Errorf("articles %v", got)
			}
			s.unlist("/2026/02/c/") // older than the feed's latest
			sum, events = runSync(t, cfg, w)
			if got, want := countsOf(sum), (counts{Unchanged: 3}); got != want {
				t.Errorf("a page that left the feed: %+v, want %+v\n%v", got, want, outcomes(events))
			}
			s.remove("/2026/02/c/")
			sum, events = runSync(t, cfg, w)
			if got := outcomes(events)["/2026/02/c/"]; got != "deleted: it answered 404 Not Found" || sum.Deleted != 1 {
				t.Errorf("a page gone after it left the feed: %q", got)
			}
		})
	}
}
