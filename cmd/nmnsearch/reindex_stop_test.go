package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"nmnsearch/server"
)

// heldReindex holds a reindex until its context ends, then lets the real
// one see it ended.
type heldReindex struct {
	server.Admin
	entered chan<- struct{}
}

func (h heldReindex) Reindex(ctx context.Context) (time.Duration, error) {
	h.entered <- struct{}{}
	<-ctx.Done()
	return h.Admin.Reindex(ctx)
}

// SIGTERM during a reindex stops it within the shutdown limit (it answers
// 503 not_ready), and the next start serves the index in use before it, with
// nothing to rebuild.
func TestRunStopsReindexAtSignal(t *testing.T) {
	entered := make(chan struct{}, 1)
	testHookAdmin = func(a server.Admin) server.Admin { return heldReindex{a, entered} }
	t.Cleanup(func() { testHookAdmin = nil })
	dir := t.TempDir()
	env := map[string]string{"NMNSEARCH_ADMIN_TOKEN": strings.Repeat("t", 32)}
	p := startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-data", dir}, env)
	waitReady(t, p.base)

	answered := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest("POST", p.base+"/api/admin/reindex", nil)
		req.Header.Set("Authorization", "Bearer "+env["NMNSEARCH_ADMIN_TOKEN"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		var body strings.Builder
		_, err = io.Copy(&body, resp.Body)
		answered <- answer{status: resp.StatusCode, body: body.String(), err: err}
	}()
	within(t, entered, 10*time.Second, "the reindex")
	p.cancel() // SIGTERM
	if done, err := p.wait(shutdownTimeout); !done || err != nil {
		t.Fatalf("run after SIGTERM during a reindex: returned %v, %v; want nil within %v", done, err, shutdownTimeout)
	}
	if a := within(t, answered, 5*time.Second, "the reindex's answer"); a.status != http.StatusServiceUnavailable || !strings.Contains(a.body, "not_ready") {
		t.Errorf("the stopped reindex answered %d %s %v, want 503 not_ready", a.status, a.body, a.err)
	}

	testHookAdmin = nil
	p = startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-data", dir}, nil)
	waitReady(t, p.base)
	if log := p.stdout.String(); !strings.Contains(log, "rebuilt=false") {
		t.Errorf("the next start did not open the index as it was:\n%s", log)
	}
	if a := fetch(p.base + "/api/search?q=sleep"); a.status != http.StatusOK {
		t.Errorf("search after the restart: %d", a.status)
	}
}
