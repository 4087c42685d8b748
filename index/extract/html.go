package extract

import (
	"errors"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// ErrNoContent is HTML's answer for a page whose main content readability
// cannot find, or finds empty: a page of menus, links and footers.
var ErrNoContent = errors.New("no main content: the page has no article text, only navigation, headers and footers")

// HTMLPage is what HTML finds in a document besides its blocks.
type HTMLPage struct {
	Page
	// URL is the page's canonical link (rel=canonical, else og:url),
	// absolute, "" when it has none.
	URL string
}

// HTML finds the article in an HTML document: its main content as
// readability finds it, split into blocks (headings, paragraphs, list
// items, table cells), classified as Classify does; its title from the
// document's head; its canonical URL. pageURL, when known, resolves
// relative links. Blocks outside the main content are listed as dropped.
func HTML(r io.Reader, pageURL *url.URL, opt Options) (HTMLPage, error) {
	doc, err := html.Parse(r)
	if err != nil {
		return HTMLPage{}, err
	}
	head := readHead(doc, pageURL)
	all := blocksOf(doc, invisible) // what a reader of the page sees, furniture and all
	art, err := readability.FromDocument(doc, pageURL)
	if err != nil || art.Node == nil {
		return HTMLPage{}, ErrNoContent
	}
	blocks := blocksOf(art.Node, skipped)
	if len(blocks) == 0 {
		return HTMLPage{}, ErrNoContent
	}
	title := head.title(blocks, all)
	// Readability takes the title out of the content; it is the article's
	// first heading, as in a text file.
	if title != "" && !startsWith(blocks, title) {
		blocks = append([]Block{{Text: title, Heading: true}}, blocks...)
	}
	opt.Title = title
	p := HTMLPage{Page: Classify(blocks, opt), URL: head.canonical}
	if title != "" {
		p.Title = title
	}
	inMain := map[string]bool{}
	for _, b := range blocks {
		inMain[b.Text] = true
	}
	var outside []Dropped
	for _, b := range all {
		if !inMain[b.Text] {
			reason := ReasonNoContent
			if b.caption {
				reason = ReasonCaption
			}
			outside = append(outside, Dropped{b.Text, reason})
		}
	}
	p.Dropped = append(outside, p.Dropped...)
	if !slices.ContainsFunc(p.Kept, func(b Block) bool { return b.Text != title }) {
		return HTMLPage{}, ErrNoContent // a title over nothing
	}
	return p, nil
}

// startsWith reports whether the title is among the first blocks.
func startsWith(blocks []Block, title string) bool {
	for _, b := range blocks[:min(3, len(blocks))] {
		if b.Text == title {
			return true
		}
	}
	return false
}

// head is what a document's head says of it.
type head struct {
	ogTitle, docTitle, siteName, canonical string
}

func readHead(doc *html.Node, base *url.URL) head {
	var h head
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.DataAtom {
		case atom.Title:
			if h.docTitle == "" {
				h.docTitle = collapse(textOf(n))
			}
		case atom.Meta:
			switch attr(n, "property") + attr(n, "name") {
			case "og:title":
				h.ogTitle = collapse(attr(n, "content"))
			case "og:site_name", "application-name":
				h.siteName = collapse(attr(n, "content"))
			case "og:url":
				if h.canonical == "" {
					h.canonical = absolute(attr(n, "content"), base)
				}
			}
		case atom.Link:
			if strings.EqualFold(attr(n, "rel"), "canonical") {
				h.canonical = absolute(attr(n, "href"), base)
			}
		}
	}
	return h
}

// titleSeparator splits "Article | Site" and "Article - Site".
var titleSeparator = regexp.MustCompile(`\s+[|｜\-–—:·»]\s+|[|｜]`)

// title is the article's title: its h1 when the head's titles name it, else
// og:title or <title> less the site's name.
func (h head) title(main, all []Block) string {
	// the h1s of the main content first; a logo's h1 (the site's name) never
	var h1s []string
	for _, bs := range [][]Block{main, all} {
		for _, b := range bs {
			if b.Heading && b.level == 1 && !strings.EqualFold(b.Text, h.siteName) && !h.siteTitle(b.Text) && !slices.Contains(h1s, b.Text) {
				h1s = append(h1s, b.Text)
			}
		}
	}
	for _, t := range h1s {
		if strings.Contains(h.ogTitle, t) || strings.Contains(h.docTitle, t) {
			return t
		}
	}
	for _, t := range []string{h.ogTitle, h.docTitle} {
		if t = h.withoutSite(t); t != "" {
			return t
		}
	}
	if len(h1s) > 0 {
		return h1s[0]
	}
	return ""
}

// siteTitle reports whether t is the part withoutSite cuts off the page's
// <title> or og:title: the site's name.
func (h head) siteTitle(t string) bool {
	for _, full := range []string{h.ogTitle, h.docTitle} {
		if kept := h.withoutSite(full); kept != full && kept != "" && !strings.Contains(kept, t) && strings.Contains(full, t) {
			return true
		}
	}
	return false
}

// withoutSite cuts the site's name off a title: the part that is the
// og:site_name, or else the shorter end, of "Article | Site".
func (h head) withoutSite(t string) string {
	parts := titleSeparator.Split(t, -1)
	if len(parts) < 2 {
		return t
	}
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" && !strings.EqualFold(p, h.siteName) {
			kept = append(kept, p)
		}
	}
	if len(kept) == len(parts) {
		// no site name given: the longer of the first and last parts
		if first, last := parts[0], parts[len(parts)-1]; len(last) > len(first) {
			return strings.TrimSpace(last)
		}
		return strings.TrimSpace(strings.Join(parts[:len(parts)-1], " | "))
	}
	return strings.Join(kept, " | ")
}

// invisible are the elements whose text a reader never sees.
var invisible = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Svg: true, atom.Head: true,
}

// skipped are the elements whose text is never the article's: what is
// invisible, furniture, forms, and a figure's caption.
var skipped = func() map[atom.Atom]bool {
	m := map[atom.Atom]bool{atom.Nav: true, atom.Aside: true, atom.Form: true, atom.Button: true,
		atom.Select: true, atom.Figcaption: true}
	for a := range invisible {
		m[a] = true
	}
	return m
}()

// blockElements start a block of their own.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Li: true, atom.Dd: true, atom.Dt: true, atom.Blockquote: true, atom.Pre: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true, atom.Header: true,
	atom.Footer: true, atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Table: true, atom.Tr: true,
	atom.Td: true, atom.Th: true, atom.Figure: true, atom.Address: true, atom.Br: true, atom.Hr: true,
	atom.Body: true, atom.Tbody: true, atom.Thead: true, atom.Caption: true, atom.Details: true, atom.Summary: true,
	atom.Figcaption: true, atom.Nav: true, atom.Aside: true, atom.Form: true,
}

// blocksOf splits the text under n into blocks: each heading, paragraph,
// list item and table cell one (a row of short cells one, its cells
// joined), the text of a container between them one.
func blocksOf(n *html.Node, skip map[atom.Atom]bool) []Block {
	var out []Block
	var cur strings.Builder
	caption := false // in a figcaption
	flush := func(heading bool, level int) {
		if t := collapse(cur.String()); t != "" {
			out = append(out, Block{Text: t, Heading: heading, level: level, caption: caption})
		}
		cur.Reset()
	}
	cellsApart := false // in a table whose cells hold sentences
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			cur.WriteString(n.Data)
			return
		case html.ElementNode:
			if skip[n.DataAtom] || hidden(n) {
				return
			}
			if n.DataAtom == atom.Figcaption {
				flush(false, 0)
				caption = true
				defer func() { flush(false, 0); caption = false }()
			}
			if n.DataAtom == atom.Table {
				outer := cellsApart
				cellsApart = tableOfSentences(n)
				defer func() { cellsApart = outer }()
			}
			if n.DataAtom == atom.Tr && !cellsApart {
				flush(false, 0)
				var cells []string
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.ElementNode && (c.DataAtom == atom.Td || c.DataAtom == atom.Th) {
						if t := collapse(textOf(c)); t != "" {
							cells = append(cells, t)
						}
					}
				}
				cur.WriteString(strings.Join(cells, " "))
				flush(false, 0)
				return
			}
			if blockElements[n.DataAtom] {
				flush(false, 0)
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
				level := headingLevel(n.DataAtom)
				flush(level > 0, level)
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	flush(false, 0)
	return out
}

func headingLevel(a atom.Atom) int {
	switch a {
	case atom.H1:
		return 1
	case atom.H2:
		return 2
	case atom.H3:
		return 3
	case atom.H4:
		return 4
	case atom.H5:
		return 5
	case atom.H6:
		return 6
	}
	return 0
}

// tableOfSentences reports whether a table's cells hold sentences, each
// then a block; a row of short data cells is one block.
func tableOfSentences(table *html.Node) bool {
	for c := range table.Descendants() {
		if c.Type == html.ElementNode && c.DataAtom == atom.Td && hasSentence(collapse(textOf(c))) {
			return true
		}
	}
	return false
}

// hidden: an element the page does not show.
func hidden(n *html.Node) bool {
	_, h := attrOK(n, "hidden")
	return h || attr(n, "aria-hidden") == "true" || strings.Contains(strings.ReplaceAll(attr(n, "style"), " ", ""), "display:none")
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func attr(n *html.Node, key string) string {
	v, _ := attrOK(n, key)
	return v
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val, true
		}
	}
	return "", false
}

func absolute(ref string, base *url.URL) string {
	u, err := url.Parse(strings.TrimSpace(ref))
	if err != nil || ref == "" {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}
