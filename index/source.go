package index

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"nmnsearch/index/extract"
)

// Source is an article as it is ingested, before parsing: what the store
// keeps, so that parsing and indexing can be redone whenever they change.
// Exactly one of Text, HTML and Paragraphs is set. Text is a file in the seeds'
// format (one paragraph a line, the site's furniture dropped by package
// extract); HTML is a web page; Paragraphs are taken as given, one
// paragraph each: whoever lists them has chosen them.
type Source struct {
	ID         string   `json:"id"`
	Title      string   `json:"title,omitempty"`  // "" means the first heading
	URL        string   `json:"url,omitempty"`    // "" or an absolute http(s) URL
	Topics     []string `json:"topics,omitempty"` // none means detected from the text
	Text       string   `json:"text,omitempty"`
	Paragraphs []string `json:"paragraphs,omitempty"`
	// HTML is a web page: its main content is found with readability, its
	// title and canonical URL read from its head (see package extract).
	// The canonical URL, when the page has one, is the article's URL; URL
	// is where the page was found, the base of its relative links.
	HTML string `json:"html,omitempty"`
}

// MaxHTMLBytes bounds an HTML page: real pages run to a few hundred KB,
// mostly scripts and markup. MaxTextBytes bounds a text: the longest seed
// is about 20 KB, and a long scraped page 200 KB.
const (
	MaxHTMLBytes = 4 << 20
	MaxTextBytes = 2 << 20
)

// maxTitleRunes bounds an explicit title: the blog's longest runs to about
// 150 characters. A title taken from the text is cut to it.
const maxTitleRunes = 300

// MaxParagraphs bounds the paragraphs of an article written (Put, Add): a
// write holds searches back while bleve indexes it, and a few thousand
// paragraphs held them past a second. Parsing does not check it, so that a
// rebuild keeps an article stored before the limit.
const MaxParagraphs = 2000

// Parse is parseWith the defaultTopics.
func (s Source) Parse() (Article, error) { return s.parseWith(defaultTopics()) }

// parseWith validates s and turns it into an Article that keeps s as its
// source, its paragraphs tagged with topics. Every error wraps errInvalid
// (an *InvalidError).
func (s Source) parseWith(topics *Topics) (Article, error) {
	return s.parse(topics, extract.Options{})
}

// parse is parseWith, the text's lines classified with opt.
func (s Source) parse(topics *Topics, opt extract.Options) (Article, error) {
	if err := s.validate(topics); err != nil {
		return Article{}, err
	}
	var blocks []extract.Block
	var page extract.Page
	canonical := ""
	switch {
	case s.HTML != "":
		base, _ := url.Parse(s.URL)
		hp, err := extract.HTML(strings.NewReader(s.HTML), base, opt)
		if err != nil { // ErrNoContent, or markup too deep to parse
			return Article{}, invalid("html", err.Error())
		}
		page, blocks, canonical = hp.Page, hp.Kept, hp.URL
	case s.Text != "":
		page = extract.Text(s.Text, opt)
		blocks = page.Kept
	default:
		for _, p := range s.Paragraphs {
			if p = strings.TrimSpace(p); p != "" {
				blocks = append(blocks, extract.Block{Text: p})
			}
		}
	}
	a, err := newArticle(s.ID, blocks, s.HTML != "", s.Topics, topics)
	if err != nil {
		return Article{}, err
	}
	if page.Title != "" && a.Titles == nil {
		a.Title = titleFrom(page.Title)
	}
	if t := strings.TrimSpace(s.Title); t != "" {
		a.Title = t
		if a.Titles != nil {
			a.Titles[a.Paragraphs[0].Lang] = t
		}
	}
	a.URL = s.URL
	if canonical != "" {
		a.URL = canonical // where the page says it lives, whatever address it was fetched at
	}
	a.Dropped = page.Dropped
	src := s.clone()
	a.src = &src
	return a, nil
}

func (s Source) validate(topics *Topics) error {
	if !validArticleID(s.ID) {
		return invalidID(s.ID)
	}
	for _, t := range s.Topics {
		if !topics.Has(t) {
			return invalid("topics", fmt.Sprintf("unknown topic %q (known: %s)", t, strings.Join(topics.Names(), ", ")))
		}
	}
	given := 0
	for _, set := range []bool{s.Text != "", len(s.Paragraphs) > 0, s.HTML != ""} {
		if set {
			given++
		}
	}
	switch {
	case given > 1:
		return invalid("text", "give one of text, paragraphs and html")
	case strings.TrimSpace(s.Text) == "" && strings.TrimSpace(s.HTML) == "" && !slices.ContainsFunc(s.Paragraphs, func(p string) bool { return strings.TrimSpace(p) != "" }):
		return invalid("text", "text, paragraphs or html is required")
	case len(s.HTML) > MaxHTMLBytes:
		return invalid("html", fmt.Sprintf("must be at most %d bytes (got %d)", MaxHTMLBytes, len(s.HTML)))
	case len(s.Text) > MaxTextBytes:
		return invalid("text", fmt.Sprintf("must be at most %d bytes (got %d)", MaxTextBytes, len(s.Text)))
	}
	if !utf8.ValidString(s.Text) || !utf8.ValidString(s.HTML) || slices.ContainsFunc(s.Paragraphs, func(p string) bool { return !utf8.ValidString(p) }) {
		return invalid("text", "not valid UTF-8")
	}
	if !utf8.ValidString(s.Title) || strings.ContainsFunc(s.Title, unicode.IsControl) {
		return invalid("title", "must be one line of valid UTF-8")
	}
	if n := utf8.RuneCountInString(s.Title); n > maxTitleRunes {
		return invalid("title", fmt.Sprintf("must be at most %d characters (got %d)", maxTitleRunes, n))
	}
	if s.URL != "" {
		// Article pages link to it: javascript: and relative URLs are out.
		u, err := url.Parse(s.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return invalid("url", fmt.Sprintf("%q is not an absolute http or https URL", s.URL))
		}
	}
	return nil
}

func invalidID(id string) error {
	return invalid("id", fmt.Sprintf("%q must match [a-z0-9-]{1,64}", id))
}

func (s Source) clone() Source {
	s.Topics = slices.Clone(s.Topics)
	s.Paragraphs = slices.Clone(s.Paragraphs)
	return s
}

// ValidID reports whether id can name an article: [a-z0-9-]{1,64}.
func ValidID(id string) bool { return validArticleID(id) }

// Source returns what a was parsed from: the file or Source given to
// ParseArticle or Source.Parse. An article built by hand has as source its
// title, URL, topics (as explicit topics) and the texts of its paragraphs.
func (a *Article) Source() Source {
	if a.src != nil {
		return a.src.clone()
	}
	s := Source{ID: a.ID, Title: a.Title, URL: a.URL, Topics: slices.Clone(a.Topics)}
	for _, p := range a.Paragraphs {
		s.Paragraphs = append(s.Paragraphs, p.Text)
	}
	return s
}
