package index

import (
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
)

// Snapshot is the index as one search sees it: the bleve index and the
// articles, paragraphs and statistics that go with it. Its maps are never
// changed once it is made; a write makes a new Snapshot and swaps it in, in
// the same critical section as the bleve batch (see Index.View).
type Snapshot struct {
	bleve      bleve.Index // the scorch index itself, not the alias
	articles   map[string]*Article
	paragraphs map[string]*Paragraph
	vocab      []Word // sorted by Key
	// endings lists FieldJA's bigrams by their last character, in term
	// order. See BigramsEndingWith.
	endings map[string][]string
	stats   map[string]*bsearch.BM25Stats
	// expansions keeps EnglishExpansions' answers.
	expansions expansionCache
	// users counts callers outside View reading bleve (see acquire): a
	// Reindex closes the old index only once they are done.
	users atomic.Int64
	// version is set by publish: see Index.Version.
	version uint64
}

// snapshotVersions numbers the snapshots published in this process, of every
// Index, so that no two snapshots ever share a version.
var snapshotVersions atomic.Uint64

// publish makes s the current snapshot under a new version. Every swap goes
// through it: a response cache keyed by Version must see each one.
func (ix *Index) publish(s *Snapshot) {
	s.version = snapshotVersions.Add(1)
	ix.cur.Store(s)
}

// Version identifies the current snapshot: it changes, growing, with every
// write (Put, Add, Delete) and every Reindex, and is never reused within
// the process. Read it before a search: a result then is at least as new
// as the version it is filed under. It is not stable across restarts.
func (ix *Index) Version() uint64 { return ix.snap().version }

// newSnapshot derives everything but endings (read from b once the batch
// is in) from articles, which it keeps.
func newSnapshot(b bleve.Index, articles map[string]*Article) *Snapshot {
	s := &Snapshot{bleve: b, articles: articles, paragraphs: map[string]*Paragraph{}}
	lengths := map[string]fieldLength{}
	for _, a := range articles {
		for i := range a.Paragraphs {
			p := &a.Paragraphs[i]
			s.paragraphs[p.ID] = p
			addLengths(lengths, p)
		}
	}
	s.stats = statsFromLengths(lengths)
	s.vocab = buildVocab(articles)
	return s
}

// with returns a copy of s's articles with puts added or replaced and
// deletes removed.
func (s *Snapshot) with(puts []*Article, deletes []string) map[string]*Article {
	out := make(map[string]*Article, len(s.articles)+len(puts))
	for id, a := range s.articles {
		out[id] = a
	}
	for _, id := range deletes {
		delete(out, id)
	}
	for _, a := range puts {
		out[a.ID] = a
	}
	return out
}

// Bleve is the bleve index of this snapshot. Within View it stays as the
// snapshot's maps describe it: no write or swap happens meanwhile.
func (s *Snapshot) Bleve() bleve.Index { return s.bleve }

// Len returns the number of paragraphs.
func (s *Snapshot) Len() int { return len(s.paragraphs) }

// Paragraph returns the paragraph with this id.
func (s *Snapshot) Paragraph(id string) (*Paragraph, bool) {
	p, ok := s.paragraphs[id]
	return p, ok
}

// Article returns the article with this id.
func (s *Snapshot) Article(id string) (*Article, bool) {
	a, ok := s.articles[id]
	return a, ok
}

// Articles returns every article, ordered by id.
func (s *Snapshot) Articles() []*Article {
	out := make([]*Article, 0, len(s.articles))
	for _, a := range s.articles {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b *Article) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// BigramsEndingWith returns the indexed FieldJA bigrams whose second
// character is ch (睡眠 for 眠), in term order: a character at the end of a
// run of kanji or kana is indexed only inside such a bigram. The slice is
// shared: do not modify it.
func (s *Snapshot) BigramsEndingWith(ch string) []string {
	e := s.endings[ch]
	return e[:len(e):len(e)]
}

// BM25Stats returns the statistics of field for bleve's BM25 (to be put
// into the context of the queries on that field alone, under
// search.BM25StatsKey), or nil when no paragraph has it. The value is
// shared: do not modify it.
func (s *Snapshot) BM25Stats(field string) *bsearch.BM25Stats { return s.stats[field] }

// acquire returns the current snapshot, whose bleve index a Reindex will
// not close before release: for readers outside View.
func (ix *Index) acquire() *Snapshot {
	for {
		s := ix.cur.Load()
		s.users.Add(1)
		if ix.cur.Load() == s {
			return s
		}
		s.users.Add(-1) // swapped meanwhile: its index may be closing
	}
}

func (s *Snapshot) release() { s.users.Add(-1) }

// waitUsers waits until no caller outside View reads s's index.
func (s *Snapshot) waitUsers() {
	for s.users.Load() > 0 {
		time.Sleep(time.Millisecond)
	}
}
