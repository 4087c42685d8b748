package index

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// The store is a bbolt file in the data directory: the source of truth. It
// holds every article as ingested (its Source) with the parse made of it,
// and a log of writes, each with a sequence number. bbolt commits with
// fsync, so a write is durable when commit returns; the bleve index is
// rebuilt or caught up from here (see Open).
//
//	meta      stamp -> "IndexVersion:seeds hash:topics hash" the index was built with
//	          seq   -> the last write's sequence number (8 bytes, big-endian)
//	          index -> the name of the index directory in use (index-N)
//	          topics -> the topics file the index was built with, which
//	                   Open takes again when it is given none
//	articles  id    -> record (JSON)
//	log       seq   -> JSON list of the ids that write touched; entries the
//	                   index has persisted are pruned at Open
//	deleted   id    -> seq of its deletion: re-seeding must not bring back
//	                   an article someone deleted
const (
	storeFile   = "articles.db"
	indexPrefix = "index-"
	// lockTimeout is how long Open waits for the store's file lock before
	// answering ErrLocked: a second process fails fast instead of hanging.
	lockTimeout = time.Second
)

var (
	bucketMeta     = []byte("meta")
	bucketArticles = []byte("articles")
	bucketLog      = []byte("log")
	bucketDeleted  = []byte("deleted")
	keyStamp       = []byte("stamp")
	keySeq         = []byte("seq")
	keyIndex       = []byte("index")
	keyTopics      = []byte("topics")
)

// Where an article in the store came from. Re-seeding replaces only what
// came from the seeds: see reseed.
const (
	originSeed  = "seed"
	originAdmin = "admin"
)

// record is one article in the store.
type record struct {
	Seq    uint64 `json:"seq"` // the write that stored it
	Origin string `json:"origin"`
	Source Source `json:"source"`
	// The parse of Source, made with IndexVersion Version (0: none yet), so
	// that Open need not parse or analyze anything.
	Version int                      `json:"version"`
	Article *Article                 `json:"article,omitempty"`
	Lengths [][len(textFields)]int32 `json:"lengths,omitempty"`
}

func newRecord(a *Article, origin string) *record {
	r := &record{Origin: origin, Source: a.Source(), Version: indexVersion, Article: a}
	for _, p := range a.Paragraphs {
		r.Lengths = append(r.Lengths, p.lengths)
	}
	return r
}

// article returns the record's parse, or nil when it was made by another
// IndexVersion (or never).
func (r *record) article() *Article {
	if r.Version != indexVersion || r.Article == nil || len(r.Lengths) != len(r.Article.Paragraphs) {
		return nil
	}
	a := r.Article
	for i := range a.Paragraphs {
		a.Paragraphs[i].lengths = r.Lengths[i]
		fold(&a.Paragraphs[i])
	}
	src := r.Source.clone()
	a.src = &src
	return a
}

type store struct{ db *bolt.DB }

type storeMeta struct {
	stamp  string
	seq    uint64
	index  string
	topics []byte // nil: none stored yet
}

// openStore opens the store at path, creating it and its buckets if need
// be. readOnly opens it as it is, with a shared lock that other read-only
// opens share and a writer's excludes (bbolt's flock), and writes nothing.
func openStore(path string, readOnly bool) (*store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout, ReadOnly: readOnly})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("%w: %s stayed locked for %v", ErrLocked, path, lockTimeout)
	}
	if err != nil {
		return nil, storeDamaged(path, err)
	}
	if readOnly {
		err = db.View(func(tx *bolt.Tx) error {
			for _, b := range [][]byte{bucketMeta, bucketArticles, bucketLog, bucketDeleted} {
				if tx.Bucket(b) == nil {
					return fmt.Errorf("%s has no %s bucket: not a store nmnsearch wrote", path, b)
				}
			}
			return nil
		})
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("open store: %w", err)
		}
		return &store{db: db}, nil
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketArticles, bucketLog, bucketDeleted} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	return &store{db: db}, nil
}

func (st *store) close() error { return st.db.Close() }

// storeDamaged is the refusal to start on a store that cannot be read: it
// is the only copy of the articles (the index stores none of their text),
// so nothing may replace it.
func storeDamaged(path string, err error) error {
	return fmt.Errorf("%s cannot be read (%w): it holds the articles, so nothing was changed. "+
		"Restore it from a copy (nmnsearch publish makes one of a running data directory); "+
		"or, to start afresh, move it and the index-* directories beside it out of the way", path, err)
}

func u64(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

func readU64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

func readMeta(tx *bolt.Tx) storeMeta {
	m := tx.Bucket(bucketMeta)
	return storeMeta{stamp: string(m.Get(keyStamp)), seq: readU64(m.Get(keySeq)), index: string(m.Get(keyIndex)),
		topics: bytes.Clone(m.Get(keyTopics))}
}

func getRecord(tx *bolt.Tx, id string) (*record, error) {
	v := tx.Bucket(bucketArticles).Get([]byte(id))
	if v == nil {
		return nil, nil
	}
	r := &record{}
	if err := json.Unmarshal(v, r); err != nil {
		return nil, fmt.Errorf("store: article %s: %w", id, err)
	}
	return r, nil
}

func putRecord(tx *bolt.Tx, id string, r *record) error {
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketArticles).Put([]byte(id), v)
}

// nextSeq logs a write of ids under the next sequence number, which it
// returns.
func nextSeq(tx *bolt.Tx, ids []string) (uint64, error) {
	seq := readMeta(tx).seq + 1
	v, err := json.Marshal(ids)
	if err != nil {
		return 0, err
	}
	if err := tx.Bucket(bucketLog).Put(u64(seq), v); err != nil {
		return 0, err
	}
	return seq, tx.Bucket(bucketMeta).Put(keySeq, u64(seq))
}

func (st *store) meta() (m storeMeta, err error) {
	err = st.db.View(func(tx *bolt.Tx) error {
		m = readMeta(tx)
		return nil
	})
	return m, err
}

// records returns every record and the meta they go with, read in one
// transaction (a consistent snapshot of the store).
func (st *store) records() (recs map[string]*record, m storeMeta, err error) {
	recs = map[string]*record{}
	err = st.db.View(func(tx *bolt.Tx) error {
		m = readMeta(tx)
		return tx.Bucket(bucketArticles).ForEach(func(k, v []byte) error {
			r := &record{}
			if err := json.Unmarshal(v, r); err != nil {
				return fmt.Errorf("store: article %s: %w", k, err)
			}
			recs[string(k)] = r
			return nil
		})
	})
	return recs, m, err
}

// get returns the records of ids (nil for an id the store does not hold).
func (st *store) get(ids []string) (map[string]*record, error) {
	out := map[string]*record{}
	err := st.db.View(func(tx *bolt.Tx) error {
		for _, id := range ids {
			r, err := getRecord(tx, id)
			if err != nil {
				return err
			}
			out[id] = r
		}
		return nil
	})
	return out, err
}

// commit stores puts and removes deletes in one transaction, as one write
// with the next sequence number, and returns that number. When it returns
// nil the write is on disk. A delete of an id the store does not hold is
// ErrNotFound, and nothing is written.
func (st *store) commit(puts []*Article, deletes []string) (seq uint64, err error) {
	ids := make([]string, 0, len(puts)+len(deletes))
	for _, a := range puts {
		ids = append(ids, a.ID)
	}
	ids = append(ids, deletes...)
	err = st.db.Update(func(tx *bolt.Tx) error {
		articles, deleted := tx.Bucket(bucketArticles), tx.Bucket(bucketDeleted)
		for _, id := range deletes {
			if articles.Get([]byte(id)) == nil {
				return fmt.Errorf("%w: %s", ErrNotFound, id)
			}
		}
		var err error
		if seq, err = nextSeq(tx, ids); err != nil {
			return err
		}
		for _, id := range deletes {
			if err := articles.Delete([]byte(id)); err != nil {
				return err
			}
			if err := deleted.Put([]byte(id), u64(seq)); err != nil {
				return err
			}
		}
		for _, a := range puts {
			r := newRecord(a, originAdmin)
			r.Seq = seq
			if err := putRecord(tx, a.ID, r); err != nil {
				return err
			}
			if err := deleted.Delete([]byte(a.ID)); err != nil {
				return err
			}
		}
		return nil
	})
	return seq, err
}

// reseed makes the store's seed articles those of seeds, in one write:
// a seed is written unless the store holds a different article of the same
// id that did not come from the seeds (someone put it: their edit wins) or
// someone deleted that id; an article that came from the seeds and is no
// longer among them is removed. It returns the ids it wrote or removed.
func (st *store) reseed(seeds []Source) (changed []string, err error) {
	err = st.db.Update(func(tx *bolt.Tx) error {
		changed = nil
		articles, deleted := tx.Bucket(bucketArticles), tx.Bucket(bucketDeleted)
		var puts []*record
		want := map[string]bool{}
		for _, src := range seeds {
			want[src.ID] = true
			if deleted.Get([]byte(src.ID)) != nil {
				continue
			}
			old, err := getRecord(tx, src.ID)
			if err != nil {
				return err
			}
			if old != nil && (old.Origin != originSeed || sameSource(old.Source, src)) {
				continue
			}
			puts = append(puts, &record{Origin: originSeed, Source: src.clone()})
			changed = append(changed, src.ID)
		}
		var removes []string
		err := articles.ForEach(func(k, v []byte) error {
			var r struct {
				Origin string `json:"origin"`
			}
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("store: article %s: %w", k, err)
			}
			if r.Origin == originSeed && !want[string(k)] {
				removes = append(removes, string(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		changed = append(changed, removes...)
		if len(changed) == 0 {
			return nil
		}
		seq, err := nextSeq(tx, changed)
		if err != nil {
			return err
		}
		for _, r := range puts {
			r.Seq = seq
			if err := putRecord(tx, r.Source.ID, r); err != nil {
				return err
			}
		}
		for _, id := range removes {
			if err := articles.Delete([]byte(id)); err != nil {
				return err
			}
		}
		return nil
	})
	return changed, err
}

func sameSource(a, b Source) bool {
	return a.ID == b.ID && a.Title == b.Title && a.URL == b.URL && a.Text == b.Text &&
		slices.Equal(a.Topics, b.Topics) && slices.Equal(a.Paragraphs, b.Paragraphs)
}

// logAfter returns the ids written after sequence number from, sorted, or
// ok false when the log no longer holds every write since from.
func (st *store) logAfter(from, to uint64) (ids []string, ok bool, err error) {
	if from >= to {
		return nil, from == to, nil
	}
	seen := map[string]bool{}
	next := from + 1
	err = st.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketLog).Cursor()
		for k, v := c.Seek(u64(from + 1)); k != nil && readU64(k) <= to; k, v = c.Next() {
			if readU64(k) != next {
				return nil // a gap: pruned
			}
			next++
			var touched []string
			if err := json.Unmarshal(v, &touched); err != nil {
				return fmt.Errorf("store: log %d: %w", readU64(k), err)
			}
			for _, id := range touched {
				seen[id] = true
			}
		}
		return nil
	})
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids, err == nil && next == to+1, err
}

// setIndex records that the index in directory name holds the store up to
// its last write, built with stamp, with the parses it was built from
// (records whose parse is unchanged are left alone), and prunes the log up
// to upTo (the index holds those writes on disk).
func (st *store) setIndex(name, stamp string, topics []byte, parsed map[string]*Article, upTo uint64) error {
	return st.db.Update(func(tx *bolt.Tx) error {
		for id, a := range parsed {
			r, err := getRecord(tx, id)
			if err != nil {
				return err
			}
			if r == nil {
				continue // deleted meanwhile
			}
			nr := &record{Origin: r.Origin, Source: r.Source, Version: indexVersion}
			if a != nil {
				nr = newRecord(a, r.Origin)
			} // else its source no longer parses: kept, with no parse, and skipped
			nr.Seq, nr.Source = r.Seq, r.Source
			if old, _ := json.Marshal(r); bytes.Equal(old, mustJSON(nr)) {
				continue
			}
			if err := putRecord(tx, id, nr); err != nil {
				return err
			}
		}
		m := tx.Bucket(bucketMeta)
		if err := m.Put(keyIndex, []byte(name)); err != nil {
			return err
		}
		if err := m.Put(keyStamp, []byte(stamp)); err != nil {
			return err
		}
		if err := m.Put(keyTopics, topics); err != nil {
			return err
		}
		return pruneLog(tx, upTo)
	})
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func (st *store) prune(upTo uint64) error {
	return st.db.Update(func(tx *bolt.Tx) error { return pruneLog(tx, upTo) })
}

func pruneLog(tx *bolt.Tx, upTo uint64) error {
	c := tx.Bucket(bucketLog).Cursor()
	for k, _ := c.First(); k != nil && readU64(k) <= upTo; k, _ = c.First() {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}
