package index

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"time"
)

// ErrDamaged is the answer of a read or write that met a damaged index file
// (bleve panicked reading it), and of every read while the index is rebuilt
// from the articles (the store, or memory) because of it.
var ErrDamaged = errors.New("the index is damaged and being rebuilt")

// healRetry is how long a rebuild that failed waits before the next try.
// minHealGap is how long after a rebuild the next one waits to begin: an
// index just built from the articles that fails again may have a bug, not
// a damaged file, and rebuilding it in a loop would spin a CPU; reads get
// ErrDamaged meanwhile all the same, never a 500.
const (
	healRetry  = 10 * time.Second
	minHealGap = 10 * time.Second
)

// WithLogger sets where the index says what it does on its own: that it
// found itself damaged, and its rebuild. nil is slog.Default().
func WithLogger(l *slog.Logger) Option {
	return func(ix *Index) {
		if l != nil {
			ix.logger = l
		}
	}
}

// Healing reports whether the index is being rebuilt because it was found
// damaged: reads get ErrDamaged until it is done.
func (ix *Index) Healing() bool { return ix.healing.Load() }

// guard, deferred by a call into bleve with the call's error, turns a panic
// raised in bleve's code (a damaged segment or root.bolt) into ErrDamaged and
// starts the rebuild. Any other panic goes on, its stack intact.
//
// Callers also turn faults into panics (debug.SetPanicOnFault) while they
// read: a segment or root.bolt cut short faults (SIGBUS) where bleve reads
// it through its memory mapping, which would kill the process.
func (ix *Index) guard(err *error) {
	if !panicIn(bleveCode...) {
		return
	}
	*err = ix.damaged(fmt.Errorf("bleve panicked: %v", recover()))
}

// bleveCode is bleve and the libraries it reads its files with (scorch's
// root.bolt is a bbolt file); storeCode, what reads articles.db.
var (
	bleveCode = []string{"github.com/blevesearch/", "go.etcd.io/bbolt"}
	storeCode = []string{"go.etcd.io/bbolt"}
)

// panicIn reports whether a panic is under way that was raised in a
// function of one of these package paths.
func panicIn(code ...string) bool {
	// The common case, every View's: no panic, the deferred call returns
	// to its own function, not to runtime.gopanic. Told from the two
	// frames above without walking the stack.
	var near [2]uintptr
	n := runtime.Callers(3, near[:])
	if !slices.ContainsFunc(near[:n], func(pc uintptr) bool {
		f := runtime.FuncForPC(pc - 1)
		return f != nil && f.Name() == "runtime.gopanic"
	}) {
		return false
	}
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	panicking := false
	for {
		f, more := frames.Next()
		switch {
		case f.Function == "runtime.gopanic":
			panicking = true
		case panicking && !strings.HasPrefix(f.Function, "runtime."):
			return slices.ContainsFunc(code, func(p string) bool { return strings.HasPrefix(f.Function, p) })
		}
		if !more {
			return false
		}
	}
}

// readFailure reports whether err, from a search of ctx, is the index
// failing to read itself (a damaged file): not the search's context, nor a
// write that moved the snapshot on.
func readFailure(ctx context.Context, err error) bool {
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) &&
		!errors.Is(err, ErrChanged) && !errors.Is(err, ErrDamaged) && ctx.Err() == nil
}

// damaged starts the rebuild, once, and returns the error for the call that
// found cause: ErrDamaged.
func (ix *Index) damaged(cause error) error {
	if ix.healing.CompareAndSwap(false, true) {
		ix.logger.Warn("index damaged: not ready while it is rebuilt from the articles", "cause", cause)
		go ix.heal()
	}
	return fmt.Errorf("%w: %v", ErrDamaged, cause)
}

// heal rebuilds the index until a rebuild succeeds or the index is closed,
// no sooner than minHealGap after the last one.
func (ix *Index) heal() {
	defer func() {
		ix.healed.Store(time.Now().UnixNano())
		ix.healing.Store(false)
	}()
	if last := ix.healed.Load(); last != 0 {
		time.Sleep(minHealGap - time.Since(time.Unix(0, last)))
	}
	for {
		began := time.Now()
		err := ix.rebuildDamaged()
		if err == nil {
			ix.logger.Info("index rebuilt after damage: ready", "took", time.Since(began).Round(time.Millisecond))
			return
		}
		if errors.Is(err, ErrClosed) {
			return
		}
		ix.logger.Error("rebuilding the damaged index failed; trying again", "err", err, "in", healRetry)
		time.Sleep(healRetry)
	}
}

// rebuildDamaged is Reindex, or, for a read-only index, which may not write
// its directory, a rebuild in memory from the articles it holds.
func (ix *Index) rebuildDamaged() error {
	if !ix.readOnly {
		return ix.Reindex(context.Background())
	}
	ix.rmu.Lock()
	defer ix.rmu.Unlock()
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	if ix.closed.Load() {
		return ErrClosed
	}
	ix.indexName = "" // the published directory is not ours to remove
	return ix.reindexInMemory(context.Background())
}
