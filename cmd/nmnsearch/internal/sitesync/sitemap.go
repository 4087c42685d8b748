package sitesync

import (
	"encoding/xml"
	"strings"
)

// parseSitemap reads a urlset (pages) or a sitemapindex (sitemaps), as
// sitemaps.org defines them: each entry's loc and lastmod.
func parseSitemap(d *xml.Decoder, start xml.StartElement) (*document, error) {
	var v struct {
		URLs []struct {
			Loc     string `xml:"loc"`
			Lastmod string `xml:"lastmod"`
		} `xml:"url"`
		Sitemaps []struct {
			Loc     string `xml:"loc"`
			Lastmod string `xml:"lastmod"`
		} `xml:"sitemap"`
	}
	if err := d.DecodeElement(&v, &start); err != nil {
		return nil, err
	}
	doc := &document{kind: kindSitemap, index: start.Name.Local == "sitemapindex"}
	for _, u := range v.URLs {
		doc.entries = append(doc.entries, entry{loc: strings.TrimSpace(u.Loc), lastmod: strings.TrimSpace(u.Lastmod)})
	}
	for _, s := range v.Sitemaps {
		doc.entries = append(doc.entries, entry{loc: strings.TrimSpace(s.Loc), lastmod: strings.TrimSpace(s.Lastmod)})
	}
	return doc, nil
}
