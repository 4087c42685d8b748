package main

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"nmnsearch/cmd/nmnsearch/internal/sitesync"
)

// plainProgressEvery is how many pages apart a plain (not terminal)
// output says how far a run is: a line a page would bury what changed.
const plainProgressEvery = 100

// syncProgress prints a run's events: a line for each page written,
// deleted, skipped or failed (an unchanged one is only counted); on a
// terminal, a count redrawn in place below them.
type syncProgress struct {
	w      io.Writer
	tty    bool
	shown  bool // the count is on screen, to be cleared before a line
	counts map[sitesync.Outcome]int
}

func newSyncProgress(w io.Writer, tty bool) *syncProgress {
	return &syncProgress{w: w, tty: tty, counts: map[sitesync.Outcome]int{}}
}

// isTerminal reports whether w is a terminal, where a count redrawn in
// place reads well; a file or a journal gets plain lines.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func (p *syncProgress) event(e sitesync.Event) {
	p.clear()
	p.counts[e.Outcome]++
	switch e.Outcome {
	case sitesync.Gathered:
		fmt.Fprintf(p.w, "gathered %s\n", e.Reason)
	case sitesync.Added, sitesync.Changed:
		fmt.Fprintf(p.w, "%s %s %s\n", e.Outcome, e.ID, e.URL)
	case sitesync.Deleted:
		fmt.Fprintf(p.w, "deleted %s %s: %s\n", e.ID, e.URL, e.Reason)
	case sitesync.Skipped, sitesync.Failed:
		fmt.Fprintf(p.w, "%s %s: %s\n", e.Outcome, e.URL, e.Reason)
	}
	switch {
	case e.Total == 0 || e.Outcome == sitesync.Gathered:
	case p.tty:
		fmt.Fprintf(p.w, "\r[%d/%d] %d added, %d changed, %d unchanged, %d deleted, %d failed\x1b[K", e.Done, e.Total,
			p.counts[sitesync.Added], p.counts[sitesync.Changed], p.counts[sitesync.Unchanged], p.counts[sitesync.Deleted], p.counts[sitesync.Failed])
		p.shown = true
	case e.Done%plainProgressEvery == 0 && e.Done < e.Total:
		fmt.Fprintf(p.w, "checked %d of %d pages\n", e.Done, e.Total)
	}
}

// clear takes the count off the screen.
func (p *syncProgress) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// done clears the count, for the run's last line.
func (p *syncProgress) done() { p.clear() }
