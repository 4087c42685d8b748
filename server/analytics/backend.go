package analytics

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// backend keeps the stored days: one value per day, keyed by its date
// (DayLayout, so that keys sort as days do).
type backend interface {
	// write puts the days given and drops every day before cutoff, at once.
	write(days map[string][]byte, cutoff string) error
	get(day string) ([]byte, error) // nil: no such day
	each(from string, fn func(day string, b []byte) error) error
	close() error
}

// lockTimeout bounds the wait for analytics.db's lock: the data
// directory's own lock (index) already keeps a second process out, so a
// lock held this long is a stray process, said at once rather than waited on.
const lockTimeout = time.Second

// bucketDays holds one key per day: "2026-12-06" → the day's JSON.
var bucketDays = []byte("days")

type boltBackend struct{ db *bolt.DB }

func openBolt(path string) (*boltBackend, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("%s stayed locked for %v: is another nmnsearch using it?", path, lockTimeout)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketDays)
		return err
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return &boltBackend{db: db}, nil
}

func (b *boltBackend) write(days map[string][]byte, cutoff string) error {
	return b.db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketDays)
		for _, day := range slices.Sorted(maps.Keys(days)) {
			if err := bk.Put([]byte(day), days[day]); err != nil {
				return err
			}
		}
		c := bk.Cursor()
		for k, _ := c.First(); k != nil && string(k) < cutoff; k, _ = c.First() {
			if err := c.Delete(); err != nil {
				return err
			}
		}
		return nil
	})
}

func (b *boltBackend) get(day string) ([]byte, error) {
	var out []byte
	err := b.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketDays).Get([]byte(day)); v != nil {
			out = slices.Clone(v) // bbolt's bytes live only as long as the transaction
		}
		return nil
	})
	return out, err
}

func (b *boltBackend) each(from string, fn func(day string, v []byte) error) error {
	return b.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketDays).Cursor()
		for k, v := c.Seek([]byte(from)); k != nil; k, v = c.Next() {
			if err := fn(string(k), v); err != nil {
				return err
			}
		}
		return nil
	})
}

func (b *boltBackend) close() error { return b.db.Close() }

// memBackend keeps the days in memory, for a service without a data
// directory: what a restart loses anyway.
type memBackend struct {
	mu   sync.Mutex
	days map[string][]byte
}

func (m *memBackend) write(days map[string][]byte, cutoff string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.days == nil {
		m.days = map[string][]byte{}
	}
	maps.Copy(m.days, days)
	maps.DeleteFunc(m.days, func(day string, _ []byte) bool { return day < cutoff })
	return nil
}

func (m *memBackend) get(day string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.days[day], nil
}

func (m *memBackend) each(from string, fn func(day string, v []byte) error) error {
	m.mu.Lock()
	days := maps.Clone(m.days)
	m.mu.Unlock()
	for _, day := range slices.Sorted(maps.Keys(days)) {
		if day < from {
			continue
		}
		if err := fn(day, days[day]); err != nil {
			return err
		}
	}
	return nil
}

func (m *memBackend) close() error { return nil }
