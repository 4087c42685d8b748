package search

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
	"golang.org/x/text/unicode/norm"

	"nmnsearch/index"
	"nmnsearch/search/bleveq"
)

// marks records, for highlighting, which Japanese tokens a query searches
// as they are (own), which characters it searches predictively, and which
// of those also as the end of a bigram (suffix): a match of a bigram that
// only a predictive character asked for (脳 → 脳内, 眠 → 睡眠) is marked on
// the character alone.
//
// It also keeps each Japanese term's dictionary forms, so that kagome runs
// once per term and query.
type marks struct {
	own, predictive, suffix map[string]bool
	forms                   map[string]analysis.TokenStream
}

func (m *marks) baseForms(text string) (analysis.TokenStream, bool) {
	if m == nil {
		return nil, false
	}
	toks, ok := m.forms[text]
	return toks, ok
}

func (m *marks) keepBaseForms(text string, toks analysis.TokenStream) {
	if m != nil {
		m.forms[text] = toks
	}
}

func (m *marks) add(tok *analysis.Token) {
	if m == nil {
		return
	}
	if isPredictive(tok) {
		m.predictive[string(tok.Term)] = true
	} else {
		m.own[string(tok.Term)] = true
	}
}

func (m *marks) addSuffix(tok *analysis.Token) {
	if m != nil {
		m.suffix[string(tok.Term)] = true
	}
}

// spans returns the highlight spans of every location of every term a hit
// matched in text.
func (m *marks) spans(text string, h *bsearch.DocumentMatch) []span {
	if h == nil {
		return nil
	}
	var out []span
	for field, terms := range h.Locations {
		for term, locs := range terms {
			for _, l := range locs {
				out = append(out, m.span(text, field, term, int(l.Start), int(l.End)))
			}
		}
	}
	return out
}

// span returns the highlight span of a match of term in field at [start,
// end) in text. A match in FieldJABase is a dictionary form (飲む) at its
// surface in the text (飲ん), which is marked whole.
func (m *marks) span(text, field, term string, start, end int) span {
	if field != index.FieldJA || m.own[term] || start >= end || end > len(text) {
		return span{start, end}
	}
	first, fsize := utf8.DecodeRuneInString(term)
	last, lsize := utf8.DecodeLastRuneInString(term)
	prefix := m.predictive[string(first)] && fsize < len(term)
	suffix := m.suffix[string(last)] && lsize < len(term)
	// The character's extent in the original, which may be longer than its
	// NFKC form (ﾃﾞ is デ).
	switch {
	case prefix && suffix: // 睡眠 for the query "睡 眠": both characters
	case prefix:
		end = start + norm.NFKC.NextBoundaryInString(text[start:], true)
	case suffix:
		from := end
		for from > start {
			_, size := utf8.DecodeLastRuneInString(text[:from])
			from -= size
			if norm.NFKC.PropertiesString(text[from:]).BoundaryBefore() {
				break
			}
		}
		start = from
	}
	return span{start, end}
}

// locate runs text again over the given hits only, with the positions of
// what matched, for their highlights: positions for every hit of the main
// search would be read and thrown away. found is the reader that found the
// hits.
func (s *Service) locate(ctx context.Context, v *index.Snapshot, found bleveindex.IndexReader, text query.Query, hits bsearch.DocumentMatchCollection) (map[string]*bsearch.DocumentMatch, error) {
	if len(hits) == 0 {
		return nil, nil
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	// Japanese words are located on the hits' text (bleveq.OnPage).
	q := bleveq.OnPage(bleve.NewConjunctionQuery(text, bleve.NewDocIDQuery(ids)), found, v, hits)
	req := bleve.NewSearchRequestOptions(q, len(ids), 0, false)
	req.IncludeLocations = true
	req.Score = "none"
	sr, seen, err := v.Search(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("highlight search: %w", err)
	}
	if seen != v {
		// The positions would be those of another version of the text.
		return nil, fmt.Errorf("highlight search: %w", index.ErrChanged)
	}
	return byID(sr.Hits), nil
}

// byID maps hits by document id.
func byID(hits bsearch.DocumentMatchCollection) map[string]*bsearch.DocumentMatch {
	m := make(map[string]*bsearch.DocumentMatch, len(hits))
	for _, h := range hits {
		m[h.ID] = h
	}
	return m
}
