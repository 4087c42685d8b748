package main

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"

	"nmnsearch/server"
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
	procs := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(procs) })
	cpus := server.StartProcs()
	for _, tc := range []struct {
		name     string
		env      map[string]string
		searches int
		want     int
	}{
		{"default cap", nil, cpus + 1, min(2*(cpus+1), 4*cpus)},
		{"again", nil, cpus + 1, min(2*(cpus+1), 4*cpus)}, // not raised from the last
		{"cap of 1", nil, 1, max(cpus, 2)},
		{"large cap", nil, 100 * cpus, 4 * cpus},
		{"no cap", nil, 0, cpus},
		{"GOMAXPROCS set", map[string]string{"GOMAXPROCS": "1"}, cpus + 1, 1},
	} {
		runtime.GOMAXPROCS(1)
		if tc.env == nil {
			runtime.GOMAXPROCS(7 * cpus) // what an earlier serve in this process may have left
		}
		tuneProcessors(fakeEnv(tc.env), tc.searches)
		if got := runtime.GOMAXPROCS(0); got != tc.want {
			t.Errorf("%s: GOMAXPROCS = %d, want %d (%d CPUs, %d searches)", tc.name, got, tc.want, cpus, tc.searches)
		}
	}
}
