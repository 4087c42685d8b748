package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"nmnsearch/index"
	"nmnsearch/search/bleveq"
)

// Service answers searches over an index.
type Service struct {
	ix       *index.Index
	mapping  mapping.IndexMapping
	glossary glossary
	// tables are the per-reader tables of facet keys, reading order and
	// Japanese text that facets, sorting and Japanese words read.
	tables bleveq.Tables
	// locateApartAbove is the number of paragraphs above which the
	// positions of matches are read for the returned hits only (locate).
	locateApartAbove int
	wmu              sync.Mutex // admin writes, one at a time (see PutArticle)
}

// New returns a Service over ix that expands queries with syn, or with
// DefaultSynonyms when syn is nil.
func New(ix *index.Index, syn *Synonyms) *Service {
	if syn == nil {
		syn = DefaultSynonyms()
	}
	return &Service{ix: ix, mapping: ix.Bleve().Mapping(), glossary: syn.g, locateApartAbove: locateApartAbove}
}

// Ready reports whether the index is open and answering, and can persist
// writes. An index with no article is ready: its articles may all have
// been deleted.
func (s *Service) Ready() bool {
	if s.ix.Healing() || !s.ix.Writable() {
		return false
	}
	_, err := s.ix.Bleve().DocCount()
	return err == nil
}

// Search runs r and returns one page of hits with facets.
func (s *Service) Search(ctx context.Context, r Request) (*Result, error) {
	began := time.Now()
	if err := s.validate(&r); err != nil {
		return nil, err
	}
	res := &Result{Query: r.Q, Page: r.Page, Size: r.Size, Hits: []Hit{}}

	terms := Parse(r.Q)
	if len(terms) > MaxTerms {
		return nil, invalidf("q must have at most %d terms (got %d)", MaxTerms, len(terms))
	}
	text := newTextQuery(s, terms, r.Q == "")
	if testHookSearch != nil {
		testHookSearch()
	}

	// One pass over the hits scores them, counts them by facet key and
	// drops those the topic and lang filters exclude
	// (bleveq.NewFacetQuery), and no field of a hit is read: ties in score
	// go in reading order through the same table
	// (bleveq.NewParagraphOrder). Positions of matches, for highlights,
	// come with the hits in a small index, or from locate in a large one.
	fc := bleveq.NewFacetCount(&s.tables, facetFilter(r))
	grouped := r.Group == GroupArticle
	if grouped {
		fc.CountArticles()
	}
	size, from := r.Size, (r.Page-1)*r.Size
	if grouped {
		size = groupWindow // the groups are made, then paged, here
	}
	main := bleve.NewSearchRequestOptions(bleveq.NewFacetQuery(withFilter(text, filters(r)), fc), size, from, false)
	if grouped {
		main.From = 0
	}
	if r.Q == "" {
		main.SortByCustom(bsearch.SortOrder{bleveq.NewParagraphOrder(fc)})
	} else {
		main.SortByCustom(bsearch.SortOrder{&bsearch.SortScore{Desc: true}, bleveq.NewParagraphOrder(fc)})
	}
	// The hits are looked up in the snapshot the search ran on (a write may
	// have been applied since View began): an article replaced meanwhile is
	// seen whole, old or new, never a mix.
	err := s.view(func(v *index.Snapshot, retry bool) error {
		// In a small index, reading every hit's positions costs less than
		// running the query again for the returned ones (locate); and a
		// search that met a write between the two reads them all, in one.
		// A grouped search reads a window of hits: locate marks the shown.
		main.IncludeLocations = !grouped && r.Q != "" && (retry || v.Len() <= s.locateApartAbove)
		res.Hits, res.Groups = res.Hits[:0], nil
		sr, v, err := v.Search(ctx, main) // v: the snapshot searched
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		if _, ok := v.Article(r.Article); r.Article != "" && !ok {
			return invalidf("unknown article %q", r.Article)
		}
		res.Total, res.Articles = sr.Total, fc.Articles()
		shown := sr.Hits
		var groups [][]ranked
		if grouped {
			groups = groupHits(v, sr.Hits)
			groups = groups[min(from, len(groups)):min(from+r.Size, len(groups))]
			shown = nil
			for _, g := range groups {
				for _, h := range g {
					shown = append(shown, h.dm)
				}
			}
		}
		var located map[string]*bsearch.DocumentMatch
		switch {
		case main.IncludeLocations:
			located = byID(shown)
		case r.Q != "":
			if located, err = s.locate(ctx, v, fc.Reader(), text, shown); err != nil {
				return err
			}
		}
		hit := func(dm *bsearch.DocumentMatch, score float64) (Hit, bool) {
			p, ok := v.Paragraph(dm.ID)
			if !ok {
				return Hit{}, false
			}
			a, _ := v.Article(p.Article)
			if math.IsNaN(score) || r.Q == "" {
				score = 0
			}
			return Hit{
				ID:        p.ID,
				Article:   ArticleRef{ID: a.ID, Title: a.TitleIn(p.Lang), URL: a.URL},
				Section:   p.Section,
				Paragraph: p.N,
				Lang:      p.Lang,
				Topics:    p.Topics,
				Score:     score,
				Text:      p.Text,
				Highlight: Highlight(p.Text, text.marks().spans(p.Text, located[dm.ID])),
			}, true
		}
		for _, g := range groups {
			var entry Group
			for _, r := range g {
				if h, ok := hit(r.dm, r.score); ok {
					entry.Hits = append(entry.Hits, h)
				}
			}
			if len(entry.Hits) > 0 {
				entry.Article = entry.Hits[0].Article
				res.Groups = append(res.Groups, entry)
			}
		}
		if grouped {
			return nil
		}
		for _, dm := range shown {
			if h, ok := hit(dm, dm.Score); ok {
				res.Hits = append(res.Hits, h)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if res.Total == 0 && r.Q != "" {
		res.DidYouMean = s.didYouMean(terms)
	}
	if grouped {
		res.Facets = articleFacetsFrom(fc.ArticleCounts(), r, s.ix.Topics())
	} else {
		res.Facets = facetsFrom(fc.Counts(), r, s.ix.Topics())
	}
	res.TookMS = took(began)
	return res, nil
}

// testHookSearch, when set, runs in Search between reading the request and
// the search: tests write there.
var testHookSearch func()

// maxViews is how many times view runs fn before it holds writes off.
const maxViews = 3

// view runs fn in a View, again when fn meets index.ErrChanged: a write
// was applied between two searches of fn, or so many that the snapshot its
// search ran on is gone. retry tells fn it is not the first try. Writes are
// one at a time and take milliseconds, so the next try nearly always
// succeeds; should all but the last fail, the last waits for the write in
// progress and holds the next one off.
func (s *Service) view(fn func(v *index.Snapshot, retry bool) error) error {
	for i := range maxViews - 1 {
		err := s.ix.View(func(v *index.Snapshot) error { return fn(v, i > 0) })
		if !errors.Is(err, index.ErrChanged) {
			return err
		}
	}
	return s.ix.ViewBetweenWrites(func(v *index.Snapshot) error { return fn(v, true) })
}

func took(since time.Time) float64 {
	return math.Round(float64(time.Since(since).Microseconds())) / 1000
}

// locateApartAbove is the default of Service.locateApartAbove: a guess
// between the seeds (160 paragraphs, where the second search was a fifth
// of the CPU) and 100,000 (where positions of thousands of hits were).
const locateApartAbove = 10000

// withFilter adds filter clauses that restrict q without changing scores.
func withFilter(q query.Query, fs []query.Query) query.Query {
	if len(fs) == 0 {
		return q
	}
	b := bleve.NewBooleanQuery()
	b.AddMust(q)
	b.AddFilter(bleve.NewConjunctionQuery(fs...))
	return b
}

// Article returns one article by id.
func (s *Service) Article(id string) (*Article, error) {
	a, ok := s.ix.Article(id)
	if !ok {
		return nil, &Error{Code: CodeNotFound, Message: fmt.Sprintf("no article %q", id)}
	}
	return a, nil
}

// Articles returns every article, ordered by id.
func (s *Service) Articles() []*Article { return s.ix.Articles() }

// Topics returns every known topic with its number of paragraphs and of
// articles.
func (s *Service) Topics(ctx context.Context) ([]FacetValue, error) {
	var fc *bleveq.FacetCount
	err := s.view(func(v *index.Snapshot, _ bool) error {
		fc = bleveq.NewFacetCount(&s.tables, nil)
		fc.CountArticles()
		req := bleve.NewSearchRequestOptions(bleveq.NewFacetQuery(bleve.NewMatchAllQuery(), fc), 0, 0, false)
		_, _, err := v.Search(ctx, req)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("topics: %w", err)
	}
	topics := facetsFrom(fc.Counts(), Request{}, s.ix.Topics()).Topic
	articles := articleFacetsFrom(fc.ArticleCounts(), Request{}, s.ix.Topics()).Topic
	for i := range topics {
		topics[i].Articles = articles[i].Count
	}
	return topics, nil
}

// Version identifies the index snapshot searches see now; see
// index.Index.Version.
func (s *Service) Version() uint64 { return s.ix.Version() }
