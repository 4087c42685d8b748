package sitesync

import (
	"errors"
	"slices"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

func TestParseDocument(t *testing.T) {
	sjis, _ := japanese.ShiftJIS.NewEncoder().String(`<?xml version="1.0" encoding="Shift_JIS"?><rss version="2.0"><channel>` +
		`<item><title>睡眠</title><link>https://clinic.example/column/睡眠/</link></item></channel></rss>`)
	for _, tc := range []struct {
		name, body string
		kind       string
		index      bool
		want       []entry
	}{
		{"urlset", `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
			<url><loc> https://clinic.example/a </loc><lastmod>2026-03-01</lastmod></url><url><loc>https://clinic.example/b</loc></url></urlset>`,
			kindSitemap, false, []entry{{"https://clinic.example/a", "2026-03-01"}, {"https://clinic.example/b", ""}}},
		{"sitemap index", `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://clinic.example/wp-sitemap-posts-post-1.xml</loc></sitemap></sitemapindex>`,
			kindSitemap, true, []entry{{"https://clinic.example/wp-sitemap-posts-post-1.xml", ""}}},
		{"rss 2.0", `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><atom:link href="https://clinic.example/feed/" rel="self"/>
			<item><title>A &amp; B&nbsp;&hellip;</title><link>https://clinic.example/a/</link><guid isPermaLink="false">https://clinic.example/?p=1</guid></item>
			<item><title>guid only</title><guid>https://clinic.example/b/</guid></item>
			<item><title>no link</title><guid isPermaLink="false">1234</guid></item></channel></rss>`,
			kindFeed, false, []entry{{"https://clinic.example/a/", ""}, {"https://clinic.example/b/", ""}}},
		{"rss 1.0", `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
			<channel rdf:about="https://clinic.example/"><link>https://clinic.example/</link></channel>
			<item rdf:about="https://clinic.example/a/"><link>https://clinic.example/a/</link></item></rdf:RDF>`,
			kindFeed, false, []entry{{"https://clinic.example/a/", ""}}},
		{"atom", `<feed xmlns="http://www.w3.org/2005/Atom"><link rel="self" href="/atom.xml"/>
			<entry><link rel="replies" href="/a/#comments"/><link href="/a/"/><updated>2026-03-02T10:00:00Z</updated></entry>
			<entry><link rel="alternate" type="text/html" href="https://clinic.example/b/"/></entry></feed>`,
			kindFeed, false, []entry{{"/a/", "2026-03-02T10:00:00Z"}, {"https://clinic.example/b/", ""}}},
		{"shift_jis", sjis, kindFeed, false, []entry{{"https://clinic.example/column/睡眠/", ""}}},
	} {
		doc, err := parseDocument([]byte(tc.body))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if doc.kind != tc.kind || doc.index != tc.index || !slices.Equal(doc.entries, tc.want) {
			t.Errorf("%s: %+v, want %s %v %v", tc.name, doc, tc.kind, tc.index, tc.want)
		}
	}
	for _, body := range []string{
		"<!DOCTYPE html><html><head><title>A page</title></head><body><p>text</p></body></html>",
		`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>`,
		"just text", "",
	} {
		if _, err := parseDocument([]byte(body)); !errors.Is(err, errNotDocument) {
			t.Errorf("%.30q: %v, want errNotDocument", body, err)
		}
	}
}

func FuzzParseDocument(f *testing.F) {
	f.Add([]byte(`<urlset><url><loc>https://a.example/</loc></url></urlset>`))
	f.Add([]byte(`<rss><channel><item><link>x</link></item></channel></rss>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := parseDocument(b)
		if err == nil && doc == nil {
			t.Fatal("no document and no error")
		}
	})
}

func TestRetryAfter(t *testing.T) {
	now := mustTime("Mon, 02 Mar 2026 10:00:00 GMT")
	for in, want := range map[string]string{
		"120": "2m0s", "0": "0s", "Mon, 02 Mar 2026 10:00:30 GMT": "30s", "Mon, 02 Mar 2026 09:00:00 GMT": "0s",
		"": "none", "soon": "none", "-5": "none",
	} {
		d, ok := retryAfter(in, now)
		got := "none"
		if ok {
			got = d.String()
		}
		if got != want {
			t.Errorf("Retry-After %q: %s, want %s", in, got, want)
		}
	}
}

func TestKeeps(t *testing.T) {
	cfg := Config{Prefix: "/blog/"}
	for raw, want := range map[string]bool{
		"https://clinic.example/blog/a": true, "https://clinic.example/blogs/a": false, "https://clinic.example/": false,
	} {
		u, _ := absoluteURL(raw)
		if got := cfg.keeps(u); got != want {
			t.Errorf("prefix /blog/, %s: %v", raw, got)
		}
	}
	cfg = Config{Prefix: "https://clinic.example/ja/", Match: mustRegexp(`/20\d\d/`)}
	for raw, want := range map[string]bool{
		"https://clinic.example/ja/2026/03/a/": true, "https://clinic.example/ja/about/": false, "https://other.example/ja/2026/a/": false,
	} {
		u, _ := absoluteURL(raw)
		if got := cfg.keeps(u); got != want {
			t.Errorf("%s: %v, want %v", raw, got, want)
		}
	}
}
