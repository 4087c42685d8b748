package main

import (
	"runtime"
	"runtime/debug"

	"nmnsearch/server"
)

// The server's live heap is mostly what stays (kagome's dictionary, the
// index's caches) and each search's garbage dies young, so the collector's
// default (a cycle whenever the heap doubles, GOGC=100) marks the same
// long-lived heap over and over. serve collects when the heap has grown by
// defaultGCPercent instead, bounded by defaultMemoryLimit, past which it
// collects as often as it must. GOGC and GOMEMLIMIT, when set, win.
const (
	defaultGCPercent   = 400
	defaultMemoryLimit = 512 << 20
)

// tuneGC applies the defaults that getenv does not override.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}

// Go looks for connections that have become readable when a processor (a
// P, GOMAXPROCS of them) runs out of goroutines to run, or every 10 ms when
// none does. Under load, with as many Ps as cores, none does: the searches
// in the cap's queue keep them all busy, and a request that has arrived
// waits, unread, for the next tick. With twice as many Ps as searches may
// run at once, searches can keep at most half of them busy; the others
// sleep in the poller and read requests as they come (figures in
// .bench/README.md).
const processorsPerSearch = 2

// tuneProcessors sets GOMAXPROCS to processorsPerSearch times the search
// cap (searches 0, no cap: the CPUs), unless $GOMAXPROCS is set, and to no
// more than 4 per CPU, so that a large cap does not multiply the
// collector's workers. The CPUs are those the runtime found at start
// (server.StartProcs), so that calling it again sets the same.
func tuneProcessors(getenv func(string) string, searches int) {
	if getenv("GOMAXPROCS") != "" {
		return
	}
	cpus := server.StartProcs()
	runtime.GOMAXPROCS(max(cpus, min(processorsPerSearch*searches, 4*cpus)))
}
