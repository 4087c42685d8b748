package main

import (
	"fmt"
	"regexp"
	"slices"
	"sync"
)

// state is an article as the service should hold it: live at a version,
// or absent (deleted, or never written).
type state struct {
	live    bool
	version int
}

func (s state) String() string {
	if !s.live {
		return "absent"
	}
	return fmt.Sprintf("version %d", s.version)
}

// entry is what the bench sent for one id: only the goroutine that owns the
// id in a round writes it, so its writes are in order and the last
// acknowledged one is what the service must hold.
type entry struct {
	marker  string
	acked   state  // the last acknowledged write
	ever    bool   // a write of it was ever acknowledged
	pending *state // sent, unanswered: the kill may have cut it either way
	sent    int    // the highest version sent
}

// ledger holds the entries of one data directory.
type ledger struct {
	mu      sync.Mutex
	m       map[string]*entry
	markers int
}

func newLedger() *ledger { return &ledger{m: map[string]*entry{}} }

func (l *ledger) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.m)
}

// send records a write about to be sent, and returns the state it asks
// for and the id's marker.
func (l *ledger) send(id string, live bool) (state, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.m[id]
	if e == nil {
		l.markers++
		e = &entry{marker: marker(l.markers)}
		l.m[id] = e
	}
	s := state{}
	if live {
		e.sent++
		s = state{live: true, version: e.sent}
	}
	e.pending = &s
	return s, e.marker
}

// ack records that the pending write of id was acknowledged.
func (l *ledger) ack(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.m[id]
	e.acked, e.ever, e.pending = *e.pending, true, nil
}

// settle records what the service was found to hold for id, which the next
// checks expect.
func (l *ledger) settle(id string, s state) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.m[id]
	e.acked, e.pending = s, nil
}

// get is id's entry; the zero entry for an id never sent.
func (l *ledger) get(id string) entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e := l.m[id]; e != nil {
		return *e
	}
	return entry{}
}

// ids lists every id, sorted; live only the ones acknowledged live.
func (l *ledger) ids(liveOnly bool) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var ids []string
	for id, e := range l.m {
		if !liveOnly || e.acked.live {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// markerLetters has no vowel, s or y: a word of them is no English word
// and passes the stemmer unchanged, so each marker is its own term.
const markerLetters = "bcdfghjklmnpqrtvwxz"

// marker is the n-th marker word: qx and n in markerLetters.
func marker(n int) string {
	b := []byte("qx")
	for ; n > 0; n /= len(markerLetters) {
		b = append(b, markerLetters[n%len(markerLetters)])
	}
	return string(b)
}

// articleText is version v of id's text: a title and one paragraph naming
// its marker and version.
func articleText(id, marker string, v int) string {
	return fmt.Sprintf("Fault article %s\nThe marker word %s names article %s, and this is version %d of its text.\n",
		id, marker, id, v)
}

var versionLine = regexp.MustCompile(`The marker word (\w+) names article ([a-z0-9-]+), and this is version (\d+) of its text`)
