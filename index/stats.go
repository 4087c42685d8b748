package index

import (
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"golang.org/x/text/unicode/norm"
)

// textFields are the fields searched with BM25, in the order of
// Paragraph.lengths.
var textFields = [...]struct{ field, analyzer string }{
	{FieldJA, AnalyzerJA},
	{FieldJABase, AnalyzerJABase},
	{FieldEN, AnalyzerEN},
}

// fieldLength is what BM25 needs to know of a text field: how many
// paragraphs have it and how many tokens they hold in all.
type fieldLength struct{ docs, tokens int }

// measure records in p how many tokens each of its text fields has, which
// is the length bleve gives the field (one token per analyzed term).
// It also sets what Folded returns.
func measure(m mapping.IndexMapping, p *Paragraph) {
	fold(p)
	doc := document(p)
	for i, f := range textFields {
		text, ok := doc[f.field].(string)
		if !ok {
			p.lengths[i] = -1
			continue
		}
		p.lengths[i] = int32(len(m.AnalyzerNamed(f.analyzer).Analyze([]byte(text))))
	}
}

// addLengths adds p's field lengths to the totals.
func addLengths(lengths map[string]fieldLength, p *Paragraph) {
	for i, f := range textFields {
		if p.lengths[i] < 0 {
			continue
		}
		l := lengths[f.field]
		l.docs++
		l.tokens += int(p.lengths[i])
		lengths[f.field] = l
	}
}

// statsFromLengths turns the totals into the form bleve's BM25 reads from a
// query's context (search.BM25StatsKey). bleve v2.6.3 otherwise takes a
// field's average length to be its number of distinct terms over the number
// of documents in the whole index (searcher.bm25ScoreMetrics): 8 for
// text_ja, whose paragraphs run to about 50 bigrams, and 3 for text_en. Long
// paragraphs were scored as if several times too long, and each field on
// its own scale. It also counts a field's idf over every paragraph, where
// only those in its language can have the term.
func statsFromLengths(lengths map[string]fieldLength) map[string]*bsearch.BM25Stats {
	out := make(map[string]*bsearch.BM25Stats, len(lengths))
	for field, l := range lengths {
		if l.docs > 0 {
			// bleve's average is ceil(FieldCardinality / DocCount).
			out[field] = &bsearch.BM25Stats{DocCount: float64(l.docs), FieldCardinality: map[string]int{field: l.tokens}}
		}
	}
	return out
}

// BM25Stats returns the statistics of field for bleve's BM25 in the
// current snapshot (see Snapshot.BM25Stats).
func (ix *Index) BM25Stats(field string) *bsearch.BM25Stats { return ix.snap().BM25Stats(field) }

// fold sets p.folded, the NFKC form of p.Text where that differs.
func fold(p *Paragraph) {
	p.folded = ""
	if !norm.NFKC.IsNormalString(p.Text) {
		p.folded = norm.NFKC.String(p.Text)
	}
}
