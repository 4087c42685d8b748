package sitesync

import (
	"encoding/xml"
	"strings"
)

// link is an RSS <link> (its text) or an Atom <link> (its href).
type link struct {
	XMLName xml.Name
	Href    string `xml:"href,attr"`
	Rel     string `xml:"rel,attr"`
	Text    string `xml:",chardata"`
}

// item is an RSS item or an Atom entry.
type item struct {
	Links []link `xml:"link"`
	GUID  struct {
		Text      string `xml:",chardata"`
		Permalink string `xml:"isPermaLink,attr"`
	} `xml:"guid"`
	Updated string `xml:"updated"` // Atom's date of last change; RSS's pubDate is the first publication's
}

// parseFeed reads the items' links of an RSS 2.0 feed (rss/channel/item),
// an RSS 1.0 one (rdf:RDF/item) or an Atom feed (feed/entry).
func parseFeed(d *xml.Decoder, start xml.StartElement) (*document, error) {
	var v struct {
		Channel []item `xml:"channel>item"` // RSS 2.0
		Items   []item `xml:"item"`         // RSS 1.0
		Entries []item `xml:"entry"`        // Atom
	}
	if err := d.DecodeElement(&v, &start); err != nil {
		return nil, err
	}
	doc := &document{kind: kindFeed}
	for _, list := range [][]item{v.Channel, v.Items, v.Entries} {
		for _, it := range list {
			if loc := it.link(); loc != "" {
				doc.entries = append(doc.entries, entry{loc: loc, lastmod: strings.TrimSpace(it.Updated)})
			}
		}
	}
	return doc, nil
}

// link is the item's page: RSS's <link> text, Atom's alternate link (an
// <atom:link> in RSS is the feed's own), else an RSS guid that is a
// permalink.
func (it item) link() string {
	for _, l := range it.Links {
		if t := strings.TrimSpace(l.Text); t != "" && l.Href == "" {
			return t
		}
	}
	for _, l := range it.Links {
		if l.Href != "" && (l.Rel == "" || l.Rel == "alternate") {
			return strings.TrimSpace(l.Href)
		}
	}
	if g := strings.TrimSpace(it.GUID.Text); g != "" && it.GUID.Permalink != "false" &&
		(strings.HasPrefix(g, "http://") || strings.HasPrefix(g, "https://")) {
		return g
	}
	return ""
}
