package index

import (
	"net/url"
	"strings"

	"nmnsearch/index/extract"
)

// A site's template is what every page of it prints: its banner, menu,
// sidebar and footer. Articles are grouped into sites by their URL's host;
// articles with no URL are taken as one site (files ingested together are,
// most often, pages of one site). A write compares its pages with the
// stored pages of their sites, which it does not parse again: a page
// stored first keeps the lines a later page shows to be template until a
// rebuild, which compares every page with all of its site's.
func siteOf(src *Source) string {
	if u, err := url.Parse(src.URL); err == nil && src.URL != "" {
		return strings.ToLower(strings.TrimPrefix(u.Hostname(), "www."))
	}
	return ""
}

// siteLines counts, per site, the articles that print each line of text.
type siteLines map[string]map[string]map[string]bool // site -> line -> article ids

func (s siteLines) add(src *Source) {
	if src.Text == "" {
		return // paragraphs given one by one are the author's own choice
	}
	site := siteOf(src)
	lines := s[site]
	if lines == nil {
		lines = map[string]map[string]bool{}
		s[site] = lines
	}
	for _, l := range extract.Lines(src.Text) { // the lines Text classifies
		if lines[l] == nil {
			lines[l] = map[string]bool{}
		}
		lines[l][src.ID] = true
	}
}

// options returns how src is classified: a line other articles of its
// site print too may be the site's template.
func (s siteLines) options(src *Source) extract.Options {
	lines := s[siteOf(src)]
	return extract.Options{OtherPages: func(line string) int {
		ids := lines[line]
		if ids[src.ID] {
			return len(ids) - 1
		}
		return len(ids)
	}}
}

// sitesFor gathers the lines of srcs and of the stored articles of the
// same sites (those srcs replace left out).
func sitesFor(srcs []*Source, stored map[string]*Article) siteLines {
	s := siteLines{}
	replaced := map[string]bool{}
	sites := map[string]bool{}
	for _, src := range srcs {
		replaced[src.ID] = true
		sites[siteOf(src)] = true
		s.add(src)
	}
	for id, a := range stored {
		if a.src != nil && !replaced[id] && sites[siteOf(a.src)] {
			s.add(a.src)
		}
	}
	return s
}
