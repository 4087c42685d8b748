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

// What scorch does when it cannot write (a full disk): its persister and
// merger report the error to a callback and try again at once, forever.
// The callback this package registers says so once, tells persist, and
// pauses them for asyncErrorPause, so that they retry once a second rather
// than spin a CPU.
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
	failed  atomic.Int64 // when the last async error came, in Unix ns
	errors  atomic.Int64 // how many came
	persist chan error   // the persister's errors, for persist's wait
}

var diskWatches sync.Map // data directory -> *diskWatch

// watchDisk registers ix's data directory for scorch's errors.
func (ix *Index) watchDisk() {
	w := &diskWatch{logger: ix.logger, persist: make(chan error, 1)}
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

func (w *diskWatch) report(err error, path string) {
	w.errors.Add(1)
	now := time.Now().UnixNano()
	quiet := now-w.failed.Swap(now) > int64(noSpaceWindow)
	if isNoSpace(err) {
		w.noSpace.Store(now)
	}
	if quiet {
		w.logger.Warn("the index cannot write to disk: retrying every second; writes are refused while the disk is full",
			"index", filepath.Dir(path), "err", err)
	}
	select {
	case w.persist <- err:
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
