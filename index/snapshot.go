package index

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
)

// Snapshot is the index as one search sees it: the bleve index and the
// articles, paragraphs and statistics that go with it. Its maps are never
// changed once it is made; a write makes a new Snapshot and swaps it in once
// its bleve batch is in. Searches do not wait for writes: a search that
// began on one snapshot may run on the bleve state of the next, and
// Snapshot.Search says which snapshot its hits belong to.
type Snapshot struct {
	owner      *Index      // set by publish: told when a search finds it damaged
	bleve      bleve.Index // the scorch index itself, not the alias
	articles   map[string]*Article
	paragraphs map[string]*Paragraph
	vocab      []Word          // sorted by Key
	wordCounts map[string]Word // vocab by Key, for the next snapshot's counts
	// byReading maps a reading (katakana) to the kanji words of vocab that
	// read so, made at the first WordsReading.
	readingsOnce sync.Once
	byReading    map[string][]Word
	// endings lists FieldJA's bigrams by their last character, in term
	// order. See BigramsEndingWith.
	endings map[string][]string
	stats   map[string]*bsearch.BM25Stats
	// expansions keeps EnglishExpansions' answers.
	expansions expansionCache
	// token is what the bleve index's keySnapshot holds in the state this
	// snapshot describes (see Snapshot.Search); empty before the first write.
	token []byte
	// line is shared by the snapshots of one bleve index.
	line *lineage
	// version is set by publish: see Index.Version.
	version uint64
}

// lineage is what the snapshots of one bleve index share.
type lineage struct {
	// users counts callers reading the bleve index (View, acquire): a
	// Reindex or Close closes it only once they are done.
	users atomic.Int64
	// recent holds the snapshots searches may still meet, newest first: the
	// last ones published and the one whose batch is being applied.
	recent atomic.Pointer[[]*Snapshot]
}

// recentKept is how many snapshots a lineage keeps findable: the newest,
// whose batch is being applied or is in, and the one before. A search
// resolves its bleve state within microseconds of taking it, and writes are
// one at a time and take milliseconds; a search that misses runs again
// (ErrChanged). Each kept snapshot holds its maps: at 100,000 paragraphs,
// tens of MB.
const recentKept = 2

// remember makes s findable by Snapshot.Search. Only writers call it, one
// at a time (under Index.wmu).
func (l *lineage) remember(s *Snapshot) {
	rs := []*Snapshot{s}
	if old := l.recent.Load(); old != nil {
		for _, o := range *old {
			if o != s && len(rs) < recentKept {
				rs = append(rs, o)
			}
		}
	}
	l.recent.Store(&rs)
}

// keySnapshot is the internal key (bleve SetInternal) that each write sets,
// in its batch, to its snapshot's token: a search reads it from the bleve
// state it runs on, to find the snapshot that goes with that state.
var keySnapshot = []byte("nmnsearch.snapshot")

// newToken returns a token no other snapshot has.
func newToken() []byte { return []byte(rand.Text()) }

// snapshotVersions numbers the snapshots published in this process, of every
// Index, so that no two snapshots ever share a version.
var snapshotVersions atomic.Uint64

// publish makes s the current snapshot under a new version. Every swap goes
// through it: a response cache keyed by Version must see each one.
func (ix *Index) publish(s *Snapshot) {
	s.owner = ix
	s.version = snapshotVersions.Add(1)
	s.line.remember(s)
	ix.cur.Store(s)
}

// Version identifies the current snapshot: it changes, growing, with every
// write (Put, Add, Delete) and every Reindex, and is never reused within
// the process. Read it before a search: a result then is at least as new
// as the version it is filed under. It is not stable across restarts.
func (ix *Index) Version() uint64 { return ix.snap().version }

// newSnapshot derives everything but endings (read from b once the batch
// is in) from articles, which it keeps. It starts a new lineage, with the
// token b holds now (apply, whose batch is yet to come, sets its own).
func newSnapshot(b bleve.Index, articles map[string]*Article) *Snapshot {
	s := &Snapshot{bleve: b, line: &lineage{}}
	s.token, _ = b.GetInternal(keySnapshot) // none: empty, as it is in b
	s.hold(articles, buildVocab(articles))
	return s
}

// next is the snapshot of s's index once puts and deletes are in: as
// newSnapshot would make it, its vocabulary counted from s's by the
// articles that change.
func (s *Snapshot) next(puts []*Article, deletes []string) *Snapshot {
	counts := make(map[string]Word, len(s.wordCounts))
	for k, w := range s.wordCounts {
		counts[k] = w
	}
	for _, id := range deletes {
		if a, ok := s.articles[id]; ok {
			countWords(counts, a, -1)
		}
	}
	for _, a := range puts {
		if old, ok := s.articles[a.ID]; ok {
			countWords(counts, old, -1)
		}
		countWords(counts, a, 1)
	}
	n := &Snapshot{bleve: s.bleve, line: &lineage{}}
	n.token, _ = s.bleve.GetInternal(keySnapshot)
	n.hold(s.with(puts, deletes), counts)
	return n
}

// hold makes s the snapshot of articles, whose words counts counts.
func (s *Snapshot) hold(articles map[string]*Article, counts map[string]Word) {
	s.articles, s.paragraphs = articles, map[string]*Paragraph{}
	lengths := map[string]fieldLength{}
	for _, a := range articles {
		for i := range a.Paragraphs {
			p := &a.Paragraphs[i]
			s.paragraphs[p.ID] = p
			addLengths(lengths, p)
		}
	}
	s.stats = statsFromLengths(lengths)
	s.wordCounts, s.vocab = counts, sortedVocab(counts)
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

// Bleve is the bleve index of this snapshot. Within View it stays open (a
// Reindex does not close it), but a write may change it meanwhile: search
// it with Search to know which snapshot the hits belong to.
func (s *Snapshot) Bleve() bleve.Index { return s.bleve }

// Search runs req on s's bleve index and returns, with the result, the
// snapshot the result's hits belong to: s, or, when a write was applied
// since s was taken, that write's snapshot. Look the hits up there. Within
// the search, Searched(ctx) returns that snapshot too. ErrChanged means that
// so many writes were applied meanwhile that the snapshot is not kept: run
// the search again.
func (s *Snapshot) Search(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, *Snapshot, error) {
	pinned := &pinnedQuery{Query: req.Query, from: s}
	r := *req
	r.Query = pinned
	sr, err := s.bleve.SearchInContext(ctx, &r)
	if err != nil {
		if s.owner != nil && readFailure(ctx, err) {
			err = s.owner.damaged(err)
		}
		return nil, nil, err
	}
	if pinned.seen == nil {
		return nil, nil, errors.New("search: bleve made no searcher of the query")
	}
	sr.Request = req
	return sr, pinned.seen, nil
}

// resolve returns the snapshot that r, a reader of s's bleve index, is the
// state of.
func (s *Snapshot) resolve(r bindex.IndexReader) (*Snapshot, error) {
	tok, err := r.GetInternal(keySnapshot)
	if err != nil {
		return nil, err
	}
	if bytes.Equal(tok, s.token) {
		return s, nil
	}
	if rs := s.line.recent.Load(); rs != nil {
		for _, o := range *rs {
			if bytes.Equal(tok, o.token) {
				return o, nil
			}
		}
	}
	return nil, ErrChanged
}

// pinnedQuery is a query whose searcher, made on the reader the search
// runs on, records the snapshot that reader is the state of.
type pinnedQuery struct {
	query.Query
	from *Snapshot
	seen *Snapshot
}

func (q *pinnedQuery) MarshalJSON() ([]byte, error) { return json.Marshal(q.Query) }

func (q *pinnedQuery) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	s, err := q.from.resolve(r)
	if err != nil {
		return nil, err
	}
	q.seen = s
	return q.Query.Searcher(context.WithValue(ctx, searchedKey{}, s), r, m, opts)
}

type searchedKey struct{}

// Searched returns, to the searchers of a query run by Snapshot.Search,
// the snapshot the search runs on; nil elsewhere.
func Searched(ctx context.Context) *Snapshot {
	s, _ := ctx.Value(searchedKey{}).(*Snapshot)
	return s
}

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

// acquire returns the current snapshot, whose bleve index no Reindex or
// Close closes before release.
func (ix *Index) acquire() *Snapshot {
	for {
		s := ix.cur.Load()
		s.line.users.Add(1)
		if ix.cur.Load() == s {
			return s
		}
		s.line.users.Add(-1) // swapped meanwhile: its index may be closing
	}
}

func (s *Snapshot) release() { s.line.users.Add(-1) }

// testHookWaitUsers, when set, runs as waitUsers begins: tests know then
// that a swap waits for them.
var testHookWaitUsers func()

// waitUsers waits until no caller reads s's bleve index.
func (s *Snapshot) waitUsers() {
	if testHookWaitUsers != nil {
		testHookWaitUsers()
	}
	for s.line.users.Load() > 0 {
		time.Sleep(time.Millisecond)
	}
}
