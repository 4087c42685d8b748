package search

import (
	"context"
	"math"
	"slices"
	"strings"

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
// maps before looking for a path through them; a Japanese word is a phrase
// of bigrams, and at 100,000 paragraphs that was 40% of a search for
// メラトニン. Here the positions stay in the candidate's slice, sorted, and
// the paths are found by binary search. Slops and fuzziness, which bleve's
// query has and which nothing here uses, are not supported.
//
// A Japanese word needs no positions at all when the caller wants none (the
// main search of a large index): its bigrams stand in a row in FieldJA
// exactly where the word stands in the paragraph's Folded text, so the
// candidates that have every bigram are checked on that text, as zoekt
// checks its trigram candidates on the file's content. Reading positions
// was a third of the phrase's cost at 100,000 paragraphs; the text check
// costs less (a cache miss per candidate's text).
type phraseQuery struct {
	*query.MultiPhraseQuery // what it searches, and how it is shown as JSON
	// word is the text the bigrams spell when they are all of FieldJA,
	// one to a slot, each overlapping the next (メラ ラト トニ ニン:
	// メラトニン); "" for any other phrase.
	word string
}

// maxPhraseSlots is the longest phrase phraseQuery checks itself (a slot
// set is one bit of a uint64); longer ones go to bleve's searcher.
const maxPhraseSlots = 64

func newPhraseQuery(slots [][]string, field string) query.Query {
	q := query.NewMultiPhraseQuery(slots, field)
	if len(slots) > maxPhraseSlots {
		return q
	}
	return &phraseQuery{MultiPhraseQuery: q, word: bigramWord(slots, field)}
}

// bigramWord returns the word the slots spell, if they are bigrams of
// FieldJA one to a slot, each starting with the last character of the one
// before; else "".
func bigramWord(slots [][]string, field string) string {
	if field != index.FieldJA {
		return ""
	}
	var word []rune
	for i, slot := range slots {
		if len(slot) != 1 {
			return ""
		}
		r := []rune(slot[0])
		if len(r) != 2 || i > 0 && r[0] != word[len(word)-1] {
			return ""
		}
		if i == 0 {
			word = append(word, r[0])
		}
		word = append(word, r[1])
	}
	return string(word)
}

func (q *phraseQuery) Searcher(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	// The check needs positions; the caller may not (the main search of a
	// large index), and then the candidate leaves without them, so that
	// nothing above merges them.
	s := &phraseSearcher{locations: opts.IncludeTermVectors}
	table, _ := ctx.Value(tableKey{}).(*facetTable)
	inText := q.word != "" && !opts.IncludeTermVectors && table != nil && table.texts != nil
	opts.IncludeTermVectors = !inText
	field := q.FieldVal
	if field == "" {
		field = m.DefaultSearchField()
	}
	var subs []bsearch.Searcher
	closeAll := func() {
		for _, sub := range subs {
			sub.Close()
		}
	}
	for i, slot := range q.Terms {
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
			subs = append(subs, terms[0])
		default:
			d, err := searcher.NewDisjunctionSearcher(ctx, r, terms, 1, opts)
			if err != nil {
				closeAll()
				return nil, err
			}
			subs = append(subs, d)
		}
		s.need = append(s.need, uint64(i))
	}
	if len(subs) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	conj, err := searcher.NewConjunctionSearcher(ctx, r, subs, opts)
	if err != nil {
		closeAll()
		return nil, err
	}
	// As bleve's phrase searcher does, so that scores are the same.
	conj.SetQueryNorm(1 / math.Sqrt(conj.Weight()))
	if inText {
		return &filterSearcher{Searcher: conj, keep: func(dm *bsearch.DocumentMatch) bool {
			return strings.Contains(table.textOf(dm.IndexInternalID), q.word)
		}}, nil
	}
	return &filterSearcher{Searcher: conj, keep: s.keepPaths}, nil
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
	at        []posSlots // scratch: the candidate's positions
	on        []bool     // scratch: FieldTermLocations on a path
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
func (s *phraseSearcher) keepPaths(dm *bsearch.DocumentMatch) bool {
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
	found := false
	for _, e := range s.at {
		if e.slots&(1<<first) == 0 || e.pos < first {
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
		found = true
		if !s.locations {
			dm.FieldTermLocations = ftls[:0]
			return true
		}
		for j, l := range ftls {
			if p := l.Location.Pos; p >= start && p-start < 64 && s.slotOf(l.Term)&(1<<(p-start)) != 0 {
				s.on[j] = true
			}
		}
	}
	if !found {
		return false
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
