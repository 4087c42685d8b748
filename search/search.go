package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
	"golang.org/x/text/unicode/norm"

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
}

// Result is one page of hits with facet counts.
type Result struct {
	Query  string  `json:"query"`
	Total  uint64  `json:"total"`
	Page   int     `json:"page"`
	Size   int     `json:"size"`
	TookMS float64 `json:"took_ms"`
	Hits   []Hit   `json:"hits"`
	Facets Facets  `json:"facets"`
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
	// Label names a topic in each language, as the topics file does.
	Label index.Labels `json:"label,omitzero"`
}

// String writes f as "{value count}".
func (f FacetValue) String() string { return fmt.Sprintf("{%s %d}", f.Value, f.Count) }

// Service answers searches over an index.
type Service struct {
	ix       *index.Index
	mapping  mapping.IndexMapping
	glossary glossary
	facets   facetTables
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
	return nil
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
	// drops those the topic and lang filters exclude (see facetQuery), and
	// no field of a hit is read: ties in score go in reading order through
	// the same table (paragraphOrder). Positions of matches, for highlights,
	// come with the hits in a small index, or from locate in a large one.
	fc := &facetCount{tables: &s.facets, keep: facetFilter(r)}
	main := bleve.NewSearchRequestOptions(&facetQuery{withFilter(text, filters(r)), fc}, r.Size, (r.Page-1)*r.Size, false)
	if r.Q == "" {
		main.SortByCustom(bsearch.SortOrder{&paragraphOrder{fc}})
	} else {
		main.SortByCustom(bsearch.SortOrder{&bsearch.SortScore{Desc: true}, &paragraphOrder{fc}})
	}
	// The hits are looked up in the snapshot the search ran on (a write may
	// have been applied since View began): an article replaced meanwhile is
	// seen whole, old or new, never a mix.
	err := s.view(func(v *index.Snapshot, retry bool) error {
		// In a small index, reading every hit's positions costs less than
		// running the query again for the returned ones (locate); and a
		// search that met a write between the two reads them all, in one.
		main.IncludeLocations = r.Q != "" && (retry || v.Len() <= s.locateApartAbove)
		res.Hits = res.Hits[:0]
		sr, v, err := v.Search(ctx, main) // v: the snapshot searched
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		if _, ok := v.Article(r.Article); r.Article != "" && !ok {
			return invalidf("unknown article %q", r.Article)
		}
		mk := text.marks()
		res.Total = sr.Total
		var located map[string]*bsearch.DocumentMatch
		switch {
		case main.IncludeLocations:
			located = byID(sr.Hits)
		case r.Q != "":
			if located, err = s.locate(ctx, v, fc.reader(), text, sr.Hits); err != nil {
				return err
			}
		}
		for _, h := range sr.Hits {
			p, ok := v.Paragraph(h.ID)
			if !ok {
				continue
			}
			a, _ := v.Article(p.Article)
			score := h.Score
			if math.IsNaN(score) || r.Q == "" {
				score = 0
			}
			res.Hits = append(res.Hits, Hit{
				ID:        p.ID,
				Article:   ArticleRef{ID: a.ID, Title: a.TitleIn(p.Lang), URL: a.URL},
				Section:   p.Section,
				Paragraph: p.N,
				Lang:      p.Lang,
				Topics:    p.Topics,
				Score:     score,
				Text:      p.Text,
				Highlight: Highlight(p.Text, mk.spans(p.Text, located[h.ID])),
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.Facets = facetsFrom(fc.counts(), r, s.ix.Topics())
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

// textQuery builds the query for the terms: every positive term must match,
// no negated term may. Each term is a phrase over the analyzed text in the
// Japanese and the English field, so メラトニン needs its four bigrams in a
// row, not any one of them. Terms that analyze to nothing are dropped;
// searchable is false when no term is left.
//
// Paragraphs that match only some of the terms, or only some words of one
// Japanese compound (入眠 of 入眠困難), follow those that match them all,
// scored at relaxedWeight: see relaxed.
func (s *builder) textQuery(terms []Term) (q query.Query, searchable bool, mk *marks) {
	mk = &marks{own: map[string]bool{}, predictive: map[string]bool{}, suffix: map[string]bool{}, forms: map[string]analysis.TokenStream{}}
	var must, mustNot []query.Query
	var units [][2]int // start and length in terms of each query in must
	for i := 0; i < len(terms); i++ {
		t := terms[i]
		if t.Negate {
			// Excluding a concept excludes all its names.
			for _, name := range append([]string{t.Text}, s.glossary[glossaryKey(t.Text)]...) {
				if tq := s.termQuery(name, nil); tq != nil {
					mustNot = append(mustNot, tq)
				}
			}
			continue
		}
		tq, n := s.unitQuery(terms, i, mk)
		if tq != nil {
			must = append(must, tq)
			units = append(units, [2]int{i, n})
		}
		i += n - 1
	}
	if len(must) == 0 && len(mustNot) == 0 {
		return bleve.NewMatchAllQuery(), false, mk
	}
	if len(mustNot) == 0 {
		// No boolean around it: one conjunction of one query was one more
		// searcher for every hit to pass through.
		return s.relaxed(must, terms, units, mk), true, mk
	}
	b := bleve.NewBooleanQuery()
	if len(must) > 0 {
		b.AddMust(s.relaxed(must, terms, units, mk))
	} else {
		b.AddMust(bleve.NewMatchAllQuery())
	}
	if len(mustNot) > 0 {
		b.AddMustNot(mustNot...)
	}
	return b, true, mk
}

// relaxedWeight scores a paragraph that has only some of the query's words
// below every paragraph that has them all, as Meilisearch's matching
// strategy does, and above a match in the other language (glossaryWeight):
// a clinic article that says 入眠 is about 入眠困難 more often than not.
const relaxedWeight = 0.05

// minPartRunes is the shortest word of a Japanese compound that counts on
// its own: one kanji (差 of 個人差, 薬 of 睡眠薬) is too vague.
const minPartRunes = 2

// relaxed returns the query that all units must match together, or, where
// the query has two or more units (a term, or a run of terms that names a
// glossary concept), the disjunction of that and each unit alone at
// relaxedWeight, but for a single character (質, 2). A query of one glossary
// name relaxes to its words (type 2 diabetes: type, diabetes), one of a
// Japanese compound to its words as kagome splits them (入眠困難: 入眠, 困難;
// 睡眠の質: 睡眠). A query with a "quoted" term does not relax.
func (s *builder) relaxed(must []query.Query, terms []Term, units [][2]int, mk *marks) query.Query {
	var all query.Query
	var parts []query.Query
	quoted := slices.ContainsFunc(terms, func(t Term) bool { return t.Phrase && !t.Negate })
	switch {
	case quoted:
		// Quotes ask for exactly this: no partial matches.
		if len(must) == 1 {
			return must[0]
		}
		return bleve.NewConjunctionQuery(must...)
	case len(must) >= 2:
		all = bleve.NewConjunctionQuery(must...)
		for _, u := range units {
			if t := terms[u[0]].Text; u[1] == 1 && utf8.RuneCountInString(t) < minPartRunes {
				continue // 質 of "睡眠 質" alone would find 物質 and 体質
			}
			// A fresh copy: boostLeaves changes the leaves it is given.
			if uq, _ := s.unitQuery(terms, u[0], mk); uq != nil {
				parts = append(parts, uq)
			}
		}
	case len(units) == 1 && units[0][1] > 1:
		// One glossary name of several words ("type 2 diabetes"): each word.
		all = must[0]
		for _, t := range terms[units[0][0] : units[0][0]+units[0][1]] {
			if utf8.RuneCountInString(t.Text) < minPartRunes {
				continue
			}
			if wq, _ := s.unitQuery([]Term{t}, 0, mk); wq != nil {
				parts = append(parts, wq)
			}
		}
	case len(units) == 1:
		all = must[0]
		for _, word := range s.compoundWords(terms[units[0][0]].Text, mk) {
			if wq := s.termQuery(word, mk); wq != nil {
				parts = append(parts, wq)
			}
		}
	case len(must) == 1:
		return must[0]
	default:
		return bleve.NewConjunctionQuery(must...)
	}
	if len(parts) == 0 {
		return all
	}
	alts := []query.Query{all}
	for _, p := range parts {
		boostLeaves(p, relaxedWeight)
		alts = append(alts, p)
	}
	return newAnyOf(alts...)
}

// compoundWords returns the words of a term written in Japanese script
// alone, as kagome splits it, unless the term is one word: nil for
// anything else. Single characters in a row are one word (kagome's IPA dictionary
// splits 入眠 of 入眠困難 into 入 and 眠い); a word must have minPartRunes or
// more and a kanji or katakana in it (not 差 of 個人差, not する of 改善する:
// 改善する relaxes to 改善).
func (s *builder) compoundWords(text string, mk *marks) []string {
	var words []string
	keep := func(w string) {
		if utf8.RuneCountInString(w) >= minPartRunes && strings.ContainsFunc(w, isKanjiOrKatakana) {
			words = append(words, w)
		}
	}
	run := -1 // start of a run of single characters
	end := 0
	for _, tok := range s.baseForms(text, mk) {
		single := utf8.RuneCountInString(text[tok.Start:tok.End]) == 1
		if run >= 0 && (!single || tok.Start != end) {
			keep(text[run:end])
			run = -1
		}
		switch {
		case single && run < 0:
			run = tok.Start
		case !single:
			keep(text[tok.Start:tok.End])
		}
		end = tok.End
	}
	if run >= 0 {
		keep(text[run:end])
	}
	if len(words) == 1 && words[0] == text {
		return nil
	}
	return words
}

func isKanjiOrKatakana(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Katakana) && r != 'ー'
}

// unitQuery is the query for the unit of terms that starts at i: the
// longest run of terms that names a glossary concept, else terms[i] alone.
// It returns the query (nil if the unit holds nothing to search) and how
// many terms the unit spans.
func (s *builder) unitQuery(terms []Term, i int, mk *marks) (query.Query, int) {
	n, alts := s.glossaryRun(terms[i:])
	near := 1.0
	if t := terms[i]; alts == nil && !t.Phrase && isLetters(t.Text) {
		word := strings.ToLower(t.Text)
		alts = s.glossary.near(word, typos(word), i == len(terms)-1)
		near = nearWeight
	}
	var parts []query.Query
	for j, t := range terms[i : i+n] {
		tq := s.termQuery(t.Text, mk)
		if tq == nil {
			continue
		}
		if !t.Phrase {
			tq = s.widenEnglish(tq, t.Text, i+j == len(terms)-1)
		}
		parts = append(parts, tq)
	}
	var tq query.Query
	switch len(parts) {
	case 0:
	case 1:
		tq = parts[0]
	default:
		tq = bleve.NewConjunctionQuery(parts...)
	}
	// The concept's other names (メラトニン for melatonin) match too,
	// scored below what was typed.
	var either []query.Query
	for _, alt := range alts {
		if aq := s.termQuery(alt, mk); aq != nil {
			w := glossaryWeight
			if sameLanguage(alt, terms[i].Text) {
				w = synonymWeight
			}
			boostLeaves(aq, w*near)
			either = append(either, aq)
		}
	}
	if len(either) > 0 {
		if tq != nil {
			either = append([]query.Query{tq}, either...)
		}
		tq = newAnyOf(either...)
	}
	return tq, n
}

// boostLeaves multiplies the boost of every leaf of q by b: bleve applies
// the boost of a term or phrase query, not that of a disjunction or
// conjunction. (Multiplies, so a base-form leaf of a glossary name stays
// below that name's exact leaf.)
func boostLeaves(q query.Query, b float64) {
	switch q := q.(type) {
	case *anyOf:
		for _, d := range q.Disjuncts {
			boostLeaves(d, b)
		}
	case *query.ConjunctionQuery:
		for _, c := range q.Conjuncts {
			boostLeaves(c, b)
		}
	case *statsQuery:
		boostLeaves(q.Query, b)
	case query.BoostableQuery:
		q.SetBoost(q.Boost() * b)
	}
}

// glossaryRun returns how many of the leading positive terms to take as one
// unit (the longest run, up to maxGlossaryWords, that is a glossary name;
// else 1) and the concept's other names.
func (s *builder) glossaryRun(terms []Term) (int, []string) {
	for n := min(len(terms), maxGlossaryWords); n >= 1; n-- {
		words := make([]string, 0, n)
		for _, t := range terms[:n] {
			if t.Negate {
				break
			}
			words = append(words, t.Text)
		}
		if len(words) < n {
			continue
		}
		if alts, ok := s.glossary[glossaryKey(strings.Join(words, " "))]; ok {
			return n, alts
		}
	}
	return 1, nil
}

// Typo tolerance, as Meilisearch users expect: an English word of
// OneTypoRunes letters or more may have one typo, of TwoTypoRunes two. A
// typo or a completed prefix scores below the exact word.
const (
	OneTypoRunes   = 5
	TwoTypoRunes   = 9
	MinPrefixRunes = 2 // the last word is also a prefix from this length

	fuzzyBoost  = 0.3
	prefixBoost = 0.5
)

// widenEnglish lets an unquoted English word also match with typos, and the
// query's last word as a prefix (search as you type). The exact match stays
// in the query, so it ranks first. Words with digits or symbols (SIRT1,
// NAD+, IL-6) are matched exactly only.
//
// Typos and prefixes are judged on words as written (index.FieldENWord),
// not on stems: "sensitivty" is one typo from "sensitivity" but four from
// its stem "sensit", and "sensitiv" is not a prefix of "sensit". The words
// found are then searched by their stems, each scored as if it were as
// common as the most common of them (as Lucene blends a fuzzy query's
// terms): a rare form (mitochondria) must not outrank the usual one
// (mitochondrial) just for being rare.
func (s *builder) widenEnglish(exact query.Query, text string, last bool) query.Query {
	toks := s.mapping.AnalyzerNamed(index.AnalyzerENQuery).Analyze([]byte(text))
	if len(toks) != 1 || toks[0].KeyWord || !isLetters(text) {
		return exact
	}
	word := strings.ToLower(text)
	prefix := last && utf8.RuneCountInString(word) >= MinPrefixRunes
	exps, err := s.v.EnglishExpansions(word, typos(word), prefix, MaxPrefixTerms)
	st := s.v.BM25Stats(index.FieldEN)
	if err != nil || len(exps) == 0 || st == nil {
		return exact
	}
	most := 0
	for _, e := range exps {
		most = max(most, e.Docs)
	}
	alts := []query.Query{exact}
	for _, e := range exps {
		q := bleve.NewTermQuery(e.Stem)
		q.SetField(index.FieldEN)
		w := fuzzyBoost
		if e.Prefix {
			w = prefixBoost
		}
		q.SetBoost(w * bm25IDF(st.DocCount, most) / bm25IDF(st.DocCount, e.Docs))
		alts = append(alts, s.onField(index.FieldEN, q))
	}
	return newAnyOf(alts...)
}

// bm25IDF is bleve's BM25 idf of a term in docs of n documents.
func bm25IDF(n float64, docs int) float64 {
	d := float64(docs)
	return math.Log(1 + (n-d+0.5)/(d+0.5))
}

// typos is how many typos a word may have: none below OneTypoRunes
// letters, one from there, two from TwoTypoRunes.
func typos(word string) int {
	switch n := utf8.RuneCountInString(word); {
	case n >= TwoTypoRunes:
		return 2
	case n >= OneTypoRunes:
		return 1
	}
	return 0
}

func isLetters(s string) bool {
	for _, r := range s {
		if r >= 0x80 || !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// MaxPrefixTerms bounds how many indexed bigrams one predictive character
// expands to, those it starts and those it ends together.
const MaxPrefixTerms = 256

// baseFormBoost scores a match of a Japanese term's dictionary forms
// (index.FieldJABase) below a match of the term as typed (FieldJA's bigrams),
// as typos and completions score below the exact English word: 改善する
// finds 改善され, but paragraphs that say 改善する come first. A paragraph
// with the typed form matches both fields and gets both scores.
const baseFormBoost = 0.3

// termQuery is the query for one term or phrase, or nil when it holds
// nothing to search. A term in Latin script is searched in both fields (NAD+
// and SIRT1 stand in Japanese text too), but whether it is searchable at all
// is the English analyzer's call: a stop word such as "of" is ignored, not
// required.
func (s *builder) termQuery(text string, mk *marks) query.Query {
	enToks := s.mapping.AnalyzerNamed(index.AnalyzerENQuery).Analyze([]byte(text))
	if len(enToks) == 0 && !strings.ContainsFunc(text, index.IsJapanese) {
		return nil
	}
	var alts []query.Query
	if q := s.jaPhrase(text, mk); q != nil {
		alts = append(alts, q)
	}
	if len(enToks) > 0 {
		alts = append(alts, s.onField(index.FieldEN, slotsQuery(positionSlots(enToks), index.FieldEN)))
	}
	switch len(alts) {
	case 0:
		return nil
	case 1:
		return alts[0]
	}
	return newAnyOf(alts...)
}

// jaPhrase is the phrase of text's tokens in the Japanese field. A kanji or
// kana left alone by the bigram filter (the query "脳", the 年 of "2024年")
// is searched predictively, as Groonga does: at its place the phrase accepts
// the character standing alone or any indexed bigram that starts with it, so
// 脳 finds 脳内 and 2024年 finds ２０２４年に. A character that is the whole
// term also accepts the indexed bigrams that end with it, as Groonga's
// TokenBigram does: 眠 finds the 睡眠 of "…睡眠。", which is indexed only
// as the bigram 睡眠. A term in Japanese script also matches its
// dictionary forms (see baseFormQuery).
func (s *builder) jaPhrase(text string, mk *marks) query.Query {
	var slots [][]string
	toks := s.mapping.AnalyzerNamed(index.AnalyzerJAQuery).Analyze([]byte(text))
	last := -1
	for _, tok := range toks {
		if tok.Position != last {
			slots = append(slots, nil)
			last = tok.Position
		}
		slot := &slots[len(slots)-1]
		*slot = append(*slot, string(tok.Term))
		mk.add(tok)
		if isPredictive(tok) {
			*slot = append(*slot, s.prefixTerms(index.FieldJA, tok.Term)...)
		}
	}
	lone := len(toks) == 1 && isPredictive(toks[0])
	if lone {
		ends := s.v.BigramsEndingWith(string(toks[0].Term))
		room := MaxPrefixTerms - (len(slots[0]) - 1)
		if len(ends) > 0 && room > 0 {
			slots[0] = append(slots[0], ends[:min(len(ends), room)]...)
			mk.addSuffix(toks[0])
		}
	}
	var q query.Query
	switch {
	case len(slots) == 0:
		return nil
	default:
		q = slotsQuery(slots, index.FieldJA)
	}
	if pq, ok := q.(*phraseQuery); ok {
		pq.word = wordOf(toks)
	}
	q = s.onField(index.FieldJA, q)
	if lone {
		// Every occurrence of the character is found already.
		return q
	}
	if bq := s.baseFormQuery(text, mk); bq != nil {
		q = newAnyOf(q, s.onField(index.FieldJABase, bq))
	}
	return q
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

// baseFormQuery is the phrase of text's dictionary forms in
// index.FieldJABase, scored at baseFormBoost, so that 整う finds 整い and
// 飲まない finds 飲んで; nil for a term that is not in Japanese script
// alone, or whose morphemes are all endings. Terms with Latin letters or
// digits (NAD+は, C反応性タンパク質, 2024年) are left to the bigrams: they do
// not conjugate, and kagome splits them otherwise than the bigram analyzer
// (NAD and +), which would loosen NAD+は to NAD.
//
// It is nil too for a term that is one word which does not conjugate
// (メラトニン, 睡眠): its dictionary form is the text itself, so it finds
// only paragraphs the bigram phrase finds, and it cost a third searcher
// over the same postings at 100,000 paragraphs.
func (s *builder) baseFormQuery(text string, mk *marks) query.Query {
	toks := s.baseForms(text, mk)
	if len(toks) == 0 || onlyItself(text, toks) {
		return nil
	}
	q := slotsQuery(positionSlots(toks), index.FieldJABase)
	boostLeaves(q, baseFormBoost)
	return q
}

// baseForms is text's tokens in index.AnalyzerJABase (kagome's dictionary
// forms), nil for a term that is not in Japanese script alone (see
// baseFormQuery). mk, when not nil, keeps them for the query: the term's
// compound words (compoundWords) need them again.
func (s *builder) baseForms(text string, mk *marks) analysis.TokenStream {
	if !strings.ContainsFunc(text, index.IsJapanese) || strings.ContainsFunc(text, isASCIIAlnum) {
		return nil
	}
	if toks, ok := mk.baseForms(text); ok {
		return toks
	}
	toks := s.mapping.AnalyzerNamed(index.AnalyzerJABase).Analyze([]byte(text))
	mk.keepBaseForms(text, toks)
	return toks
}

// onlyItself reports whether toks, text's dictionary forms, are one word
// that is text itself and ends in a kanji or katakana. Such a word does not
// conjugate (the dictionary form of every verb and adjective ends in kana),
// so wherever kagome finds it in a paragraph, the paragraph has the text.
func onlyItself(text string, toks analysis.TokenStream) bool {
	if len(toks) != 1 || toks[0].Start != 0 || toks[0].End != len(text) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(text)
	return isKanjiOrKatakana(last) && string(toks[0].Term) == strings.ToLower(norm.NFKC.String(text))
}

// positionSlots groups tokens by position, as bleve's match-phrase query
// does: positions may skip one where punctuation stood, and the empty slot
// there matches any term.
func positionSlots(toks analysis.TokenStream) [][]string {
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

// slotsQuery is the phrase of slots in field (each slot: any of its terms),
// or, for a single slot, its terms alone: a phrase of one position finds
// the same paragraphs but reads every match's positions to check it, the
// larger part of a search's time at 100,000 paragraphs.
func slotsQuery(slots [][]string, field string) query.Query {
	if len(slots) != 1 {
		return newPhraseQuery(slots, field)
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
	return newAnyOf(alts...)
}

func isASCIIAlnum(r rune) bool {
	return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

func isPredictive(tok *analysis.Token) bool {
	r, size := utf8.DecodeRune(tok.Term)
	return tok.Type == analysis.Single && size == len(tok.Term) && index.IsJapanese(r)
}

// prefixTerms lists up to MaxPrefixTerms indexed terms of field that start
// with prefix and are longer than it.
func (s *builder) prefixTerms(field string, prefix []byte) []string {
	var dict bleveindex.FieldDict
	var err error
	if s.r != nil {
		dict, err = s.r.FieldDictPrefix(field, prefix)
	} else {
		dict, err = s.v.Bleve().FieldDictPrefix(field, prefix)
	}
	if err != nil {
		return nil
	}
	defer dict.Close()
	var out []string
	for len(out) < MaxPrefixTerms {
		e, err := dict.Next()
		if err != nil || e == nil {
			break
		}
		if len(e.Term) > len(prefix) {
			out = append(out, e.Term)
		}
	}
	return out
}

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

// locateApartAbove is the default of Service.locateApartAbove: a guess
// between the seeds (160 paragraphs, where the second search was a fifth
// of the CPU) and 100,000 (where positions of thousands of hits were).
const locateApartAbove = 10000

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
	// Japanese words are located on the hits' text (pageWordSearcher).
	ctx = context.WithValue(ctx, pageKey{}, newPage(found, v, hits))
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(text, bleve.NewDocIDQuery(ids)), len(ids), 0, false)
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

// facetsFrom turns counts per FieldFacet key into the topic and lang facets
// for r: topic counts honour the lang filter only, lang counts the topic
// filter only. Every known topic and language is listed, zeros included, so
// a chip bar does not jump.
func facetsFrom(counts map[string]int, r Request, topics *index.Topics) Facets {
	topic := map[string]int{}
	lang := map[string]int{}
	for key, n := range counts {
		topics, l := index.ParseFacetKey(key)
		if r.Lang == "" || r.Lang == l {
			for _, t := range topics {
				topic[t] += n
			}
		}
		if len(r.Topics) == 0 || slices.ContainsFunc(topics, func(t string) bool { return slices.Contains(r.Topics, t) }) {
			lang[l] += n
		}
	}
	f := Facets{Topic: []FacetValue{}, Lang: []FacetValue{}}
	for _, t := range topics.List() {
		f.Topic = append(f.Topic, FacetValue{Value: t.Name, Count: topic[t.Name], Label: t.Labels})
	}
	for _, l := range []string{index.LangJA, index.LangEN} {
		f.Lang = append(f.Lang, FacetValue{Value: l, Count: lang[l]})
	}
	return f
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

// Topics returns every known topic with its number of paragraphs.
func (s *Service) Topics(ctx context.Context) ([]FacetValue, error) {
	var fc *facetCount
	err := s.view(func(v *index.Snapshot, _ bool) error {
		fc = &facetCount{tables: &s.facets}
		req := bleve.NewSearchRequestOptions(&facetQuery{bleve.NewMatchAllQuery(), fc}, 0, 0, false)
		_, _, err := v.Search(ctx, req)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("topics: %w", err)
	}
	return facetsFrom(fc.counts(), Request{}, s.ix.Topics()).Topic, nil
}

// Version identifies the index snapshot searches see now; see
// index.Index.Version.
func (s *Service) Version() uint64 { return s.ix.Version() }
