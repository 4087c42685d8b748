package main

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
)

func TestTuneGC(t *testing.T) {
	percent := debug.SetGCPercent(100)
	limit := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	})

	tuneGC(fakeEnv(nil))
	if got := debug.SetGCPercent(100); got != defaultGCPercent {
		t.Errorf("GC percent = %d, want %d", got, defaultGCPercent)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != defaultMemoryLimit {
		t.Errorf("memory limit = %d, want %d", got, defaultMemoryLimit)
	}

	// The runtime reads GOGC and GOMEMLIMIT itself; tuneGC leaves them be.
	tuneGC(fakeEnv(map[string]string{"GOGC": "50", "GOMEMLIMIT": "1GiB"}))
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set, GC percent = %d, want it untouched (100)", got)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != math.MaxInt64 {
		t.Errorf("with GOMEMLIMIT set, memory limit = %d, want it untouched", got)
	}
}

func TestTuneProcessors(t *testing.T) {
	cores := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(cores) })
	for _, tc := range []struct {
		name     string
		env      map[string]string
		searches int
		want     int
	}{
		{"default cap", nil, cores + 1, min(2*(cores+1), 4*cores)},
		{"cap of 1", nil, 1, max(cores, 2)},
		{"large cap", nil, 100 * cores, 4 * cores},
		{"no cap", nil, 0, cores},
		{"GOMAXPROCS set", map[string]string{"GOMAXPROCS": "1"}, cores + 1, cores},
	} {
		runtime.GOMAXPROCS(cores)
		tuneProcessors(fakeEnv(tc.env), tc.searches)
		if got := runtime.GOMAXPROCS(0); got != tc.want {
			t.Errorf("%s: GOMAXPROCS = %d, want %d (%d cores, %d searches)", tc.name, got, tc.want, cores, tc.searches)
		}
	}
}
