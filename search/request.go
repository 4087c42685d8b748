package search

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"nmnsearch/index"
)

// Limits on a request. Each is checked by Request.validate and tested.
const (
	MaxQueryRunes   = 256  // q, after normalizing and trimming
	MaxTerms        = 32   // terms in q; each one is a phrase search
	DefaultPageSize = 10   // size when none is given
	MaxPageSize     = 50   // largest size
	MaxResultWindow = 1000 // page*size: deep paging is a crawl, not a search
)

// Article and Paragraph are the index's types, re-exported so that callers of
// search need not import index.
type (
	Article   = index.Article
	Paragraph = index.Paragraph
)

// Request is a search as a caller states it. Zero Page and Size mean the
// defaults.
type Request struct {
	Q       string
	Topics  []string // OR within the list
	Lang    string   // "", "ja" or "en"
	Article string   // an article id, or ""
	Page    int      // 1-based
	Size    int
	Group   string // "" for paragraph hits, GroupArticle for one entry per article
}

// Result is one page of hits with facet counts.
type Result struct {
	Query    string  `json:"query"`
	Total    uint64  `json:"total"`    // paragraphs found
	Articles int     `json:"articles"` // articles they are in
	Page     int     `json:"page"`     // of hits, or of groups when grouped
	Size     int     `json:"size"`
	TookMS   float64 `json:"took_ms"`
	Hits     []Hit   `json:"hits"` // empty when grouped
	// Groups, with Request.Group GroupArticle, is one entry per article,
	// best first.
	Groups []Group `json:"groups,omitempty"`
	Facets Facets  `json:"facets"` // counts of paragraphs; of articles when grouped
	// DidYouMean, when nothing was found, is the query with its words
	// that the index lacks replaced by the nearest it has.
	DidYouMean string `json:"did_you_mean,omitempty"`
}

// Hit is one matching paragraph.
type Hit struct {
	ID        string     `json:"id"`
	Article   ArticleRef `json:"article"`
	Section   string     `json:"section"`
	Paragraph int        `json:"paragraph"`
	Lang      string     `json:"lang"`
	Topics    []string   `json:"topics"`
	Score     float64    `json:"score"`
	Text      string     `json:"text"`
	Highlight string     `json:"highlight"` // HTML: escaped text and <mark> only
}

// ArticleRef names the article a hit belongs to.
type ArticleRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Facets are disjunctive: topic counts ignore the topic filter (each is what
// choosing that topic instead would give), lang counts ignore the lang filter.
type Facets struct {
	Topic []FacetValue `json:"topic"`
	Lang  []FacetValue `json:"lang"`
}

// FacetValue is one facet bucket.
type FacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
	// Articles, in Topics' answer, is how many articles the Count
	// paragraphs are in.
	Articles int `json:"articles,omitempty"`
	// Label names a topic in each language, as the topics file does.
	Label index.Labels `json:"label,omitzero"`
}

// String writes f as "{value count}".
func (f FacetValue) String() string { return fmt.Sprintf("{%s %d}", f.Value, f.Count) }

// validate normalizes r in place and checks it against the limits.
func (s *Service) validate(r *Request) error {
	r.Q = Normalize(r.Q)
	if n := utf8.RuneCountInString(r.Q); n > MaxQueryRunes {
		return invalidf("q must be at most %d characters (got %d)", MaxQueryRunes, n)
	}
	if r.Q == "" && len(r.Topics) == 0 && r.Lang == "" && r.Article == "" {
		return invalidf("q is required unless a topic, lang or article filter is given")
	}
	if r.Page == 0 {
		r.Page = 1
	}
	if r.Size == 0 {
		r.Size = DefaultPageSize
	}
	if r.Page < 1 {
		return invalidf("page must be 1 or more")
	}
	if r.Size < 1 || r.Size > MaxPageSize {
		return invalidf("size must be between 1 and %d", MaxPageSize)
	}
	if r.Page > MaxResultWindow/r.Size {
		return invalidf("page*size must be at most %d", MaxResultWindow)
	}
	seen := map[string]bool{}
	topics := r.Topics[:0:0]
	for _, t := range r.Topics {
		if !s.ix.Topics().Has(t) {
			return invalidf("unknown topic %q (known: %s)", t, strings.Join(s.ix.Topics().Names(), ", "))
		}
		if !seen[t] {
			seen[t] = true
			topics = append(topics, t)
		}
	}
	r.Topics = topics
	if r.Lang != "" && r.Lang != index.LangJA && r.Lang != index.LangEN {
		return invalidf("lang must be ja or en")
	}
	if r.Group != "" && r.Group != GroupArticle {
		return invalidf("group must be %s or absent", GroupArticle)
	}
	return nil
}

// filters returns the clauses that restrict the search to what r scopes it
// to (one article). Topic and lang are facet filters: see facetFilter.
func filters(r Request) []query.Query {
	if r.Article == "" {
		return nil
	}
	q := bleve.NewTermQuery(r.Article)
	q.SetField(index.FieldArticle)
	return []query.Query{q}
}

// facetFilter returns whether a paragraph with these topics and language
// passes r's topic and lang filters (any of the topics), or nil when r has
// none.
func facetFilter(r Request) func(topics []string, lang string) bool {
	if len(r.Topics) == 0 && r.Lang == "" {
		return nil
	}
	return func(topics []string, lang string) bool {
		return (r.Lang == "" || lang == r.Lang) &&
			(len(r.Topics) == 0 || slices.ContainsFunc(topics, func(t string) bool { return slices.Contains(r.Topics, t) }))
	}
}

// facetsFrom turns counts per FieldFacet key into the topic and lang facets
// for r: topic counts honour the lang filter only, lang counts the topic
// filter only. Every known topic and language is listed, zeros included, so
// a chip bar does not jump.
func facetsFrom(counts map[string]int, r Request, topics *index.Topics) Facets {
	topic := map[string]int{}
	lang := map[string]int{}
	for key, n := range counts {
		ts, l := index.ParseFacetKey(key)
		for _, t := range facetTopics(ts, l, r) {
			topic[t] += n
		}
		if facetLang(ts, r) {
			lang[l] += n
		}
	}
	return facetValues(topic, lang, topics)
}

// articleFacetsFrom is facetsFrom counting articles, of each key's article
// ranks: a grouped answer's entries are articles, and so are its counts.
func articleFacetsFrom(ranks map[string][]int32, r Request, topics *index.Topics) Facets {
	topic := map[string]map[int32]bool{}
	lang := map[string]map[int32]bool{}
	add := func(m map[string]map[int32]bool, v string, rs []int32) {
		if m[v] == nil {
			m[v] = map[int32]bool{}
		}
		for _, a := range rs {
			m[v][a] = true
		}
	}
	for key, rs := range ranks {
		ts, l := index.ParseFacetKey(key)
		for _, t := range facetTopics(ts, l, r) {
			add(topic, t, rs)
		}
		if facetLang(ts, r) {
			add(lang, l, rs)
		}
	}
	count := func(m map[string]map[int32]bool) map[string]int {
		out := map[string]int{}
		for v, set := range m {
			out[v] = len(set)
		}
		return out
	}
	return facetValues(count(topic), count(lang), topics)
}

// facetTopics are the topics a key's hits count for: all of them, within
// the lang filter (facets are disjunctive: the topic filter is left out).
func facetTopics(ts []string, l string, r Request) []string {
	if r.Lang == "" || r.Lang == l {
		return ts
	}
	return nil
}

// facetLang says whether a key's hits count for its language: within the
// topic filter (the lang filter left out).
func facetLang(ts []string, r Request) bool {
	return len(r.Topics) == 0 || slices.ContainsFunc(ts, func(t string) bool { return slices.Contains(r.Topics, t) })
}

// facetValues lists the counts by topic, in the topics' order, and by
// language.
func facetValues(topic, lang map[string]int, topics *index.Topics) Facets {
	f := Facets{Topic: []FacetValue{}, Lang: []FacetValue{}}
	for _, t := range topics.List() {
		f.Topic = append(f.Topic, FacetValue{Value: t.Name, Count: topic[t.Name], Label: t.Labels})
	}
	for _, l := range []string{index.LangJA, index.LangEN} {
		f.Lang = append(f.Lang, FacetValue{Value: l, Count: lang[l]})
	}
	return f
}
