package servertest

import (
	"sync"
	"time"
)

// Clock is a test's time, moved by hand (a day at a time, for analytics):
// its Now is what a store under test is given as its clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts on 2026-12-01, mid-morning in Tokyo.
func NewClock() *Clock {
	return &Clock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.FixedZone("JST", 9*3600))}
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// NextDay moves the clock a day on.
func (c *Clock) NextDay() { c.Add(24 * time.Hour) }
