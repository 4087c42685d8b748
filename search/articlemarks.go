package search

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"

	"nmnsearch/index"
)

// Mark is a byte range [Start, End) of a paragraph's text that a query
// matches.
type Mark struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// MarkArticle returns article id and the matches of q in every paragraph of
// it, for an article page that shows the query's terms: marks[i] holds the
// marks of the paragraph with N == i+1, sorted and merged as Highlight
// merges them, over the whole text rather than a snippet. Show the article
// it returns, not one looked up before or after: a write may replace the
// article meanwhile, and the marks are offsets into the text they were
// found in.
//
// A paragraph need not hold every term to be marked: each positive term of q
// (a word or a quoted phrase, with its glossary names and, for an English
// word, its typos and completions) is looked for on its own, so a reader who
// followed a hit for "NAD+ 睡眠" sees every NAD+ and every 睡眠 of the
// article. Excluded terms (-term) mark nothing. An empty q marks nothing.
func (s *Service) MarkArticle(ctx context.Context, id, q string) (*Article, [][]Mark, error) {
	q = Normalize(q)
	if n := utf8.RuneCountInString(q); n > MaxQueryRunes {
		return nil, nil, invalidf("q must be at most %d characters (got %d)", MaxQueryRunes, n)
	}
	terms := Parse(q)
	if len(terms) > MaxTerms {
		return nil, nil, invalidf("q must have at most %d terms (got %d)", MaxTerms, len(terms))
	}
	// One query per term: the marks must not depend on the other terms (the
	// query ANDs them), and each term's marks say how to cut its own
	// Japanese matches.
	var tqs []*textQuery
	for _, t := range terms {
		if !t.Negate {
			tqs = append(tqs, newTextQuery(s, []Term{t}, false))
		}
	}

	var marked *Article
	var out [][]Mark
	err := s.view(func(v *index.Snapshot, _ bool) error {
		a, ok := v.Article(id)
		if !ok {
			return &Error{Code: CodeNotFound, Message: fmt.Sprintf("no article %q", id)}
		}
		size := len(a.Paragraphs)
		spans := make([][]span, size)
		// The searches must all run on one snapshot, the first one's: the
		// marks of two versions of the article would not go together.
		var on *index.Snapshot
		for _, tq := range tqs {
			req := bleve.NewSearchRequestOptions(withFilter(tq, filters(Request{Article: id})), size, 0, false)
			req.IncludeLocations = true
			sr, seen, err := v.Search(ctx, req)
			if err != nil {
				return fmt.Errorf("mark article: %w", err)
			}
			if on == nil {
				on = seen
				if a, ok = on.Article(id); !ok || len(a.Paragraphs) > size {
					// Deleted or grown since View began.
					return fmt.Errorf("mark article: %w", index.ErrChanged)
				}
				spans = spans[:len(a.Paragraphs)]
			}
			if seen != on {
				return fmt.Errorf("mark article: %w", index.ErrChanged)
			}
			for _, h := range sr.Hits {
				p, ok := on.Paragraph(h.ID)
				if !ok || p.Article != id || p.N < 1 || p.N > len(spans) {
					continue
				}
				spans[p.N-1] = append(spans[p.N-1], tq.marks().spans(p.Text, h)...)
			}
		}
		marked = a
		out = make([][]Mark, len(a.Paragraphs))
		for i, p := range a.Paragraphs {
			for _, sp := range mergeSpans(p.Text, spans[i]) {
				out[i] = append(out[i], Mark{Start: sp.start, End: sp.end})
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return marked, out, nil
}
