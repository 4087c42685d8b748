package main

import "runtime/debug"

// The server's live heap is mostly what stays (kagome's dictionary, the
// index's caches) and each search's garbage dies young, so the collector's
// default (a cycle whenever the heap doubles, GOGC=100) marks the same
// long-lived 60 MB over and over: at 5,000 searches a second that was a
// fifth of the throughput. serve collects when the heap has grown by
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
