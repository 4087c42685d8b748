package index

import (
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// What scorch does when it cannot write (a full disk) or read (a damaged
// segment being merged): its persister and merger report the error to a
// callback and try again at once, forever. The callback this package
// registers says a full disk once, has the index heal from anything else,
// tells persist, and pauses them for asyncErrorPause, so that they retry
// once a second rather than spin a CPU.
const (
	scorchCallbacks = "nmnsearch"
	asyncErrorPause = time.Second
	// noSpaceWindow is how long after the disk was last found full the
	// index says its writes cannot persist (Writable): scorch finds it
	// again every asyncErrorPause while it has something to write.
	noSpaceWindow = 10 * time.Second
)

func init() { scorch.RegistryAsyncErrorCallbacks[scorchCallbacks] = onAsyncError }

// diskWatch is what one data directory's indexes report to: the Index
// registers it at Open.
type diskWatch struct {
	logger  *slog.Logger
	noSpace atomic.Int64 // when the disk was last found full, in Unix ns
	errors  atomic.Int64 // how many came
	persist chan asyncError
	// damaged is told the other errors (a merge that read a damaged
	// segment) with the directory of the index that met them.
	damaged func(err error, indexDir string)
}

// asyncError is an error of scorch's, with its index's store directory
// (dir/index-N/store): persist waits for its own index's.
type asyncError struct {
	err  error
	path string
}

var diskWatches sync.Map // data directory -> *diskWatch

// watchDisk registers ix's data directory for scorch's errors.
func (ix *Index) watchDisk() {
	w := &diskWatch{logger: ix.logger, persist: make(chan asyncError, 1)}
	// Only the index in use heals: an old one's errors end as it closes.
	w.damaged = func(err error, indexDir string) {
		if s := ix.cur.Load(); s != nil && s.bleve.Name() == indexDir {
			ix.damaged(err)
		}
	}
	ix.disk = w
	diskWatches.Store(ix.dir, w)
}

func (ix *Index) unwatchDisk() {
	if ix.disk != nil {
		diskWatches.CompareAndDelete(ix.dir, ix.disk)
	}
}

// watchOf returns the watch of the data directory of the index in
// indexDir (dir/index-N), nil when none.
func watchOf(indexDir string) *diskWatch {
	w, _ := diskWatches.Load(filepath.Dir(indexDir))
	d, _ := w.(*diskWatch)
	return d
}

// onAsyncError is scorch's callback; path is the index's store directory
// (dir/index-N/store).
func onAsyncError(err error, path string) {
	if w := watchOf(filepath.Dir(path)); w != nil {
		w.report(err, path)
	}
	time.Sleep(asyncErrorPause)
}

// report says a full disk once (WARN) and counts it, and passes any other
// error to the index as damage.
func (w *diskWatch) report(err error, path string) {
	w.errors.Add(1)
	if now := time.Now().UnixNano(); isNoSpace(err) {
		if now-w.noSpace.Swap(now) > int64(noSpaceWindow) {
			w.logger.Warn("the index cannot write to disk: retrying every second; writes are refused while the disk is full",
				"index", filepath.Dir(path), "err", err)
		}
	} else {
		w.damaged(err, filepath.Dir(path))
	}
	select {
	case w.persist <- asyncError{err, path}:
	default:
	}
}

// noteNoSpace records a write of the store that found the disk full.
func (ix *Index) noteNoSpace(err error) {
	if ix.disk != nil && isNoSpace(err) {
		ix.disk.noSpace.Store(time.Now().UnixNano())
	}
}

// Writable reports whether writes can persist: false for noSpaceWindow
// after the disk of the data directory was found full.
func (ix *Index) Writable() bool {
	return ix.disk == nil || time.Now().UnixNano()-ix.disk.noSpace.Load() > int64(noSpaceWindow)
}

// isNoSpace reports whether err is a full disk or quota, wrapped or, as
// scorch reports its own, in the message only.
func isNoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) ||
		strings.Contains(err.Error(), syscall.ENOSPC.Error()) || strings.Contains(err.Error(), syscall.EDQUOT.Error())
}
