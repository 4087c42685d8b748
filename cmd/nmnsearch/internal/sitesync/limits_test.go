package sitesync

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func mustTime(s string) time.Time {
	t, err := http.ParseTime(s)
	if err != nil {
		panic(err)
	}
	return t
}

func mustRegexp(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// The limits of gathering: a sitemap past maxDocBytes once gunzipped,
// more than maxPages pages, more than maxDocuments sitemaps, indexes
// nested past maxSitemapDepth; and an empty sitemap deletes nothing.
func TestSyncGatherLimits(t *testing.T) {
	if maxDocBytes != 50<<20 || maxPages != 50_000 || maxDocuments > 10_000 || maxSitemapDepth != 2 {
		t.Errorf("limits: %d bytes, %d pages, %d documents, depth %d", maxDocBytes, maxPages, maxDocuments, maxSitemapDepth)
	}
	s := newSite(t)
	s.set("/a")
	s.handle("/bomb.xml.gz", func(w http.ResponseWriter, r *http.Request) {
		var out bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
		zw.Write([]byte(`<urlset>`))
		zw.Write(bytes.Repeat([]byte(" "), maxDocBytes))
		zw.Close()
		w.Write(out.Bytes())
	})
	s.handle("/many.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<urlset>"))
		for i := range maxPages + 1 {
			fmt.Fprintf(w, "<url><loc>%s/p/%d</loc></url>", s.srv.URL, i)
		}
		w.Write([]byte("</urlset>"))
	})
	s.handle("/wide.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<sitemapindex>"))
		for i := range maxDocuments + 1 {
			fmt.Fprintf(w, "<sitemap><loc>/child.xml?n=%d</loc></sitemap>", i)
		}
		w.Write([]byte("</sitemapindex>"))
	})
	s.handle("/child.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "<urlset><url><loc>%s/a</loc></url></urlset>", s.srv.URL)
	})
	s.handle("/deep.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "<sitemapindex><sitemap><loc>/deep.xml?n=%s1</loc></sitemap></sitemapindex>", r.URL.Query().Get("n"))
	})
	s.handle("/empty.xml", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<urlset></urlset>")) })

	for _, tc := range []struct{ seed, failed, reason string }{
		{"/bomb.xml.gz", "/bomb.xml.gz", "too large: larger than 52428800 bytes uncompressed"},
		{"/wide.xml", "/child.xml", "more than 1000 sitemaps and feeds: not read"},
		{"/deep.xml", "/deep.xml", "sitemap indexes nested more than 2 deep"},
		{"/empty.xml", "/empty.xml", "lists no page to sync (with -prefix and -match): nothing deleted for it"},
	} {
		_, events := runSync(t, testConfig(t.TempDir(), s.url(tc.seed)), newMemWriter())
		if got := outcomes(events)[tc.failed]; got != "failed: "+tc.reason {
			t.Errorf("%s: %s %q, want %q", tc.seed, tc.failed, got, tc.reason)
		}
	}
	_, err := Run(t.Context(), testConfig(t.TempDir(), s.url("/many.xml")), newMemWriter())
	if err == nil || !strings.Contains(err.Error(), "more than 50000: narrow them with -prefix or -match") {
		t.Errorf("%d pages: %v", maxPages+1, err)
	}
}

// A run lists at most maxFailures failures; it counts them all.
func TestSyncFailuresListed(t *testing.T) {
	s := newSite(t)
	var paths []string
	for i := range maxFailures + 5 {
		paths = append(paths, fmt.Sprintf("/gone/%d", i))
	}
	s.set(paths...)
	for _, p := range paths {
		s.remove(p)
	}
	sum, _ := runSync(t, testConfig(t.TempDir(), s.url("/sitemap.xml")), newMemWriter())
	if sum.Failed != maxFailures+5 || len(sum.Failures) != maxFailures || maxFailures > 1000 {
		t.Errorf("%d failed, %d listed, want %d and %d", sum.Failed, len(sum.Failures), maxFailures+5, maxFailures)
	}
}

// A Config is checked before anything is asked for.
func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Seeds = nil }, "no URL to sync"},
		{func(c *Config) { c.Seeds = []string{"clinic.example/sitemap.xml"} }, "not an absolute http or https URL"},
		{func(c *Config) { c.Concurrency = MaxConcurrency + 1 }, "concurrency 9: want 1 to 8"},
		{func(c *Config) { c.Concurrency = 0 }, "concurrency 0"},
		{func(c *Config) { c.Delay = -time.Second }, "delay -1s"},
		{func(c *Config) { c.ArticleID = nil }, "required"},
	} {
		cfg := testConfig(dir, "https://clinic.example/sitemap.xml")
		tc.edit(&cfg)
		if _, err := Run(t.Context(), cfg, newMemWriter()); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v, want %q", err, tc.want)
		}
	}
}

// -prefix and -match choose the pages; a known page outside them is
// neither visited nor deleted.
func TestSyncFilters(t *testing.T) {
	s := newSite(t)
	s.set("/blog/2026/a", "/blog/2025/b", "/about/", "/blog/tag/sleep/")
	w := newMemWriter()
	dir := t.TempDir()
	runSync(t, testConfig(dir, s.url("/sitemap.xml")), w)
	cfg := testConfig(dir, s.url("/sitemap.xml"))
	cfg.Prefix, cfg.Match = "/blog/", mustRegexp(`/20\d\d/`)
	s.unlist("/about/")
	sum, events := runSync(t, cfg, w)
	got := outcomes(events)
	if len(got) != 2 || got["/blog/2026/a"] != "unchanged" || got["/blog/2025/b"] != "unchanged" || sum.Deleted != 0 {
		t.Errorf("filtered: %v", got)
	}
}
