package sitesync

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"nmnsearch/index"
)

// Pages that fail each for its own reason are reported so, nothing is
// written for them, and the others are.
func TestSyncBadPages(t *testing.T) {
	s := newSite(t)
	s.set("/ok", "/error", "/loop", "/huge", "/paper.pdf", "/links", "/missing")
	s.remove("/missing")
	s.handle("/error", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "oops", http.StatusInternalServerError) })
	s.handle("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	s.handle("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write(bytes.Repeat([]byte("<p>a long page</p>"), 1<<20/16))
	})
	s.handle("/paper.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.7"))
	})
	s.handle("/links", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<html><body><nav><a href="/a">A</a> <a href="/b">B</a></nav></body></html>`))
	})
	cfg := testConfig(t.TempDir(), s.url("/sitemap.xml"))
	w := newMemWriter()
	sum, events := runSync(t, cfg, w)
	got := outcomes(events)
	for path, want := range map[string]string{
		"/ok":        "added",
		"/error":     "failed: the server answered 500 Internal Server Error",
		"/loop":      "failed: more than 5 redirects",
		"/huge":      "failed: too large: larger than 1048576 bytes",
		"/paper.pdf": "failed: not a web page: Content-Type application/pdf",
		"/links":     "failed: article html: no main content: the page has no article text, only navigation, headers and footers",
		"/missing":   "failed: the server answered 404 Not Found",
	} {
		if got[path] != want {
			t.Errorf("%s: %q, want %q", path, got[path], want)
		}
	}
	if ids := w.ids(); len(ids) != 1 || ids[0] != "ok" {
		t.Errorf("articles %v, want ok alone", ids)
	}
	if sum.Failed != 6 || len(sum.Failures) != 6 {
		t.Errorf("%+v, %d failures listed", countsOf(sum), len(sum.Failures))
	}
	// A page that failed is not remembered: the next run asks again.
	s.handle("/error", nil)
	sum, events = runSync(t, cfg, w)
	if got := outcomes(events)["/error"]; got != "added" {
		t.Errorf("/error, mended: %q", got)
	}
}

// A page that does not answer within Config.Timeout fails; the run waits
// no longer for it, and the site sees the request given up.
func TestSyncSlowPage(t *testing.T) {
	s := newSite(t)
	s.set("/slow", "/ok")
	gaveUp := make(chan struct{})
	s.handle("/slow", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // until the client gives up
		close(gaveUp)
	})
	cfg := testConfig(t.TempDir(), s.url("/sitemap.xml"))
	cfg.Timeout = time.Second // every request's: loopback answers the others at once
	sum, events := runSync(t, cfg, newMemWriter())
	if got := outcomes(events)["/slow"]; got != "failed: no answer within 1s" || sum.Added != 1 {
		t.Errorf("/slow: %q, %+v", got, countsOf(sum))
	}
	select { // the server's side of the timeout: the request was given up, not left open
	case <-gaveUp:
	case <-time.After(time.Minute):
		t.Error("the slow page's request was never given up")
	}
}

// An article put by hand is never deleted: not when sync replaced it
// from a page of the same id, not when that page is gone; and articles
// sync never saw stay too.
func TestSyncKeepsArticlesPutByHand(t *testing.T) {
	s := newSite(t)
	s.set("/blog/a", "/blog/hand")
	w := newMemWriter()
	w.arts["blog-hand"] = index.Source{ID: "blog-hand", Paragraphs: []string{"Put by hand."}}
	w.arts["001-seed"] = index.Source{ID: "001-seed", Text: "A seed\n\nIts text.\n"}
	cfg := testConfig(t.TempDir(), s.url("/sitemap.xml"))
	sum, events := runSync(t, cfg, w)
	if got := outcomes(events); got["/blog/hand"] != "changed" || got["/blog/a"] != "added" {
		t.Errorf("first run: %v", got)
	}
	s.unlist("/blog/hand")
	s.unlist("/blog/a")
	s.set("/blog/b")
	sum, events = runSync(t, cfg, w)
	got := outcomes(events)
	if got["/blog/hand"] != "skipped: it left its sitemap; its article was put by hand: kept" || got["/blog/a"] != "deleted: it left its sitemap" {
		t.Errorf("pages that left: %v", got)
	}
	if ids := w.ids(); strings.Join(ids, " ") != "001-seed blog-b blog-hand" {
		t.Errorf("articles %v, want 001-seed blog-b blog-hand", ids)
	}
	if sum.Deleted != 1 {
		t.Errorf("%+v", countsOf(sum))
	}
}

// A writer's refusal of one article fails that page; any other writer
// error stops the run, saying so, with what was done until then.
func TestSyncWriterErrors(t *testing.T) {
	s := newSite(t)
	s.set("/a", "/b", "/c")
	w := newMemWriter()
	w.err = func(src index.Source) error {
		if src.ID == "b" {
			return &RejectedError{errors.New("invalid_article: no")}
		}
		return nil
	}
	cfg := testConfig(t.TempDir(), s.url("/sitemap.xml"))
	cfg.Concurrency = 1
	sum, events := runSync(t, cfg, w)
	if got := outcomes(events); got["/b"] != "failed: invalid_article: no" || sum.Added != 2 {
		t.Errorf("a rejected article: %v", got)
	}
	s.set("/d", "/e")
	diskFull := errors.New("no space left on device")
	w.err = func(src index.Source) error {
		if src.ID == "d" || src.ID == "b" {
			return diskFull
		}
		return nil
	}
	sum, err := Run(context.Background(), cfg, w)
	if !errors.Is(err, diskFull) || !strings.Contains(err.Error(), "writing b: ") {
		t.Errorf("a writer's failure: %v", err)
	}
	if sum.Added != 0 || sum.Unchanged != 1 || sum.Interrupted {
		t.Errorf("stopped at b: %+v", sum)
	}
	if _, ok := w.arts["e"]; ok {
		t.Error("the run went on after the writer failed")
	}
}

// SIGINT or SIGTERM (ctx) stops a run between pages: what it wrote is
// remembered, and the next run does the rest.
func TestSyncInterrupted(t *testing.T) {
	s := newSite(t)
	s.set("/a", "/b", "/c")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.handle("/b", func(w http.ResponseWriter, r *http.Request) {
		cancel()
		<-r.Context().Done()
	})
	cfg := testConfig(t.TempDir(), s.url("/sitemap.xml"))
	cfg.Concurrency = 1
	w := newMemWriter()
	sum, err := Run(ctx, cfg, w)
	if !errors.Is(err, context.Canceled) || !sum.Interrupted || sum.Added != 1 || sum.Failed != 0 {
		t.Errorf("interrupted: %v, %+v", err, sum)
	}
	if requests, _ := s.counts(); requests["/c"] != 0 {
		t.Error("a page was asked for after the interruption")
	}
	s.handle("/b", nil)
	sum, _ = runSync(t, cfg, w)
	if got, want := countsOf(sum), (counts{Added: 2, Unchanged: 1}); got != want {
		t.Errorf("the next run: %+v, want %+v", got, want)
	}
}

// One run of a data directory at a time: a second is refused at once.
func TestSyncBusy(t *testing.T) {
	dir := t.TempDir()
	st, err := openState(dir + "/" + StateFile)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	began := time.Now()
	_, err = Run(context.Background(), testConfig(dir, "http://127.0.0.1:1/sitemap.xml"), newMemWriter())
	if !errors.Is(err, ErrBusy) {
		t.Errorf("a second run: %v, want ErrBusy", err)
	}
	if stateLockTimeout > 5*time.Second || time.Since(began) > time.Minute {
		t.Errorf("stateLockTimeout %v", stateLockTimeout)
	}
	if fi, err := os.Stat(dir + "/" + StateFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the state file: %v %v", fi, err)
	}
}
