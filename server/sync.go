package server

import (
	"log/slog"
	"net/http"
)

// SyncStatus is what GET /api/admin/sync shows of the service's own sync
// of its site (-sync): its schedule and its last run, as JSON. cmd/nmnsearch
// implements it; package server knows no more of sync.
type SyncStatus interface {
	SyncStatus() any
}

// WithSync adds GET /api/admin/sync, answered from s (admin token, as the
// other admin routes). Without it the route does not exist.
func WithSync(s SyncStatus) Option {
	return func(c *config) { c.sync = s }
}

// handleSync answers GET /api/admin/sync.
func handleSync(logger *slog.Logger, s SyncStatus) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, r, logger, http.StatusOK, s.SyncStatus())
	})
}
