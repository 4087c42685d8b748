package index

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Field names of a paragraph document in bleve.
const (
	FieldJA = "text_ja" // Japanese text, AnalyzerJA
	FieldEN = "text_en" // English text, AnalyzerEN
	// FieldJABase is Japanese text again, as dictionary forms
	// (AnalyzerJABase), so that 整う finds 整い: FieldJA's bigrams find any
	// substring but not another form of a word.
	FieldJABase = "text_ja_base"
	// FieldENWord is English text again as lower-case words
	// (AnalyzerENWord): its dictionary is where typos and prefixes are
	// looked up (see EnglishExpansions).
	FieldENWord  = "text_en_word"
	FieldTopic   = "topic"   // keyword, one term per topic
	FieldLang    = "lang"    // keyword: ja or en
	FieldArticle = "article" // keyword: article id
	FieldN       = "n"       // paragraph number, for document order
	// FieldFacet holds one keyword per paragraph combining its topic set and
	// language ("depression+sleep|ja"). Counting it once over the unfiltered
	// query gives both disjunctive facets exactly, in a single search.
	FieldFacet = "facet"
)

// facetKey is the FieldFacet value of a paragraph with these topics and lang.
func facetKey(topics []string, lang string) string {
	return strings.Join(topics, "+") + "|" + lang
}

// ParseFacetKey splits a FieldFacet value back into topics and lang.
func ParseFacetKey(key string) (topics []string, lang string) {
	t, lang, _ := strings.Cut(key, "|")
	if t != "" {
		topics = strings.Split(t, "+")
	}
	return topics, lang
}

// Index is the searchable paragraphs (bleve, scorch) plus the articles they
// came from, which hits and article pages are read from: in memory, or
// durable in a data directory (see Open).
//
// Reads go to an immutable Snapshot. A write stores the articles (on disk),
// then applies one bleve batch and swaps in the new Snapshot. Searches never
// wait for it: each learns from the bleve state it ran on which snapshot its
// hits belong to (Snapshot.Search), the old articles or the new ones, never
// a mix.
type Index struct {
	mapping mapping.IndexMapping // newMapping(), for measuring paragraphs
	// alias is what Bleve returns: it follows Reindex's swap, so a caller
	// may keep it.
	alias bleve.IndexAlias
	cur   atomic.Pointer[Snapshot]

	closed atomic.Bool // set under wmu
	// wmu makes writes one at a time: Put, Add, Delete, Reindex's catch-up
	// and swap, Close.
	wmu sync.Mutex
	// rmu makes Reindex one at a time; Close waits for it.
	rmu sync.Mutex

	// On disk only.
	dir      string
	readOnly bool // OpenReadOnly: no write, Reindex or persist
	store    *store
	stamp    string // what the index was built with (see Open)
	topics   *Topics
	// topicsGiven: WithTopics named them; otherwise a data directory's own
	// are taken (see storedTopics).
	topicsGiven bool
	seq         uint64 // the last write's sequence number in the store; under wmu
	applied     uint64 // the last write the index holds; under wmu
	stale       error  // set when a stored write could not be indexed; under wmu
	indexName   string // the index directory in use; under wmu
	info        OpenInfo

	logger  *slog.Logger // WithLogger
	healing atomic.Bool  // a rebuild after damage is under way (heal.go)
	healed  atomic.Int64 // when the last one ended, in Unix ns
	disk    *diskWatch   // on disk: scorch's write errors (diskfull.go)
}

// newMapping returns the index mapping: per-language text fields with term
// vectors for highlighting, keyword fields for filters and facets. Nothing
// is stored: hits are read back from the Index's own article store.
func newMapping() mapping.IndexMapping {
	m := bleve.NewIndexMapping()
	text := func(analyzer string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeTermVectors = true // positions and offsets: phrases, highlights
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	keyword := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		return f
	}
	num := bleve.NewNumericFieldMapping()
	num.Store = false
	num.IncludeInAll = false

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(FieldJA, text(AnalyzerJA))
	doc.AddFieldMappingsAt(FieldJABase, text(AnalyzerJABase))
	doc.AddFieldMappingsAt(FieldEN, text(AnalyzerEN))
	words := text(AnalyzerENWord)
	words.IncludeTermVectors = false // a dictionary only: never searched or marked
	doc.AddFieldMappingsAt(FieldENWord, words)
	for _, f := range []string{FieldTopic, FieldLang, FieldArticle, FieldFacet} {
		doc.AddFieldMappingsAt(f, keyword())
	}
	doc.AddFieldMappingsAt(FieldN, num)
	m.DefaultMapping = doc
	m.DefaultAnalyzer = AnalyzerEN
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	// BM25 over bleve's default tf-idf: on the relevance suite (search/rank_test.go,
	// 39 judged queries) BM25 gives recall@1 0.667, recall@5 0.974, MRR 0.802;
	// tf-idf 0.615, 0.949, 0.767.
	m.ScoringModel = "bm25"
	return m
}

// New returns an empty in-memory scorch index. (bleve.NewMemOnly is the old
// upsidedown index, which collapses at scale.)
func New(opts ...Option) (*Index, error) {
	b, err := newMemIndex()
	if err != nil {
		return nil, err
	}
	ix, err := newIndex(b, map[string]*Article{})
	if err != nil {
		return nil, err
	}
	return ix.withOptions(opts), nil
}

func newMemIndex() (bleve.Index, error) {
	b, err := bleve.NewUsing("", newMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	return b, nil
}

// newIndex wraps b, which holds articles.
func newIndex(b bleve.Index, articles map[string]*Article) (*Index, error) {
	snap := newSnapshot(b, articles)
	var err error
	if snap.endings, err = bigramEndings(b); err != nil {
		return nil, err
	}
	ix := &Index{mapping: newMapping(), alias: bleve.NewIndexAlias(b)}
	ix.publish(snap)
	return ix, nil
}

func (ix *Index) snap() *Snapshot { return ix.cur.Load() }

// ReadArticles parses every *.txt file at the top of fsys, in name order.
func ReadArticles(fsys fs.FS) ([]Article, error) {
	names, err := fs.Glob(fsys, "*.txt")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []Article
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		a, err := ParseArticle(articleIDFromFile(path.Base(name)), raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// Build parses the article files in fsys into a new in-memory index.
func Build(fsys fs.FS, opts ...Option) (*Index, error) {
	arts, err := ReadArticles(fsys)
	if err != nil {
		return nil, err
	}
	if len(arts) == 0 {
		return nil, fmt.Errorf("no *.txt article files found")
	}
	ix, err := New(opts...)
	if err != nil {
		return nil, err
	}
	if err := ix.Add(arts...); err != nil {
		ix.Close()
		return nil, err
	}
	return ix, nil
}

// document is what bleve indexes for a paragraph. It is a map, not a struct:
// bleve ignores omitempty, and an empty text_en on a Japanese paragraph would
// be indexed and highlighted as "".
func document(p *Paragraph) map[string]interface{} {
	d := map[string]interface{}{
		FieldLang:    p.Lang,
		FieldArticle: p.Article,
		FieldN:       float64(p.N),
		FieldFacet:   facetKey(p.Topics, p.Lang),
	}
	if len(p.Topics) > 0 {
		d[FieldTopic] = p.Topics
	}
	if p.Lang == LangJA {
		d[FieldJA] = p.Text
		d[FieldJABase] = p.Text
	} else {
		d[FieldEN] = p.Text
		d[FieldENWord] = p.Text
	}
	return d
}

// Add stores and indexes articles as one write, replacing any earlier
// article with the same id (a later one of the same id in arts wins). Each
// article is parsed again from its Source (see Put).
func (ix *Index) Add(arts ...Article) error { return ix.write(arts, nil) }

// Put stores and indexes a, replacing the article with its id, if any: all
// its paragraphs in one bleve batch. What is indexed is a.Source() parsed
// again, exactly what a rebuild would make of it: fields of a parsed
// Article changed afterwards are ignored (change the Source and parse
// that). On disk, Put returns once the article is in the store, fsynced: it
// survives a crash right after. An invalid article is an *InvalidError
// (errors.Is(err, errInvalid)) and changes nothing.
func (ix *Index) Put(a Article) error { return ix.write([]Article{a}, nil) }

// PutSource is Put of the article src parses to, parsed once: by the write.
func (ix *Index) PutSource(src Source) error {
	s := src.clone()
	return ix.write([]Article{{ID: src.ID, src: &s}}, nil)
}

// Delete removes the article with this id, durably as Put. An unknown id is
// ErrNotFound; an invalid one an *InvalidError.
func (ix *Index) Delete(id string) error {
	if !validArticleID(id) {
		return invalidID(id)
	}
	return ix.write(nil, []string{id})
}

// write parses and measures arts, stores them (on disk) with deletes as one
// write, then applies them.
func (ix *Index) write(arts []Article, deletes []string) error {
	if ix.readOnly {
		return ErrReadOnly
	}
	var puts []*Article
	at := map[string]int{}
	srcs := make([]*Source, len(arts))
	for i := range arts {
		src := arts[i].Source()
		srcs[i] = &src
	}
	sites := sitesFor(srcs, ix.snap().articles)
	for _, src := range srcs {
		a, err := src.parse(ix.topics, sites.options(src))
		if err != nil {
			return err
		}
		if n := len(a.Paragraphs); n > MaxParagraphs {
			return invalid("text", fmt.Sprintf("an article has at most %d paragraphs (%s has %d): split it into several", MaxParagraphs, a.ID, n))
		}
		for j := range a.Paragraphs {
			measure(ix.mapping, &a.Paragraphs[j])
		}
		if k, ok := at[a.ID]; ok {
			puts[k] = &a
			continue
		}
		at[a.ID] = len(puts)
		puts = append(puts, &a)
	}
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	if ix.closed.Load() {
		return ErrClosed
	}
	if len(puts) == 0 && len(deletes) == 0 {
		return nil
	}
	if ix.healing.Load() {
		// The index being replaced may be the damaged one: nothing is
		// written until the new one serves.
		return fmt.Errorf("%w: nothing written; send it again once it is ready", ErrDamaged)
	}
	if ix.stale != nil {
		// A later write would record a sequence number past the one the
		// index missed, and the next start would not re-apply it.
		return fmt.Errorf("index is behind the store since a failed batch (%w): restart or Reindex", ix.stale)
	}
	cur := ix.snap()
	var seq uint64
	if ix.store != nil {
		var err error
		if seq, err = ix.store.commit(puts, deletes); err != nil {
			ix.noteNoSpace(err)
			return err
		}
		ix.seq = seq
	} else {
		for _, id := range deletes {
			if _, ok := cur.articles[id]; !ok {
				return fmt.Errorf("%w: %s", ErrNotFound, id)
			}
		}
	}
	if err := ix.apply(cur, puts, deletes, seq); err != nil {
		if ix.store != nil {
			// Stored: the rebuild, which reads the store, indexes it.
			ix.stale = err
			if !errors.Is(err, ErrDamaged) {
				err = ix.damaged(err)
			}
			return fmt.Errorf("stored, and indexed once the index is rebuilt: %w", err)
		}
		return err
	}
	ix.applied = seq
	return nil
}

// apply indexes puts and removes deletes in one batch on cur's bleve
// index, recording seq (on disk), and swaps in the snapshot that goes with
// it. The caller holds wmu. Searches go on meanwhile: until the batch is in
// (bleve applies it at once, at its end) they run on cur, and from then on
// on next, which the batch names (keySnapshot) and which is findable from
// the start.
func (ix *Index) apply(cur *Snapshot, puts []*Article, deletes []string, seq uint64) (err error) {
	defer ix.guard(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	next := cur.next(puts, deletes)
	next.line, next.token = cur.line, newToken()
	batch, err := changeBatch(cur.bleve, puts, deletes, seq)
	if err != nil {
		return err
	}
	batch.SetInternal(keySnapshot, next.token)
	if seq > 0 {
		keepWrite(batch, seq, puts, deletes)
	}
	if testHookApply != nil {
		testHookApply()
	}
	next.line.remember(next)
	if err := cur.bleve.Batch(batch); err != nil {
		return fmt.Errorf("index batch: %w", err)
	}
	if testHookApplied != nil {
		testHookApplied()
	}
	if next.endings, err = bigramEndings(cur.bleve); err != nil {
		// The batch is in, so the snapshot must go with it; only the
		// predictive look-up of a lone kanji uses the old bigrams.
		next.endings = cur.endings
	}
	ix.publish(next)
	return nil
}

// changeBatch is the batch that makes b hold puts in place of whatever
// paragraphs it has of their ids and of deletes, and records seq as the
// last write applied (when not 0).
func changeBatch(b bleve.Index, puts []*Article, deletes []string, seq uint64) (*bleve.Batch, error) {
	batch := b.NewBatch()
	ids := slices.Clone(deletes)
	for _, a := range puts {
		ids = append(ids, a.ID)
	}
	for _, id := range ids {
		docs, err := docsOf(b, id)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			batch.Delete(d)
		}
	}
	for _, a := range puts {
		for j := range a.Paragraphs {
			p := &a.Paragraphs[j]
			if err := batch.Index(p.ID, document(p)); err != nil {
				return nil, fmt.Errorf("index %s: %w", p.ID, err)
			}
		}
	}
	if seq > 0 {
		batch.SetInternal(keyApplied, u64(seq))
	}
	return batch, nil
}

// docsOf returns the ids of b's paragraphs of article id: what b holds,
// whatever the snapshot says.
func docsOf(b bleve.Index, id string) ([]string, error) {
	q := bleve.NewTermQuery(id)
	q.SetField(FieldArticle)
	var out []string
	const page = 1000
	for {
		req := bleve.NewSearchRequestOptions(q, page, len(out), false)
		req.SortBy([]string{"_id"})
		sr, err := b.Search(req)
		if err != nil {
			return nil, fmt.Errorf("paragraphs of %s: %w", id, err)
		}
		for _, h := range sr.Hits {
			out = append(out, h.ID)
		}
		if len(sr.Hits) < page {
			return out, nil
		}
	}
}

// bigramEndings walks FieldJA's dictionary once and files every term of two
// characters that ends in a kanji or kana (a bigram: ール too) under that
// character.
func bigramEndings(b bleve.Index) (map[string][]string, error) {
	dict, err := b.FieldDict(FieldJA)
	if err != nil {
		return nil, fmt.Errorf("bigram endings: %w", err)
	}
	defer dict.Close()
	out := map[string][]string{}
	for {
		e, err := dict.Next()
		if err != nil {
			return nil, fmt.Errorf("bigram endings: %w", err)
		}
		if e == nil {
			return out, nil
		}
		_, n := utf8.DecodeRuneInString(e.Term)
		last, m := utf8.DecodeRuneInString(e.Term[n:])
		if n+m == len(e.Term) && m > 0 && IsJapanese(last) {
			k := e.Term[n:]
			out[k] = append(out[k], e.Term)
		}
	}
}

// View calls fn with the current snapshot, whose bleve index stays open
// until fn returns: a Reindex or Close waits for fn. Writes do not: search
// with s.Search, which says which snapshot the hits belong to, and look
// them up there. fn may call the Index's accessors but not View,
// ViewBetweenWrites, Put, Add, Delete, Reindex, Compact, Publish or Close:
// those may wait for fn while fn waits for them. s is valid only until fn
// returns.
func (ix *Index) View(fn func(s *Snapshot) error) (err error) {
	s := ix.acquire()
	defer s.release()
	if ix.closed.Load() {
		return ErrClosed
	}
	if ix.healing.Load() {
		return fmt.Errorf("%w: retry once it is ready", ErrDamaged)
	}
	defer ix.guard(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	return fn(s)
}

// ViewBetweenWrites is View with writes held off until fn returns, so that
// fn's searches all run on s: for a caller whose searches kept meeting
// ErrChanged under a stream of writes. It waits for the write in progress
// (a large article's takes a second). fn may call what View's may.
func (ix *Index) ViewBetweenWrites(fn func(s *Snapshot) error) error {
	ix.wmu.Lock() // before View's acquire: Close and Reindex wait for View under wmu
	defer ix.wmu.Unlock()
	return ix.View(fn)
}

// testHookApply and testHookApplied, when set, run in apply before the
// batch and once it is in, before its snapshot is published: tests hold a
// write there.
var testHookApply, testHookApplied func()

// BigramsEndingWith is Snapshot.BigramsEndingWith on the current snapshot.
func (ix *Index) BigramsEndingWith(ch string) []string { return ix.snap().BigramsEndingWith(ch) }

// Bleve is the index for package search: an alias of the current scorch
// index that follows Reindex, so it may be kept. Advanced, FieldDict and
// FieldDictPrefix work on it as on the index. Its results can be newer or
// older than what Paragraph returns a moment later: to look hits up
// consistently, search with Snapshot.Search within View and look them up
// in the snapshot it returns.
func (ix *Index) Bleve() bleve.Index { return ix.alias }

// Paragraph returns the paragraph with this id in the current snapshot.
func (ix *Index) Paragraph(id string) (*Paragraph, bool) { return ix.snap().Paragraph(id) }

// Article returns the article with this id in the current snapshot.
func (ix *Index) Article(id string) (*Article, bool) { return ix.snap().Article(id) }

// Articles returns every article, ordered by id.
func (ix *Index) Articles() []*Article { return ix.snap().Articles() }
