package index

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
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

// FacetKey is the FieldFacet value of a paragraph with these topics and lang.
func FacetKey(topics []string, lang string) string {
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
// came from, which hits and article pages are read from.
type Index struct {
	bleve bleve.Index

	mu         sync.RWMutex
	articles   map[string]*Article
	paragraphs map[string]*Paragraph
	vocab      []Word // sorted by Key; rebuilt on every Add
	// endings lists FieldJA's bigrams by their last character, in term
	// order; rebuilt on every Add. See BigramsEndingWith.
	endings map[string][]string
	// lengths and stats are the text fields' sizes for BM25; see BM25Stats.
	lengths map[string]fieldLength
	stats   map[string]*bsearch.BM25Stats
}

// NewMapping returns the index mapping: per-language text fields with term
// vectors for highlighting, keyword fields for filters and facets. Nothing
// is stored: hits are read back from the Index's own article store.
func NewMapping() mapping.IndexMapping {
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
func New() (*Index, error) {
	b, err := bleve.NewUsing("", NewMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	return &Index{bleve: b, articles: map[string]*Article{}, paragraphs: map[string]*Paragraph{},
		lengths: map[string]fieldLength{}}, nil
}

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
		a, err := ParseArticle(ArticleIDFromFile(path.Base(name)), raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// Build parses the article files in fsys into a new in-memory index.
func Build(fsys fs.FS) (*Index, error) {
	arts, err := ReadArticles(fsys)
	if err != nil {
		return nil, err
	}
	if len(arts) == 0 {
		return nil, fmt.Errorf("no *.txt article files found")
	}
	ix, err := New()
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
		FieldFacet:   FacetKey(p.Topics, p.Lang),
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

// Add indexes articles in one batch, replacing any earlier article with the
// same id (its old paragraphs are deleted in the same batch).
func (ix *Index) Add(arts ...Article) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	batch := ix.bleve.NewBatch()
	for i := range arts {
		a := &arts[i]
		if old, ok := ix.articles[a.ID]; ok {
			for _, p := range old.Paragraphs {
				batch.Delete(p.ID)
			}
		}
		for j := range a.Paragraphs {
			p := &a.Paragraphs[j]
			doc := document(p)
			ix.measure(p, doc)
			if err := batch.Index(p.ID, doc); err != nil {
				return fmt.Errorf("index %s: %w", p.ID, err)
			}
		}
	}
	if err := ix.bleve.Batch(batch); err != nil {
		return fmt.Errorf("index batch: %w", err)
	}
	for i := range arts {
		a := &arts[i]
		if old, ok := ix.articles[a.ID]; ok {
			for j := range old.Paragraphs {
				delete(ix.paragraphs, old.Paragraphs[j].ID)
				ix.count(&old.Paragraphs[j], -1)
			}
		}
		ix.articles[a.ID] = a
		for j := range a.Paragraphs {
			ix.paragraphs[a.Paragraphs[j].ID] = &a.Paragraphs[j]
			ix.count(&a.Paragraphs[j], 1)
		}
	}
	ix.stats = statsFromLengths(ix.lengths)
	ix.vocab = buildVocab(ix.articles)
	endings, err := bigramEndings(ix.bleve)
	if err != nil {
		return err
	}
	ix.endings = endings
	return nil
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

// BigramsEndingWith returns the indexed FieldJA bigrams whose second
// character is ch (睡眠 for 眠), in term order: a character at the end of a
// run of kanji or kana is indexed only inside such a bigram. The slice is
// shared: do not modify it.
func (ix *Index) BigramsEndingWith(ch string) []string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	e := ix.endings[ch]
	return e[:len(e):len(e)]
}

// Bleve is the underlying index, for package search.
func (ix *Index) Bleve() bleve.Index { return ix.bleve }

// Paragraph returns the paragraph with this id.
func (ix *Index) Paragraph(id string) (*Paragraph, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	p, ok := ix.paragraphs[id]
	return p, ok
}

// Article returns the article with this id.
func (ix *Index) Article(id string) (*Article, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	a, ok := ix.articles[id]
	return a, ok
}

// Articles returns every article, ordered by id.
func (ix *Index) Articles() []*Article {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make([]*Article, 0, len(ix.articles))
	for _, a := range ix.articles {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b *Article) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Close releases the bleve index.
func (ix *Index) Close() error { return ix.bleve.Close() }
