package bleveq

import (
	"context"
	"math"
	"strings"
	"unicode/utf8"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/scorer"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// wordSearcher finds a Japanese word (a phrase of overlapping bigrams, see
// phraseQuery.word) without positions: it reads the postings of the word's rarest
// bigram only and checks each paragraph's Folded text for the word, as
// zoekt reads one trigram and checks the file. The conjunction of all the
// bigrams it replaces read every bigram's postings to find the same
// paragraphs, where every paragraph with メラ has ラト, トニ and ニン too.
type wordSearcher struct {
	*wordScorer
	word  string
	texts *facetTable
}

// wordScorer scores the matches of a Japanese word, with positions or
// without, as bleve scores the conjunction of its bigrams when each occurs
// as often as the word: the sum of the bigrams' BM25 scores, each at the
// word's frequency in the paragraph. That is how Lucene scores a phrase
// (the phrase's frequency, its terms' weights summed); a bigram that also
// stands outside the word (the メラ of メラニン) adds nothing.
type wordScorer struct {
	scorers []*scorer.TermQueryScorer  // one per bigram
	reader  bleveindex.TermFieldReader // the rarest bigram's postings, with norms
	tfd     bleveindex.TermFieldDoc
	scratch bleveindex.TermFieldDoc
	scale   float64 // see match
}

// newWordScorer returns the scorer of the word whose bigrams are terms, in
// field, reading the rarest bigram's postings. docFreqs, how many
// paragraphs have each bigram, is nil unless the caller has read them
// already (its term searchers have).
func newWordScorer(ctx context.Context, r bleveindex.IndexReader, terms []string, docFreqs []uint64, field string, boost float64, opts bsearch.SearcherOptions) (*wordScorer, error) {
	docs, avgLen, err := scoreMetrics(ctx, r, field)
	if err != nil {
		return nil, err
	}
	w := &wordScorer{}
	if docFreqs == nil {
		// Each bigram's reader is opened for its count; the rarest's is kept.
		docFreqs = make([]uint64, len(terms))
		for i, t := range terms {
			tr, err := r.TermFieldReader(ctx, []byte(t), field, true, true, false)
			if err != nil {
				w.Close()
				return nil, err
			}
			docFreqs[i] = tr.Count()
			if w.reader != nil && w.reader.Count() <= tr.Count() {
				tr.Close()
				continue
			}
			w.Close()
			w.reader = tr
		}
	}
	rarest := 0
	for i, t := range terms {
		w.scorers = append(w.scorers, scorer.NewTermQueryScorer([]byte(t), field, boost, docs, docFreqs[i], avgLen, opts))
		if docFreqs[i] < docFreqs[rarest] {
			rarest = i
		}
	}
	if w.reader == nil {
		if w.reader, err = r.TermFieldReader(ctx, []byte(terms[rarest]), field, true, true, false); err != nil {
			return nil, err
		}
	}
	w.scale = w.Weight() / w.scorers[0].Weight()
	// As bleve's phrase searcher does for its conjunction; a disjunction
	// above sets its own.
	w.SetQueryNorm(1 / math.Sqrt(w.Weight()))
	return w, nil
}

// match returns the match of paragraph id, which has the word freq times
// and whose field has this norm (as bleve stores it). Its score is one
// bigram's BM25 score times scale: at the same frequency and norm, each
// bigram's score is the same factor times its idf squared, and its Weight
// is (boost × idf)², so the sum over the bigrams is the first one's times
// the sum of the weights over its own.
func (w *wordScorer) match(ctx *bsearch.SearchContext, id bleveindex.IndexInternalID, freq int, norm float64) *bsearch.DocumentMatch {
	w.scratch = bleveindex.TermFieldDoc{ID: id, Freq: uint64(freq), Norm: norm}
	dm := w.scorers[0].Score(ctx, &w.scratch)
	dm.Score *= w.scale
	return dm
}

// norm returns the norm of the paragraph id, which has the rarest bigram,
// for a caller that found it by other means (the conjunction that reads
// positions). Calls must come in increasing id order.
func (w *wordScorer) norm(id bleveindex.IndexInternalID) (float64, bool) {
	tfd, err := w.reader.Advance(id, w.tfd.Reset())
	if err != nil || tfd == nil || !tfd.ID.Equals(id) {
		return 0, false
	}
	return tfd.Norm, true
}

func (w *wordScorer) Weight() float64 {
	var sum float64
	for _, sc := range w.scorers {
		sum += sc.Weight()
	}
	return sum
}

func (w *wordScorer) SetQueryNorm(qnorm float64) {
	for _, sc := range w.scorers {
		sc.SetQueryNorm(qnorm)
	}
}

func (w *wordScorer) Close() error {
	if w.reader == nil {
		return nil
	}
	return w.reader.Close()
}

// scoreMetrics is what bleve's term searcher scores with: the number of
// documents and, under BM25, field's average length, from the statistics
// statsQuery puts in ctx when there are (searcher.bm25ScoreMetrics, which
// is not exported).
func scoreMetrics(ctx context.Context, r bleveindex.IndexReader, field string) (uint64, float64, error) {
	model := ""
	if fn, ok := ctx.Value(bsearch.GetScoringModelCallbackKey).(bsearch.GetScoringModelCallbackFn); ok {
		model = fn()
	}
	if model != bleveindex.BM25Scoring {
		n, err := r.DocCount()
		return n, 0, err
	}
	var docs uint64
	var card int
	if st, ok := ctx.Value(bsearch.BM25StatsKey).(*bsearch.BM25Stats); ok {
		docs, card = uint64(st.DocCount), st.FieldCardinality[field]
	} else {
		n, err := r.DocCount()
		if err != nil {
			return 0, 0, err
		}
		docs = n
		if br, ok := r.(bleveindex.BM25Reader); ok {
			if card, err = br.FieldCardinality(field); err != nil {
				return 0, 0, err
			}
		}
	}
	if docs == 0 {
		return 0, 0, nil
	}
	return docs, math.Ceil(float64(card) / float64(docs)), nil
}

func (s *wordSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	for {
		tfd, err := s.reader.Next(s.tfd.Reset())
		if tfd == nil || err != nil {
			return nil, err
		}
		if dm := s.check(ctx, tfd); dm != nil {
			return dm, nil
		}
	}
}

func (s *wordSearcher) Advance(ctx *bsearch.SearchContext, id bleveindex.IndexInternalID) (*bsearch.DocumentMatch, error) {
	tfd, err := s.reader.Advance(id, s.tfd.Reset())
	if tfd == nil || err != nil {
		return nil, err
	}
	if dm := s.check(ctx, tfd); dm != nil {
		return dm, nil
	}
	return s.Next(ctx)
}

// check returns the scored match of the candidate tfd, or nil when its
// text does not have the word.
func (s *wordSearcher) check(ctx *bsearch.SearchContext, tfd *bleveindex.TermFieldDoc) *bsearch.DocumentMatch {
	// The word stands no more often than any of its bigrams: the scan
	// stops at the last occurrence the rarest bigram's frequency allows.
	n := occurrences(s.texts.textOf(tfd.ID), s.word, int(tfd.Freq), nil)
	if n == 0 {
		return nil
	}
	return s.wordScorer.match(ctx, tfd.ID, n, tfd.Norm)
}

// occurrences counts the occurrences of word in text, overlapping ones too
// (ああ twice in あああ), as positions count them, up to most, and calls at,
// when not nil, with the start of each.
func occurrences(text, word string, most int, at func(start int)) int {
	// Look for the last byte of word's first character, rarer than its
	// lead byte (E3 starts nearly every kana and common kanji, so
	// strings.Index stops at every character), then compare the word.
	_, anchor := utf8.DecodeRuneInString(word)
	anchor--
	b := word[anchor]
	n := 0
	for from := anchor; n < most && from < len(text); {
		i := strings.IndexByte(text[from:], b)
		if i < 0 {
			break
		}
		if start := from + i - anchor; strings.HasPrefix(text[start:], word) {
			n++
			if at != nil {
				at(start)
			}
		}
		from += i + 1
	}
	return n
}

func (s *wordSearcher) Count() uint64              { return s.reader.Count() }
func (s *wordSearcher) Min() int                   { return 0 }
func (s *wordSearcher) Size() int                  { return 0 }
func (s *wordSearcher) DocumentMatchPoolSize() int { return 2 }
