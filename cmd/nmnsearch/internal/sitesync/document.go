package sitesync

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"golang.org/x/net/html/charset"
)

// Kinds of seed, and of the records of the pages gathered from them.
const (
	kindSitemap = "sitemap"
	kindFeed    = "feed"
	kindPage    = "page"
)

// document is a sitemap, a sitemap index or a feed: the URLs it lists.
type document struct {
	kind    string  // kindSitemap or kindFeed
	index   bool    // a sitemap index: its entries are sitemaps
	entries []entry // in the document's order
}

// entry is one URL a document lists, with its date of last change when it
// gives one (a sitemap's lastmod, an Atom entry's updated).
type entry struct {
	loc     string
	lastmod string
}

// errNotDocument is parseDocument's answer for XML that is no sitemap or
// feed, and for what is not XML at all (a web page).
var errNotDocument = errors.New("not a sitemap or a feed")

// parseDocument reads a sitemap (urlset), a sitemap index, an RSS 2.0 or
// 1.0 feed or an Atom feed, by its root element. The decoder is lenient:
// feeds carry HTML entities and are served in legacy charsets.
func parseDocument(body []byte) (*document, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	d.CharsetReader = charset.NewReaderLabel
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil, errNotDocument
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errNotDocument, err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		var doc *document
		switch start.Name.Local {
		case "urlset", "sitemapindex":
			doc, err = parseSitemap(d, start)
		case "rss", "RDF", "feed":
			doc, err = parseFeed(d, start)
		default:
			return nil, errNotDocument
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", start.Name.Local, err)
		}
		return doc, nil
	}
}
