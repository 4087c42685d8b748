package sitesync

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// StateFile is the name of the state's file in a data directory, beside
// articles.db: a file of its own, so that the index never reads it and a
// sync never opens the index's store.
const StateFile = "sync.db"

// stateLockTimeout is how long Run waits for another run's lock on the
// state: a second sync of one directory is refused, not queued.
const stateLockTimeout = time.Second

// ErrBusy is Run's answer when another run has the state open.
var ErrBusy = errors.New("another sync of this data directory is running")

var pagesBucket = []byte("pages")

// record is what a run remembers of one URL: enough to ask the site
// whether the page changed, to tell whether its text did, and to know
// whether the article is sync's to delete.
type record struct {
	ID           string    `json:"id"`
	Seed         string    `json:"seed"`           // the URL it was gathered from
	Kind         string    `json:"kind"`           // its seed's kind: sitemap, feed or page
	ETag         string    `json:"etag,omitempty"` // the page's validators, sent back as If-None-Match
	LastModified string    `json:"last_modified,omitempty"`
	Lastmod      string    `json:"lastmod,omitempty"` // the sitemap's or feed's date for it
	Hash         string    `json:"hash"`              // of the article's text, as the index keeps it
	Owned        bool      `json:"owned"`             // sync created the article: it may delete it
	Synced       time.Time `json:"synced"`
}

// state is the records of a data directory, in a bbolt file: each page's
// record commits on its own, so an interrupted run keeps what it did, and
// bbolt's lock keeps two runs apart.
type state struct {
	db      *bolt.DB
	records map[string]record // as the run found them; read-only during it
}

func openState(path string) (*state, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: stateLockTimeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("%w (%s is locked)", ErrBusy, path)
	}
	if err != nil {
		return nil, fmt.Errorf("open the sync state %s: %w", path, err)
	}
	s := &state{db: db, records: map[string]record{}}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(pagesBucket)
		if err != nil {
			return err
		}
		return b.ForEach(func(k, v []byte) error {
			var r record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("record of %s: %w", k, err)
			}
			s.records[string(k)] = r
			return nil
		})
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("read the sync state %s: %w", path, err)
	}
	return s, nil
}

func (s *state) put(url string, r record) error {
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(pagesBucket).Put([]byte(url), v) })
}

func (s *state) remove(url string) error {
	return s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(pagesBucket).Delete([]byte(url)) })
}

func (s *state) close() error { return s.db.Close() }
