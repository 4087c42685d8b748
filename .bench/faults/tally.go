package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

type kind int

const (
	killDuringWrites kind = iota
	damageAtStart
	damageWhileServing
)

var kindNames = []string{"kill -9 during writes", "damage at start", "damage while serving"}

// failure is a kind of failure, a column of the table.
type failure int

const (
	noStart       failure = iota // the process exited before /readyz said 200
	notReady                     // no /readyz 200 within readyWithin
	crash                        // a panic or fatal error in its log, or it exited on its own
	slowStop                     // SIGTERM did not end it within stopWithin
	lost                         // an acknowledged PUT gone, or an acknowledged DELETE undone
	wrongVersion                 // GET answered another version than the last acknowledged
	searchMiss                   // a search misses an article, shows an old version or a deleted one, or answers otherwise than before a damage
	badAnswer                    // a 500, a 503 without Retry-After, no answer, or a status the API does not give
	falseDiskFull                // the log says the disk is full (scorch failed to merge or persist) while it has room
	nFailures
)

var failureNames = []string{"no start", "not ready", "crash", "slow stop", "lost", "wrong version", "search miss", "bad answer", "false disk full"}

type perKind [3]int

// tally counts rounds and failures by kind of round.
type tally struct {
	mu          sync.Mutex
	rounds      perKind
	counts      [3][nFailures]int
	acked       perKind  // writes acknowledged
	checked     perKind  // acknowledged articles checked after a round
	rebuilt     perKind  // rounds whose log shows the index rebuilt (at start or healed)
	unavailable perKind  // 503 not_ready answers, with Retry-After, while it healed
	notes       []string // the failures of the round under way
}

func newTally() *tally { return &tally{} }

func (t *tally) add(c *perKind, k kind, n int) {
	t.mu.Lock()
	c[k] += n
	t.mu.Unlock()
}

func (t *tally) failures() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for k := range t.counts {
		for _, c := range t.counts[k] {
			n += c
		}
	}
	return n
}

// fail counts a failure of the round under way and prints it at once.
func (r *run) fail(k kind, f failure, id, format string, args ...any) {
	msg := fmt.Sprintf("FAIL round %d (%s): %s", r.round, kindNames[k], failureNames[f])
	if id != "" {
		msg += ": " + id
	}
	msg += ": " + fmt.Sprintf(format, args...)
	t := r.tally
	t.mu.Lock()
	t.counts[k][f]++
	t.notes = append(t.notes, msg)
	t.mu.Unlock()
	fmt.Println(msg)
}

// note prints what a round did, and keeps it for the round's notes.
func (r *run) note(format string, args ...any) {
	msg := fmt.Sprintf("round %d: ", r.round) + fmt.Sprintf(format, args...)
	r.tally.mu.Lock()
	r.tally.notes = append(r.tally.notes, msg)
	r.tally.mu.Unlock()
	fmt.Println(msg)
}

// keepFailed stops the server and copies the data directory of the round
// that failed, with its logs and notes, to failed-<round>/; the next round
// starts on a fresh one.
func (r *run) keepFailed(k kind) {
	r.stopServer(k)
	dst := filepath.Join(r.out, fmt.Sprintf("failed-%d", r.round))
	if err := copyDir(r.dir.path, dst); err != nil {
		fmt.Println("  keeping it failed:", err)
	}
	r.tally.mu.Lock()
	notes := strings.Join(r.tally.notes, "\n") + "\n"
	r.tally.mu.Unlock()
	os.WriteFile(filepath.Join(dst, "notes.txt"), []byte(notes), 0o644)
	fmt.Println("  kept in", dst)
	r.dropDir()
}

// print writes the table, in Markdown.
func (t *tally) print(w io.Writer) {
	t.mu.Lock()
	defer t.mu.Unlock()
	head := []string{"round", "rounds", "writes acknowledged", "acknowledged articles checked",
		"index rebuilt", "503 while healing"}
	head = append(head, failureNames...)
	fmt.Fprintf(w, "\n| %s |\n|%s\n", strings.Join(head, " | "), strings.Repeat("---|", len(head)))
	var sum [nFailures]int
	var rounds, acked, checked, rebuilt, unavailable int
	for k, name := range kindNames {
		row := []string{name, itoa(t.rounds[k]), itoa(t.acked[k]), itoa(t.checked[k]), itoa(t.rebuilt[k]), itoa(t.unavailable[k])}
		for f, c := range t.counts[k] {
			row = append(row, itoa(c))
			sum[f] += c
		}
		rounds += t.rounds[k]
		acked += t.acked[k]
		checked += t.checked[k]
		rebuilt += t.rebuilt[k]
		unavailable += t.unavailable[k]
		fmt.Fprintf(w, "| %s |\n", strings.Join(row, " | "))
	}
	row := []string{"all", itoa(rounds), itoa(acked), itoa(checked), itoa(rebuilt), itoa(unavailable)}
	total := 0
	for _, c := range sum {
		row = append(row, itoa(c))
		total += c
	}
	fmt.Fprintf(w, "| %s |\n\n", strings.Join(row, " | "))
	fmt.Fprintf(w, "%d acknowledged articles checked, %d failures\n", checked, total)
}

func itoa(n int) string { return fmt.Sprint(n) }
