package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"nmnsearch/search"
	"nmnsearch/server"
)

// fullDisk is an Admin whose writes fail as a full disk makes bbolt's
// commit fail.
type fullDisk struct{ server.Admin }

func (fullDisk) PutArticle(context.Context, search.Source) (*search.Article, bool, error) {
	return nil, false, fmt.Errorf("store: commit: write articles.db: %w", syscall.ENOSPC)
}
func (fullDisk) DeleteArticle(context.Context, string) error {
	return fmt.Errorf("store: %w", syscall.ENOSPC)
}
func (fullDisk) Reindex(context.Context) (time.Duration, error) {
	return 0, fmt.Errorf("reindex: %w", syscall.ENOSPC)
}

// A full disk is said, 507 insufficient_storage, not a 500 whose cause is
// only in the log.
func TestAdminFullDisk(t *testing.T) {
	e := newAdminEnv(t)
	h := server.New(nil, e.svc, server.WithAdmin(testToken, fullDisk{e.svc}), server.WithAdminRateLimit(0, 0))
	for _, rq := range []struct{ method, target, body string }{
		{"PUT", "/api/articles/100-new", newArticleBody},
		{"DELETE", "/api/articles/" + sleepArticle, ""},
		{"POST", "/api/admin/reindex", ""},
	} {
		rec := serveAdmin(t, h, rq.method, rq.target, rq.body, "Content-Type", "application/json")
		msg := wantError(t, rec, http.StatusInsufficientStorage, "insufficient_storage")
		if !strings.Contains(msg, "disk") {
			t.Errorf("%s %s: message %q", rq.method, rq.target, msg)
		}
	}
}
