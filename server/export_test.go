package server

import "time"

// WithSearchQueueWait replaces SearchQueueWait, for tests that must not
// depend on the scheduler keeping to 100 ms.
func WithSearchQueueWait(d time.Duration) Option {
	return func(c *config) { c.searchWait = d }
}
