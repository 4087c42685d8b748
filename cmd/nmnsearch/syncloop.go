package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"nmnsearch/cmd/nmnsearch/internal/sitesync"
	"nmnsearch/index"
	"nmnsearch/server"
)

// minSyncEvery bounds -sync-every from below: a site is asked for every
// page (conditionally) each run, and a run at 1s delay per request takes
// minutes for a thousand pages.
const minSyncEvery = time.Minute

// syncLoop is serve's -sync: the site synced into the index at start, then
// every -sync-every, one run at a time (a run of `nmnsearch sync` on the
// same directory makes one skip: sitesync.ErrBusy), each logged and counted
// in /metrics; GET /api/admin/sync shows it (server.SyncStatus).
type syncLoop struct {
	cfg     sitesync.Config
	every   time.Duration
	ix      *index.Index
	logger  *slog.Logger
	metrics *server.Metrics

	mu      sync.Mutex
	running bool
	next    time.Time
	last    *sitesync.Summary
	lastErr string
	done    chan struct{} // closed when run returns
}

// run syncs until ctx ends; the caller waits for done before it closes ix.
func (l *syncLoop) run(ctx context.Context) {
	defer close(l.done)
	for {
		l.once(ctx)
		l.mu.Lock()
		l.next = time.Now().Add(l.every)
		l.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-time.After(l.every):
		}
	}
}

func (l *syncLoop) once(ctx context.Context) {
	l.mu.Lock()
	l.running = true
	l.mu.Unlock()
	sum, err := sitesync.Run(ctx, l.cfg, localWriter{l.ix})
	l.mu.Lock()
	defer l.mu.Unlock()
	l.running, l.last, l.lastErr = false, &sum, ""
	attrs := []any{"added", sum.Added, "changed", sum.Changed, "unchanged", sum.Unchanged, "deleted", sum.Deleted,
		"failed", sum.Failed, "requests", sum.Requests, "took_ms", sum.TookMS}
	switch {
	case errors.Is(err, sitesync.ErrBusy):
		l.lastErr = err.Error()
		l.logger.Info("site sync skipped: another sync of this directory is running", "err", err)
		return
	case err != nil || sum.Interrupted:
		if err != nil {
			l.lastErr = err.Error()
		}
		l.logger.Warn("site sync ended early", append(attrs, "err", err)...)
	case sum.Failed > 0:
		l.logger.Warn("site synced, some pages failed", attrs...)
	default:
		l.logger.Info("site synced", attrs...)
	}
	l.metrics.SyncRun(map[string]int{"added": sum.Added, "changed": sum.Changed, "unchanged": sum.Unchanged,
		"deleted": sum.Deleted, "skipped": sum.Skipped, "failed": sum.Failed}, sum.Finished)
}

// syncStatus is the answer of GET /api/admin/sync.
type syncStatus struct {
	URLs    []string          `json:"urls"`
	Every   string            `json:"every"`
	Running bool              `json:"running"`
	Next    *time.Time        `json:"next,omitempty"`
	Last    *sitesync.Summary `json:"last"` // null before the first run ends
	Error   string            `json:"error,omitempty"`
}

// SyncStatus is server.SyncStatus.
func (l *syncLoop) SyncStatus() any {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := syncStatus{URLs: l.cfg.Seeds, Every: l.every.String(), Running: l.running, Last: l.last, Error: l.lastErr}
	if !l.next.IsZero() {
		next := l.next
		st.Next = &next
	}
	return st
}

// serveSyncConfig is the sitesync.Config of serve's -sync, nil without it.
func serveSyncConfig(urls string, every time.Duration, dataDir string, readOnly bool) (*sitesync.Config, error) {
	seeds := strings.FieldsFunc(urls, func(r rune) bool { return r == ',' || r == ' ' })
	switch {
	case len(seeds) == 0:
		return nil, nil
	case readOnly:
		return nil, errors.New("-sync writes the index: a -read-only replica takes what its writer publishes")
	case dataDir == "":
		return nil, errors.New(`-sync keeps what it knows of each page in the data directory; -data is "" (in memory)`)
	case every < minSyncEvery:
		return nil, fmt.Errorf("-sync-every %v: want %v or more", every, minSyncEvery)
	}
	cfg := &sitesync.Config{
		Seeds: seeds, Delay: sitesync.DefaultDelay, Concurrency: sitesync.DefaultConcurrency,
		Timeout: fetchTimeout, MaxBytes: maxFetchBytes, MaxRedirects: maxRedirects, UserAgent: fetchUserAgent,
		StateFile: filepath.Join(dataDir, sitesync.StateFile), ArticleID: articleIDFromURL, Decode: toUTF8,
	}
	if err := cfg.Check(); err != nil {
		return nil, fmt.Errorf("-sync: %w", err)
	}
	return cfg, nil
}
