package bleveq

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"nmnsearch/index"
)

// phraseQuery is bleve's multi-phrase query (each slot any of its terms, an
// empty slot any term, positions in a row) with a leaner check of positions.
// bleve's phrase searcher turns every candidate's positions into maps of
// maps before looking for a path through them, and a Japanese word is a
// phrase of bigrams: here the positions stay in the candidate's slice,
// sorted, and each path is one walk forward through them. Slops and
// fuzziness, which bleve's query has and which nothing here uses, are not
// supported.
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
	// query's tokens tell (wordOf).
	word string
	// tables holds, per reader, the paragraphs' text a word is checked on
	// (wordSearcher); nil: a word is checked on positions alone.
	tables *Tables
}

// NewPhrase returns the phrase of slots in field: each slot any of its
// terms, an empty slot any term, the slots at positions in a row. toks,
// when not nil, are the query's tokens the slots were made of: when they
// are CJK bigrams each one character after the one before (メラ ラト トニ
// ニン), the phrase is a Japanese word (メラトニン), which scores by how
// often it stands in a paragraph and, in a search that asks for no
// positions, is read through its rarest bigram and checked on the
// paragraphs' text, which tables holds (nil: on positions). A phrase of
// more than maxPhraseSlots slots is the conjunction of phrases that
// overlap, none of them a word.
func NewPhrase(slots [][]string, field string, toks analysis.TokenStream, tables *Tables) query.Query {
	if len(slots) <= maxPhraseSlots {
		return &phraseQuery{MultiPhraseQuery: query.NewMultiPhraseQuery(slots, field), word: wordOf(toks), tables: tables}
	}
	var parts []query.Query
	for start := 0; start < len(slots)-1; start += maxPhraseSlots - 1 {
		end := min(start+maxPhraseSlots, len(slots))
		parts = append(parts, &phraseQuery{MultiPhraseQuery: query.NewMultiPhraseQuery(slots[start:end], field)})
	}
	return query.NewConjunctionQuery(parts)
}

// wordOf returns the word toks spell when they are CJK bigrams each one
// character after the one before in the query (メラ ラト トニ ニン:
// メラトニン), else "": the bigram filter gives 睡眠・眠気 (and "睡眠 眠気")
// the bigrams 睡眠 眠気 at consecutive positions too, which would spell a
// word, 睡眠気, the text does not hold.
func wordOf(toks analysis.TokenStream) string {
	var word []byte
	for i, tok := range toks {
		if tok.Type != analysis.Double {
			return ""
		}
		if i == 0 {
			word = append(word, tok.Term...)
			continue
		}
		_, size := utf8.DecodeRune(toks[i-1].Term)
		if tok.Start != toks[i-1].Start+size {
			return ""
		}
		_, first := utf8.DecodeRune(tok.Term)
		word = append(word, tok.Term[first:]...)
	}
	return string(word)
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

// contextEvery is how many positions of a candidate keepPaths goes
// through between looks at the search's context.
const contextEvery = 256

// maxTermReads is how many times a phrase other than a word reads the
// postings of a term it repeats (see Searcher).
const maxTermReads = 3

func (q *phraseQuery) Searcher(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	field := q.FieldVal
	if field == "" {
		field = m.DefaultSearchField()
	}
	// Under OnPage: a word is found on the text of the page's hits.
	if pg, ok := ctx.Value(pageKey{}).(*page); ok && q.word != "" && opts.IncludeTermVectors {
		return &pageWordSearcher{word: q.word, field: field, term: q.Terms[0][0], hits: pg.hits}, nil
	}
	// The main search of a large index, which wants no positions: a word
	// is read through its rarest bigram and checked on the text, from the
	// table of r (the one the facets of the search are counted with).
	word := q.word != "" && opts.Score != "none"
	if word && !opts.IncludeTermVectors && q.tables != nil {
		table, err := q.tables.get(ctx, r, index.Searched(ctx))
		if err != nil {
			return nil, err
		}
		if table.texts != nil {
			w, err := newWordScorer(ctx, r, q.bigrams(), nil, field, q.Boost(), opts)
			if err != nil {
				return nil, err
			}
			return &wordSearcher{wordScorer: w, word: q.word, texts: table}, nil
		}
	}
	// Anything else is checked on positions, whether the caller wants them
	// or not; when it does not, a candidate leaves without them, so that
	// nothing above merges them.
	s := &phraseSearcher{locations: opts.IncludeTermVectors, done: ctx}
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
	at   []posSlots // scratch: the candidate's positions, by position
	uniq []posSlots // scratch: its distinct positions
	on   []bool     // scratch: FieldTermLocations on a path
	// done is the search's context, which keepPaths looks at as it goes
	// through a long paragraph's positions.
	done context.Context
}

type posSlots struct {
	pos   uint64
	slots uint64
	loc   int // in at: the index in FieldTermLocations; in uniq: the index in at
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
// FieldTermLocations only the positions on some path through it. Its cost
// is linear in the candidate's positions (at most maxPhraseSlots steps
// each), and it stops at the search's context every contextEvery starts.
func (s *phraseSearcher) keepPaths(ctx *bsearch.SearchContext, dm *bsearch.DocumentMatch) bool {
	ftls := dm.FieldTermLocations
	s.at = s.at[:0]
	for j, l := range ftls {
		s.at = append(s.at, posSlots{l.Location.Pos, s.slotOf(l.Term), j})
	}
	slices.SortFunc(s.at, func(a, b posSlots) int { return cmp.Compare(a.pos, b.pos) })
	// uniq: each position once, with every slot the terms there stand in
	// (ウト of ウトウト has its positions from both slots' searchers), and
	// in loc the index in at of its first entry.
	s.uniq = s.uniq[:0]
	for k, e := range s.at {
		if n := len(s.uniq); n > 0 && s.uniq[n-1].pos == e.pos {
			s.uniq[n-1].slots |= e.slots
			continue
		}
		s.uniq = append(s.uniq, posSlots{e.pos, e.slots, k})
	}
	first := s.need[0]
	s.on = slices.Grow(s.on[:0], len(ftls))[:len(ftls)]
	clear(s.on)
	paths := 0
	for k, e := range s.uniq {
		if k%contextEvery == contextEvery-1 && s.done != nil && s.done.Err() != nil {
			return false // filterSearcher returns the context's error
		}
		if e.slots&(1<<first) == 0 || e.pos < first {
			continue
		}
		start := e.pos - first // the phrase's first position
		if !s.onPath(k, start) {
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
		// The first position of the path is at or after uniq[k-first].
		for _, a := range s.at[s.uniq[max(k-int(first), 0)].loc:] {
			if a.pos < start {
				continue
			}
			if a.pos-start >= maxPhraseSlots {
				break
			}
			if a.slots&(1<<(a.pos-start)) != 0 {
				s.on[a.loc] = true
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

// onPath reports whether every slot the phrase needs has a term at its
// position when the phrase starts at start, uniq[k] holding its first
// needed slot: one walk forward through the next positions.
func (s *phraseSearcher) onPath(k int, start uint64) bool {
	m := k
	for _, i := range s.need[1:] {
		for m < len(s.uniq) && s.uniq[m].pos < start+i {
			m++
		}
		if m == len(s.uniq) || s.uniq[m].pos != start+i || s.uniq[m].slots&(1<<i) == 0 {
			return false
		}
	}
	return true
}

// Slots groups tokens by position, as bleve's match-phrase query does:
// positions may skip one where punctuation stood, and the empty slot there
// matches any term.
func Slots(toks analysis.TokenStream) [][]string {
	if len(toks) == 0 {
		return nil
	}
	first, last := toks[0].Position, toks[0].Position
	for _, tok := range toks {
		first, last = min(first, tok.Position), max(last, tok.Position)
	}
	slots := make([][]string, last-first+1)
	for _, tok := range toks {
		i := tok.Position - first
		slots[i] = append(slots[i], string(tok.Term))
	}
	return slots
}

// NewSlots is the phrase of slots in field (each slot: any of its terms;
// toks, the tokens of a Japanese word: see NewPhrase), or, for a single
// slot, its terms alone: a phrase of one position finds the same
// paragraphs but reads every match's positions to check it.
func NewSlots(slots [][]string, field string, toks analysis.TokenStream, tables *Tables) query.Query {
	if len(slots) != 1 {
		return NewPhrase(slots, field, toks, tables)
	}
	var alts []query.Query
	for _, t := range slots[0] {
		tq := bleve.NewTermQuery(t)
		tq.SetField(field)
		alts = append(alts, tq)
	}
	if len(alts) == 1 {
		return alts[0]
	}
	return NewAnyOf(alts...)
}
