package sitesync

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
)

// Limits of gathering.
const (
	// maxDocuments bounds the sitemaps and feeds a run reads, an index's
	// children included (a WordPress site has a handful).
	maxDocuments = 1000
	// maxSitemapDepth bounds sitemap indexes within indexes, which the
	// protocol does not nest at all.
	maxSitemapDepth = 2
	// maxPages bounds the article URLs a run visits: the sitemap
	// protocol's 50,000 a file; past it, narrow with -prefix or -match.
	maxPages = 50_000
)

// job is one page to visit, or to delete.
type job struct {
	url     *url.URL
	seed    string // as the Config names it
	kind    string // the seed's: kindSitemap, kindFeed or kindPage
	lastmod string
	resp    *response // the seed's own answer, when the seed is the page
	left    bool      // it left its sitemap: deleted, not fetched
}

// gathering is what the seeds listed.
type gathering struct {
	jobs     []job
	seen     map[string]bool // pages gathered, by URL
	kept     int             // pages listed, those another seed listed first included
	read     map[string]bool // sitemaps read, by URL
	docs     int             // sitemaps and feeds read
	complete map[string]bool // seeds whose every document was read: their pages that left may go
}

// gather reads the seeds, then adds the pages sync wrote that their seeds
// no longer list: a page that left a sitemap is deleted; one that left a
// feed (which lists the latest few) is asked for again, and deleted only
// when it answers 404 or 410. A seed that failed in part deletes nothing.
func (r *runner) gather(ctx context.Context) ([]job, error) {
	g := &gathering{seen: map[string]bool{}, read: map[string]bool{}, complete: map[string]bool{}}
	for _, seed := range r.cfg.Seeds {
		before := g.kept
		ok := r.gatherSeed(ctx, seed, g)
		if ctx.Err() != nil {
			return nil, nil
		}
		if ok && g.kept == before {
			r.fail(seed, errors.New("lists no page to sync (with -prefix and -match): nothing deleted for it"))
			ok = false
		}
		g.complete[seed] = ok
	}
	if len(g.jobs) > maxPages {
		return nil, fmt.Errorf("the URLs list %d pages, more than %d: narrow them with -prefix or -match", len(g.jobs), maxPages)
	}
	gathered := len(g.jobs)
	urls := make([]string, 0, len(r.st.records))
	for raw := range r.st.records {
		urls = append(urls, raw)
	}
	slices.Sort(urls)
	for _, raw := range urls {
		rec := r.st.records[raw]
		if !g.complete[rec.Seed] || g.seen[raw] {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil || !r.cfg.keeps(u) {
			continue
		}
		g.jobs = append(g.jobs, job{url: u, seed: rec.Seed, kind: rec.Kind, left: rec.Kind != kindFeed})
	}
	r.report(Event{Outcome: Gathered, Total: len(g.jobs), Reason: fmt.Sprintf("%s from %s, and %s no longer listed",
		plural(gathered, "page"), plural(g.docs, "sitemap or feed", "sitemaps and feeds"), plural(len(g.jobs)-gathered, "known page"))}, false)
	return g.jobs, nil
}

// add gathers a page, once: the first seed to list it is its seed.
func (g *gathering) add(j job) {
	g.kept++
	if !g.seen[j.url.String()] {
		g.seen[j.url.String()] = true
		g.jobs = append(g.jobs, j)
	}
}

// gatherSeed reads one seed: a sitemap, an index, a feed, or a page (a
// job with the answer already had). It reports whether the seed was read
// whole.
func (r *runner) gatherSeed(ctx context.Context, seed string, g *gathering) bool {
	u, _ := absoluteURL(seed) // checked
	prev, known := r.st.records[u.String()]
	var hdr http.Header
	if known && prev.Kind == kindPage {
		hdr = conditional(prev) // a page seed asked as any page is
	}
	resp, err := r.f.get(ctx, u, hdr, acceptAny, maxDocBytes)
	if err != nil {
		if ctx.Err() == nil {
			r.fail(seed, err)
		}
		return false
	}
	page := job{url: u, seed: seed, kind: kindPage, resp: resp}
	switch {
	case known && prev.Kind == kindPage && (resp.status == http.StatusNotModified || gone(resp.status)):
		g.add(page)
		return true
	case resp.status != http.StatusOK:
		r.fail(seed, statusError(resp))
		return false
	}
	g.docs++
	doc, err := readDocument(resp)
	switch {
	case errors.Is(err, errNotDocument) && isHTML(resp):
		g.docs--
		g.add(page)
		return true
	case err != nil:
		r.fail(seed, err)
		return false
	}
	return r.gatherDocument(ctx, seed, doc, resp.url, 0, g)
}

// readDocument parses an answer as a sitemap or a feed, gzip or not.
func readDocument(resp *response) (*document, error) {
	body, err := gunzip(resp.body, maxDocBytes)
	if err != nil {
		return nil, err
	}
	doc, err := parseDocument(body)
	if errors.Is(err, errNotDocument) && !isHTML(resp) {
		ctype := resp.header.Get("Content-Type")
		return nil, fmt.Errorf("not a sitemap, a feed or a web page (Content-Type %q): %w", ctype, err)
	}
	return doc, err
}

// isHTML reports whether an answer is a web page, by its Content-Type or,
// without one, its first bytes.
func isHTML(resp *response) bool {
	ctype := resp.header.Get("Content-Type")
	if ctype == "" {
		ctype = http.DetectContentType(resp.body)
	}
	mt, _, _ := mime.ParseMediaType(ctype)
	return mt == "text/html" || mt == "application/xhtml+xml"
}

// gatherDocument gathers the pages a document lists, and those of the
// sitemaps an index lists. It reports whether all were read.
func (r *runner) gatherDocument(ctx context.Context, seed string, doc *document, base *url.URL, depth int, g *gathering) bool {
	ok := true
	for _, e := range doc.entries {
		loc, err := base.Parse(e.loc)
		if err == nil {
			loc, err = absoluteURL(loc.String())
		}
		if err != nil {
			r.fail(e.loc, fmt.Errorf("listed by %s: %w", base, err))
			continue
		}
		if doc.index {
			ok = r.gatherChild(ctx, seed, loc, depth+1, g) && ok
			continue
		}
		if r.cfg.keeps(loc) {
			g.add(job{url: loc, seed: seed, kind: doc.kind, lastmod: e.lastmod})
		}
	}
	return ok
}

// gatherChild reads a sitemap an index lists.
func (r *runner) gatherChild(ctx context.Context, seed string, u *url.URL, depth int, g *gathering) bool {
	switch {
	case ctx.Err() != nil:
		return false
	case depth > maxSitemapDepth:
		r.fail(u.String(), fmt.Errorf("sitemap indexes nested more than %d deep", maxSitemapDepth))
		return false
	case g.docs >= maxDocuments:
		r.fail(u.String(), fmt.Errorf("more than %d sitemaps and feeds: not read", maxDocuments))
		return false
	case g.read[u.String()]:
		return true
	}
	g.read[u.String()] = true
	g.docs++
	resp, err := r.f.get(ctx, u, nil, acceptAny, maxDocBytes)
	if err == nil && resp.status != http.StatusOK {
		err = statusError(resp)
	}
	var doc *document
	if err == nil {
		doc, err = readDocument(resp)
	}
	if err == nil && doc.kind != kindSitemap {
		err = errors.New("a sitemap index lists it, but it is no sitemap")
	}
	if err != nil {
		if ctx.Err() == nil {
			r.fail(u.String(), err)
		}
		return false
	}
	return r.gatherDocument(ctx, seed, doc, resp.url, depth, g)
}

// fail reports a sitemap, feed or seed that failed.
func (r *runner) fail(u string, err error) {
	r.report(Event{URL: u, Outcome: Failed, Reason: err.Error()}, false)
}

// plural is "1 page", "2 pages", or with the plural given.
func plural(n int, one string, many ...string) string {
	switch {
	case n == 1:
		return "1 " + one
	case len(many) > 0:
		return fmt.Sprintf("%d %s", n, many[0])
	}
	return fmt.Sprintf("%d %ss", n, one)
}
