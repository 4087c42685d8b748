package analytics

import "time"

// FlushEvery is flushEvery, for its test.
const FlushEvery = flushEvery

// WithTicks makes o's store flush at each value sent on tick instead of
// every flushEvery, telling flushed the outcome of each.
func WithTicks(o Options, tick <-chan time.Time, flushed chan<- error) Options {
	o.tick, o.flushed = tick, flushed
	return o
}

// TodayEntries is how many queries today's table holds.
func (s *Store) TodayEntries() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.today.heap)
}
