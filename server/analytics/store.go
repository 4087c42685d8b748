package analytics

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// Limits of what is kept. Each has a test.
const (
	// TopK is how many queries a day keeps; the rest of its searches are
	// counted as other. A table of TopK entries of MaxQueryBytes is the
	// most a day holds in memory and on disk.
	TopK = 1000

	// MaxQueryBytes bounds a query's text as kept: search.MaxQueryRunes
	// characters of at most 3 bytes in UTF-8 (the server refuses longer).
	MaxQueryBytes = 256 * 3

	// DefaultRetentionDays is how many days are kept, today included,
	// without -analytics-days.
	DefaultRetentionDays = 90

	// MaxRetentionDays bounds -analytics-days: a report reads every day of
	// its range, up to TopK entries each.
	MaxRetentionDays = 366

	// DefaultReportDays is the range of a report that names no dates.
	DefaultReportDays = 30

	// FileName is the analytics file in the data directory, beside
	// articles.db.
	FileName = "analytics.db"

	// DayLayout is how a day is written: its date, in the clock's zone.
	DayLayout = "2006-01-02"
)

// flushEvery is how often the day's counts are written to disk: a restart
// (or a crash) loses at most this much.
const flushEvery = time.Minute

// ErrClosed is the error of a Store used after Close.
var ErrClosed = errors.New("analytics: the store is closed")

// Options configure Open.
type Options struct {
	// Dir is the data directory, where FileName is kept; "" keeps
	// everything in memory, lost at exit.
	Dir string
	// RetentionDays is how many days are kept, today included:
	// 1 to MaxRetentionDays; 0 means DefaultRetentionDays.
	RetentionDays int
	// Now is the clock; nil means time.Now. Days are its dates in its
	// zone (the server's local time).
	Now func() time.Time
	// Logger hears of failed background flushes; nil discards.
	Logger *slog.Logger

	tick    <-chan time.Time // tests: replaces the ticker of flushEvery
	flushed chan<- error     // tests: told of every background flush
}

// Store counts searches and clicks by day, and the queries they were for.
// It is safe for concurrent use.
type Store struct {
	now       func() time.Time
	retention int
	logger    *slog.Logger
	back      backend

	flushMu sync.Mutex // one flush at a time

	mu       sync.Mutex
	today    *table
	dayEnds  time.Time // when today ends, by the clock
	finished []*table  // past days not yet written
	dirty    bool      // today changed since it was last written
	closed   bool
	pop      popular

	done      chan struct{}
	wg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

// Open opens (or creates) the store in o.Dir, drops the days past the
// retention, and starts writing the day's counts every flushEvery.
func Open(o Options) (*Store, error) {
	switch {
	case o.RetentionDays == 0:
		o.RetentionDays = DefaultRetentionDays
	case o.RetentionDays < 1 || o.RetentionDays > MaxRetentionDays:
		return nil, fmt.Errorf("analytics: %d days of retention; want 1 to %d", o.RetentionDays, MaxRetentionDays)
	}
	s := &Store{now: o.Now, retention: o.RetentionDays, logger: o.Logger, done: make(chan struct{})}
	if s.now == nil {
		s.now = time.Now
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if o.Dir == "" {
		s.back = &memBackend{}
	} else {
		b, err := openBolt(filepath.Join(o.Dir, FileName))
		if err != nil {
			return nil, fmt.Errorf("analytics: %w", err)
		}
		s.back = b
	}
	today := s.day()
	s.today = newTable(today, TopK)
	if b, err := s.back.get(today); err != nil || b != nil {
		if err == nil {
			s.today, err = decodeTable(b, TopK)
		}
		if err != nil {
			s.back.close()
			return nil, fmt.Errorf("analytics: read %s: %w", today, err)
		}
	}
	if err := s.back.write(nil, s.cutoff()); err != nil {
		s.back.close()
		return nil, fmt.Errorf("analytics: drop days past the retention: %w", err)
	}
	s.pop.resetToday(s.today)
	tick, stop := o.tick, func() {}
	if tick == nil {
		t := time.NewTicker(flushEvery)
		tick, stop = t.C, t.Stop
	}
	s.wg.Add(1)
	go s.loop(tick, stop, o.flushed)
	return s, nil
}

// loop writes the day every tick until Close.
func (s *Store) loop(tick <-chan time.Time, stop func(), flushed chan<- error) {
	defer s.wg.Done()
	defer stop()
	for {
		select {
		case <-s.done:
			return
		case <-tick:
			err := s.Flush()
			if err != nil {
				s.logger.Error("analytics: write", "err", err)
			}
			if flushed != nil {
				flushed <- err
			}
		}
	}
}

// RetentionDays is how many days the store keeps, today included.
func (s *Store) RetentionDays() int { return s.retention }

// day is the clock's date, as days are keyed.
func (s *Store) day() string { return s.now().Format(DayLayout) }

// cutoff is the first day kept: the days before it are past the retention.
func (s *Store) cutoff() string { return addDays(s.day(), 1-s.retention) }

// addDays is day (DayLayout) n days later.
func addDays(day string, n int) string {
	t, err := time.Parse(DayLayout, day)
	if err != nil {
		panic("analytics: a day not in DayLayout: " + day) // days come from Format
	}
	return t.AddDate(0, 0, n).Format(DayLayout)
}

// roll starts a new day when the clock has passed midnight; the old day
// waits in finished for the next flush. A clock set back keeps counting
// into the newest day. Under s.mu.
func (s *Store) roll() {
	now := s.now()
	if now.Before(s.dayEnds) {
		return // the clock's date costs a Format: once a day
	}
	y, m, d := now.Date()
	s.dayEnds = time.Date(y, m, d+1, 0, 0, 0, 0, now.Location())
	day := now.Format(DayLayout)
	if day <= s.today.day {
		return
	}
	if s.today.searches > 0 || s.today.clicks > 0 {
		s.finished = append(s.finished, s.today)
	}
	cutoff := s.cutoff()
	s.finished = slices.DeleteFunc(s.finished, func(t *table) bool { return t.day < cutoff })
	s.today = newTable(day, TopK)
	s.dirty = false
	s.pop.resetToday(s.today)
}

// Search is one search a reader made: the query as the service normalized
// it, its topic filter, and whether it found anything.
type Search struct {
	Q      string
	Topics []string // sorted, without duplicates
	Hits   int      // paragraphs found; 0: nothing
}

// Click is a hit a reader opened: the search it came from, and the hit's
// 1-based position in the answer.
type Click struct {
	Q       string
	Topics  []string // sorted, without duplicates
	Pos     int
	Article string // the article opened
}

// checkQuery refuses what the server never sends: a query past
// MaxQueryBytes, topics unsorted or repeated.
func checkQuery(q string, topics []string) error {
	if len(q) > MaxQueryBytes {
		return fmt.Errorf("analytics: a query of %d bytes; at most %d", len(q), MaxQueryBytes)
	}
	for i := 1; i < len(topics); i++ {
		if topics[i-1] >= topics[i] {
			return errors.New("analytics: topics must be sorted, without duplicates")
		}
	}
	return nil
}

// RecordSearch counts one search in today's table.
func (s *Store) RecordSearch(e Search) error {
	if err := checkQuery(e.Q, e.Topics); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.roll()
	ent, wasFound, out := s.today.search(e.Q, e.Topics, e.Hits)
	if out != nil && out.found {
		s.pop.todayLost(out.q)
	}
	if !wasFound && ent.found() {
		s.pop.todayFound(ent.Q)
	}
	s.dirty = true
	return nil
}

// RecordClick counts one opened hit in today's table.
func (s *Store) RecordClick(c Click) error {
	if err := checkQuery(c.Q, c.Topics); err != nil {
		return err
	}
	if c.Pos < 1 {
		return fmt.Errorf("analytics: position %d; positions start at 1", c.Pos)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.roll()
	s.today.click(c.Q, c.Topics, c.Pos, c.Article)
	s.dirty = true
	return nil
}

// Flush writes today's counts and the finished days not yet written, and
// drops the days past the retention. Open's loop calls it every
// flushEvery, Close once more.
func (s *Store) Flush() error { return s.flush(false) }

// flush is Flush; final closes the store in the same step, so that no
// search is counted after the last write.
func (s *Store) flush(final bool) error {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	s.closed = final
	s.roll()
	days := map[string][]byte{}
	written := slices.Clone(s.finished)
	if s.dirty {
		written = append(written, s.today)
	}
	for _, t := range written {
		b, err := t.encode()
		if err != nil {
			s.mu.Unlock()
			return fmt.Errorf("analytics: encode %s: %w", t.day, err)
		}
		days[t.day] = b
	}
	wroteToday := s.dirty
	s.dirty = false
	cutoff := s.cutoff()
	s.mu.Unlock()

	err := s.back.write(days, cutoff)

	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		if wroteToday && !final {
			s.dirty = true // written at the next flush
		}
		return fmt.Errorf("analytics: write: %w", err)
	}
	// A day that rolled over meanwhile joined finished after these, with
	// what was counted since: it stays for the next flush.
	s.finished = slices.DeleteFunc(s.finished, func(t *table) bool { return slices.Contains(written, t) })
	return nil
}

// Close stops the flushes and writes the day a last time; a search
// recorded after it is refused with ErrClosed.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		s.wg.Wait()
		s.closeErr = errors.Join(s.flush(true), s.back.close())
	})
	return s.closeErr
}

// days calls fn with every day kept from the day from on: the days in
// memory (today, the finished not yet written) as copies, the others read
// from the backend.
func (s *Store) days(from string, fn func(f *dayFile) error) error {
	s.mu.Lock()
	s.roll()
	mem := map[string]*dayFile{s.today.day: s.today.file()}
	for _, t := range s.finished {
		mem[t.day] = t.file()
	}
	s.mu.Unlock()
	err := s.back.each(from, func(day string, b []byte) error {
		if _, ok := mem[day]; ok {
			return nil // memory is newer
		}
		var f dayFile
		if err := json.Unmarshal(b, &f); err != nil {
			return fmt.Errorf("analytics: read %s: %w", day, err)
		}
		return fn(&f)
	})
	if err != nil {
		return err
	}
	for _, day := range slices.Sorted(maps.Keys(mem)) {
		if day >= from {
			if err := fn(mem[day]); err != nil {
				return err
			}
		}
	}
	return nil
}
