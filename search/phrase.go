package search

import (
	"context"
	"errors"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// phraseQuery is bleve's multi-phrase query (each slot any of its terms, an
// empty slot any term, positions in a row) with a leaner check of positions.
// bleve's phrase searcher turns every candidate's positions into maps of
// maps before looking for a path through them; a Japanese word is a phrase
// of bigrams, and at 100,000 paragraphs that was 40% of a search for
// メラトニン. Here the positions stay in the candidate's slice, sorted, and
// the paths are found by binary search. Slops and fuzziness, which bleve's
// query has and which nothing here uses, are not supported.
//
// A Japanese word (see word) needs no positions at all when the caller
// wants none (the main search of a large index): wordSearcher reads one of
// its bigrams and checks the paragraph's text. Either way a word's matches
// score by how often the word stands in the paragraph (wordScorer).
type phraseQuery struct {
	*query.MultiPhraseQuery // what it searches, and how it is shown as JSON
	// word is the word of the query the bigrams spell when they are all
	// of FieldJA, one to a slot, each the next character of the query
	// (メラ ラト トニ ニン: メラトニン); "" for any other phrase. The
	// query's tokens tell (wordOf); the caller that has them sets it.
	word string
}

// bigrams returns the terms of a word's phrase, one to a slot.
func (q *phraseQuery) bigrams() []string {
	terms := make([]string, len(q.Terms))
	for i, slot := range q.Terms {
		terms[i] = slot[0]
	}
	return terms
}

// maxPhraseSlots is the longest phrase phraseQuery checks itself (a slot
// set is one bit of a uint64). A longer one (眠 typed 256 times) is the
// conjunction of phrases of at most that many slots, each sharing its
// first slot with the one before: bleve's phrase searcher would take
// seconds over one paragraph of the same character, and look at no
// context while it did.
const maxPhraseSlots = 64

// maxTermReads is how many times a phrase other than a word reads the
// postings of a term it repeats (see Searcher).
const maxTermReads = 3

func newPhraseQuery(slots [][]string, field string) query.Query {
	if len(slots) <= maxPhraseSlots {
		return &phraseQuery{MultiPhraseQuery: query.NewMultiPhraseQuery(slots, field)}
	}
	var parts []query.Query
	for start := 0; start < len(slots)-1; start += maxPhraseSlots - 1 {
		end := min(start+maxPhraseSlots, len(slots))
		parts = append(parts, &phraseQuery{MultiPhraseQuery: query.NewMultiPhraseQuery(slots[start:end], field)})
	}
	return query.NewConjunctionQuery(parts)
}

func (q *phraseQuery) Searcher(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	field := q.FieldVal
	if field == "" {
		field = m.DefaultSearchField()
	}
	// locate's search: a word is marked on the page's hits' text.
	if pg, ok := ctx.Value(pageKey{}).(*page); ok && pg.reader == r && q.word != "" && opts.IncludeTermVectors {
		return &pageWordSearcher{word: q.word, field: field, term: q.Terms[0][0], hits: pg.hits}, nil
	}
	// The main search of a large index, which wants no positions: a word
	// is read through its rarest bigram and checked on the text.
	word := q.word != "" && opts.Score != "none"
	if table, _ := ctx.Value(tableKey{}).(*facetTable); word && !opts.IncludeTermVectors && table != nil && table.texts != nil {
		w, err := newWordScorer(ctx, r, q.bigrams(), nil, field, q.Boost(), opts)
		if err != nil {
			return nil, err
		}
		return &wordSearcher{wordScorer: w, word: q.word, texts: table}, nil
	}
	// Anything else is checked on positions, whether the caller wants them
	// or not; when it does not, a candidate leaves without them, so that
	// nothing above merges them.
	s := &phraseSearcher{locations: opts.IncludeTermVectors}
	opts.IncludeTermVectors = true
	var subs []bsearch.Searcher
	closeAll := func() {
		for _, sub := range subs {
			sub.Close()
		}
	}
	// A term the phrase repeats is read once more only up to
	// maxTermReads: its positions stand for every slot it is in (slotOf),
	// so that 眠眠眠… costs a few readings of one term's postings, not one
	// a slot. A word reads each term once, as it scores by wordScorer;
	// other phrases keep bleve's score, which counts a repeated term each
	// time, for the few repeats real phrases have.
	subOf := map[string]int{} // a single-term slot's term -> its searcher in subs
	reads := map[string]int{}
	slotSub := make([]int, len(q.Terms))
	for i, slot := range q.Terms {
		if len(slot) == 1 && slot[0] != "" {
			reads[slot[0]]++
		}
		if len(slot) == 1 && slot[0] != "" && (q.word != "" || reads[slot[0]] > maxTermReads) {
			if k, ok := subOf[slot[0]]; ok {
				s.addSlot(slot[0], i)
				s.need = append(s.need, uint64(i))
				slotSub[i] = k
				continue
			}
		}
		var terms []bsearch.Searcher
		for _, t := range slot {
			if t == "" {
				continue
			}
			s.addSlot(t, i)
			ts, err := searcher.NewTermSearcher(ctx, r, t, field, q.Boost(), opts)
			if err != nil {
				closeAll()
				return nil, err
			}
			terms = append(terms, ts)
		}
		switch len(terms) {
		case 0:
			continue // any term stands here
		case 1:
			subOf[slot[0]] = len(subs)
			subs = append(subs, terms[0])
		default:
			d, err := searcher.NewDisjunctionSearcher(ctx, r, terms, 1, opts)
			if err != nil {
				closeAll()
				return nil, err
			}
			subs = append(subs, d)
		}
		slotSub[i] = len(subs) - 1
		s.need = append(s.need, uint64(i))
	}
	if len(subs) == 0 {
		closeAll()
		return searcher.NewMatchNoneSearcher(r)
	}
	conj, err := searcher.NewConjunctionSearcher(ctx, r, subs, opts)
	if err != nil {
		closeAll()
		return nil, err
	}
	f := &filterSearcher{Searcher: conj, keep: s.keepPaths, done: ctx}
	if word {
		docFreqs := make([]uint64, len(q.Terms)) // a word's slots: one bigram each
		for i := range docFreqs {
			docFreqs[i] = subs[slotSub[i]].Count()
		}
		if s.word, err = newWordScorer(ctx, r, q.bigrams(), docFreqs, field, q.Boost(), opts); err != nil {
			f.Close()
			return nil, err
		}
		return &rescoredSearcher{filterSearcher: f, word: s.word}, nil
	}
	// As bleve's phrase searcher does, so that scores are the same.
	conj.SetQueryNorm(1 / math.Sqrt(conj.Weight()))
	return f, nil
}

// rescoredSearcher is the conjunction of a word's bigrams, with positions,
// whose matches keepPaths scores as wordSearcher scores them without: the
// weights are the word's.
type rescoredSearcher struct {
	*filterSearcher
	word *wordScorer
}

func (s *rescoredSearcher) Weight() float64         { return s.word.Weight() }
func (s *rescoredSearcher) SetQueryNorm(qn float64) { s.word.SetQueryNorm(qn) }

func (s *rescoredSearcher) Close() error {
	return errors.Join(s.filterSearcher.Close(), s.word.Close())
}

// phraseSearcher holds what keepPaths needs to check a candidate of the
// conjunction of the phrase's slots (a filterSearcher passes on those it
// keeps, with only the positions on a path left in them: those a highlight
// marks). Its scratch slices are one search's.
type phraseSearcher struct {
	terms []termSlots // the phrase's terms: a handful, a slice beats a map
	need  []uint64    // the slots that are not empty, by index
	// locations: the caller wants the positions on a path in the match.
	locations bool
	// word scores a Japanese word's matches by how often it occurs, as
	// wordSearcher does; nil for other phrases, which keep bleve's scores.
	word *wordScorer
	at   []posSlots // scratch: the candidate's positions
	on   []bool     // scratch: FieldTermLocations on a path
}

type posSlots struct {
	pos   uint64
	slots uint64
}

type termSlots struct {
	term  string
	slots uint64 // a bit for each slot the term stands in
}

func (s *phraseSearcher) addSlot(term string, slot int) {
	for i := range s.terms {
		if s.terms[i].term == term {
			s.terms[i].slots |= 1 << slot
			return
		}
	}
	s.terms = append(s.terms, termSlots{term, 1 << slot})
}

// slotOf returns the slots term stands in.
func (s *phraseSearcher) slotOf(term string) uint64 {
	for _, t := range s.terms {
		if t.term == term {
			return t.slots
		}
	}
	return 0
}

// keepPaths reports whether dm has the phrase, and leaves in its
// FieldTermLocations only the positions on some path through it.
func (s *phraseSearcher) keepPaths(ctx *bsearch.SearchContext, dm *bsearch.DocumentMatch) bool {
	ftls := dm.FieldTermLocations
	s.at = s.at[:0]
	for _, l := range ftls {
		s.at = append(s.at, posSlots{l.Location.Pos, s.slotOf(l.Term)})
	}
	slices.SortFunc(s.at, func(a, b posSlots) int {
		switch {
		case a.pos < b.pos:
			return -1
		case a.pos > b.pos:
			return 1
		}
		return 0
	})
	// slotsAt is every slot the terms at pos stand in.
	slotsAt := func(pos uint64) uint64 {
		i, _ := slices.BinarySearchFunc(s.at, pos, func(e posSlots, p uint64) int {
			switch {
			case e.pos < p:
				return -1
			case e.pos > p:
				return 1
			}
			return 0
		})
		var m uint64
		for ; i < len(s.at) && s.at[i].pos == pos; i++ {
			m |= s.at[i].slots
		}
		return m
	}
	first := s.need[0]
	s.on = slices.Grow(s.on[:0], len(ftls))[:len(ftls)]
	clear(s.on)
	paths := 0
	for i, e := range s.at {
		// Each position once: a term in two slots (ウト of ウトウト) has
		// its positions from both slots' searchers.
		if i > 0 && s.at[i-1].pos == e.pos || slotsAt(e.pos)&(1<<first) == 0 || e.pos < first {
			continue
		}
		start := e.pos - first // the phrase's first position
		ok := true
		for _, i := range s.need[1:] {
			if slotsAt(start+i)&(1<<i) == 0 {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		paths++
		if !s.locations {
			if s.word != nil {
				continue // counting them
			}
			dm.FieldTermLocations = ftls[:0]
			return true
		}
		for j, l := range ftls {
			if p := l.Location.Pos; p >= start && p-start < 64 && s.slotOf(l.Term)&(1<<(p-start)) != 0 {
				s.on[j] = true
			}
		}
	}
	if paths == 0 {
		return false
	}
	if s.word != nil {
		if norm, ok := s.word.norm(dm.IndexInternalID); ok {
			scored := s.word.match(ctx, dm.IndexInternalID, paths, norm)
			dm.Score = scored.Score
			ctx.DocumentMatchPool.Put(scored)
		}
	}
	kept := ftls[:0]
	for j, l := range ftls {
		if s.on[j] {
			kept = append(kept, l)
		}
	}
	dm.FieldTermLocations = kept
	return true
}
