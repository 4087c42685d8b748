package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"nmnsearch/cmd/nmnsearch/internal/sitesync"
	"nmnsearch/index"
	"nmnsearch/seeds"
)

// clinicSite is a clinic's site on loopback: pages from index/extract's
// fixtures, a sitemap listing them, and counts of what it was asked.
type clinicSite struct {
	srv    *httptest.Server
	mu     sync.Mutex
	pages  map[string][]byte // path -> HTML
	bodies int               // pages sent whole
	hook   func(path string) // when set, runs as a page is asked for
}

func newClinicSite(t *testing.T, pages map[string][]byte) *clinicSite {
	s := &clinicSite{pages: pages}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow: /wp-admin/\n")
			return
		case "/sitemap.xml":
			fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
			var paths []string
			for p := range s.pages {
				paths = append(paths, p)
			}
			slices.Sort(paths)
			for _, p := range paths {
				fmt.Fprintf(w, "<url><loc>%s%s</loc></url>", s.srv.URL, p)
			}
			fmt.Fprint(w, "</urlset>")
			return
		}
		if s.hook != nil {
			hook := s.hook
			s.mu.Unlock()
			hook(r.URL.Path)
			s.mu.Lock()
		}
		html, ok := s.pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		etag := fmt.Sprintf(`"%x"`, len(html)) // enough for pages that differ in length
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		s.bodies++
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(html)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *clinicSite) set(path string, html []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if html == nil {
		delete(s.pages, path)
	} else {
		s.pages[path] = html
	}
}

// sent returns the pages sent whole since the last call.
func (s *clinicSite) sent() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.bodies
	s.bodies = 0
	return n
}

func wantLines(t *testing.T, what, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("%s: output lacks %q:\n%s", what, w, out)
		}
	}
}

// sync into a data directory: pages added with ingest's ids and their
// url, an unchanged site costing no page, a changed page replaced, a
// removed one deleted, and articles put by hand and the seeds left alone.
func TestSyncOffline(t *testing.T) {
	site := newClinicSite(t, map[string][]byte{
		"/column/sleep-quality/": fixturePage(t, "wp-ja.html"),
		"/health/blood-sugar":    fixturePage(t, "wp-en.html"),
	})
	data := t.TempDir()
	// An article put by hand, before any sync.
	if out, err := runCmd(t, nil, "ingest", "-data", data, filepath.Join(writeArticles(t, map[string]string{"200_a.txt": ingestA}), "200_a.txt")); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	sitemap := site.srv.URL + "/sitemap.xml"
	out, err := runCmd(t, nil, "sync", "-data", data, "-delay", "0", sitemap)
	if err != nil {
		t.Fatalf("sync: %v\n%s", err, out)
	}
	host := "127-0-0-1"
	wantLines(t, "first sync", out,
		"gathered 2 pages from 1 sitemap or feed, and 0 known pages no longer listed\n",
		"added "+host+"-column-sleep-quality "+site.srv.URL+"/column/sleep-quality/\n",
		"added "+host+"-health-blood-sugar ",
		"synced 2 pages into "+data+": 2 added, 0 changed, 0 unchanged, 0 deleted, 0 skipped, 0 failed; 4 requests, 2 pages fetched")
	if _, err := os.Stat(filepath.Join(data, sitesync.StateFile)); err != nil {
		t.Errorf("the state: %v", err)
	}
	if site.sent() != 2 {
		t.Error("the first sync did not fetch each page once")
	}

	out, err = runCmd(t, nil, "sync", "-data", data, "-delay", "0", sitemap)
	if err != nil || site.sent() != 0 {
		t.Errorf("sync of an unchanged site: %v, pages sent whole %d\n%s", err, site.sent(), out)
	}
	wantLines(t, "second sync", out, "0 added, 0 changed, 2 unchanged, 0 deleted, 0 skipped, 0 failed; 4 requests, 0 pages fetched")

	site.set("/column/sleep-quality/", fixturePage(t, "wp-ja-2.html"))
	site.set("/health/blood-sugar", nil)
	out, err = runCmd(t, nil, "sync", "-data", data, "-delay", "0", sitemap)
	if err != nil {
		t.Fatalf("sync of a changed site: %v\n%s", err, out)
	}
	wantLines(t, "third sync", out, "changed "+host+"-column-sleep-quality ",
		"deleted "+host+"-health-blood-sugar "+site.srv.URL+"/health/blood-sugar: it left its sitemap",
		"1 changed, 0 unchanged, 1 deleted")

	ix, err := index.Open(data, seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	a, ok := ix.Article(host + "-column-sleep-quality")
	if !ok || a.Title != "健康診断で血糖値が高めと言われたら" || a.URL == "" {
		t.Errorf("the changed page's article: %v %q %q", ok, a.Title, a.URL)
	}
	if _, ok := ix.Article(host + "-health-blood-sugar"); ok {
		t.Error("the removed page's article is still there")
	}
	if _, ok := ix.Article("200-a"); !ok {
		t.Error("the article put by hand was deleted")
	}
	if n := len(ix.Articles()); n != 5 { // the three seeds, 200-a, the page
		t.Errorf("%d articles, want 5", n)
	}
}

// With the data directory open in a server, sync writes through its
// admin API: PUTs and DELETEs, the article put by hand left alone.
func TestSyncThroughServer(t *testing.T) {
	site := newClinicSite(t, map[string][]byte{
		"/column/sleep-quality/": fixturePage(t, "wp-ja.html"),
		"/health/blood-sugar":    fixturePage(t, "wp-en.html"),
	})
	data := t.TempDir()
	p := startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-data", data}, map[string]string{"NMNSEARCH_ADMIN_TOKEN": adminTestToken})
	waitReady(t, p.base)
	if status, body := putArticle(t, p.base, "200-hand", "Put by hand", "The zebrafinch paragraph was put by hand."); status != http.StatusCreated {
		t.Fatalf("PUT by hand: %d %s", status, body)
	}
	env := map[string]string{"NMNSEARCH_ADMIN_TOKEN": adminTestToken, "NMNSEARCH_ADDR": strings.TrimPrefix(p.base, "http://")}
	sitemap := site.srv.URL + "/sitemap.xml"
	out, err := runCmd(t, env, "sync", "-data", data, "-delay", "0", sitemap)
	if err != nil {
		t.Fatalf("sync through the server: %v\n%s", err, out)
	}
	wantLines(t, "sync through the server", out, data+" is open in a running server: writing through "+p.base,
		"added 127-0-0-1-column-sleep-quality ", "synced 2 pages into "+p.base+": 2 added")
	if hits := hitIDs(t, p.base, "睡眠"); len(hits) == 0 {
		t.Error("the synced page is not found")
	}
	site.set("/column/sleep-quality/", nil)
	out, err = runCmd(t, env, "sync", "-data", data, "-delay", "0", sitemap)
	if err != nil || !strings.Contains(out, "deleted 127-0-0-1-column-sleep-quality") {
		t.Errorf("sync of a site with a page gone: %v\n%s", err, out)
	}
	if status, _ := httpDo(t, "GET", p.base+"/api/articles/127-0-0-1-column-sleep-quality", ""); status != http.StatusNotFound {
		t.Errorf("the removed page's article: %d, want 404", status)
	}
	if status, _ := httpDo(t, "GET", p.base+"/api/articles/200-hand", ""); status != http.StatusOK {
		t.Errorf("the article put by hand: %d, want 200", status)
	}
}

// A failing page makes the exit status say so; the others are written.
func TestSyncPageFails(t *testing.T) {
	site := newClinicSite(t, map[string][]byte{
		"/column/sleep-quality/": fixturePage(t, "wp-ja.html"),
		"/links":                 fixturePage(t, "no-content.html"),
	})
	data := t.TempDir()
	out, err := runCmd(t, nil, "sync", "-data", data, "-delay", "0", site.srv.URL+"/sitemap.xml")
	if err == nil || err.Error() != "sync: 1 failed (see above); the rest were synced" {
		t.Errorf("sync with a page that fails: %v", err)
	}
	wantLines(t, "a page that fails", out, "failed "+site.srv.URL+"/links: article html: no main content", "1 added")
}

// SIGINT or SIGTERM stops sync between pages, saying what it wrote.
func TestSyncInterruptedCmd(t *testing.T) {
	site := newClinicSite(t, map[string][]byte{
		"/a": fixturePage(t, "wp-ja.html"),
		"/b": fixturePage(t, "wp-en.html"),
		"/c": fixturePage(t, "skin-ja.html"),
	})
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	site.hook = func(path string) {
		if path == "/b" {
			cancel(errors.New("interrupt signal received"))
		}
	}
	data := t.TempDir()
	var stdout bytes.Buffer
	err := run(ctx, []string{"nmnsearch", "sync", "-data", data, "-delay", "0", "-concurrency", "1", site.srv.URL + "/sitemap.xml"},
		fakeEnv(nil), &stdout, &stdout)
	want := "sync: interrupted (interrupt signal received): 1 added, 0 changed, 0 deleted, each whole; run sync again for the rest"
	if err == nil || err.Error() != want {
		t.Errorf("interrupted: %v, want %q\n%s", err, want, &stdout)
	}
	site.hook = nil
	out, err := runCmd(t, nil, "sync", "-data", data, "-delay", "0", site.srv.URL+"/sitemap.xml")
	if err != nil || !strings.Contains(out, "2 added, 0 changed, 1 unchanged") {
		t.Errorf("the next sync: %v\n%s", err, out)
	}
}

func TestSyncRefusals(t *testing.T) {
	data := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sync", "-data", data}, "name the sitemaps, feeds or pages"},
		{[]string{"sync", "-data=", "https://clinic.example/sitemap.xml"}, `-data is ""`},
		{[]string{"sync", "-data", data, "-match", "(", "https://clinic.example/sitemap.xml"}, "-match: error parsing regexp"},
		{[]string{"sync", "-data", data, "-concurrency", "9", "https://clinic.example/sitemap.xml"}, "concurrency 9: want 1 to 8"},
		{[]string{"sync", "-data", data, "-delay", "-1s", "https://clinic.example/sitemap.xml"}, "delay -1s"},
		{[]string{"sync", "-data", data, "clinic.example/sitemap.xml"}, "not an absolute http or https URL"},
		{[]string{"sync", "-data", data, "https://clinic.example/sitemap.xml", "-delay", "0"}, "flags go before them"},
	} {
		if out, err := runCmd(t, nil, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q\n%s", tc.args, err, tc.want, out)
		}
	}
	if entries, _ := os.ReadDir(data); len(entries) != 0 {
		t.Errorf("a refused sync left %v", entries)
	}
}

// On a terminal, a count redrawn in place under the lines; elsewhere,
// plain lines, with how far the run is every plainProgressEvery pages.
func TestSyncProgress(t *testing.T) {
	events := []sitesync.Event{
		{Outcome: sitesync.Gathered, Total: 250, Reason: "250 pages from 1 sitemap or feed, and 0 known pages no longer listed"},
		{URL: "https://clinic.example/a", ID: "clinic-example-a", Outcome: sitesync.Added, Done: 1, Total: 250},
	}
	for i := 2; i <= 250; i++ {
		events = append(events, sitesync.Event{URL: "https://clinic.example/p", Outcome: sitesync.Unchanged, Done: i, Total: 250})
	}
	var plain, tty bytes.Buffer
	for _, out := range []*bytes.Buffer{&plain, &tty} {
		p := newSyncProgress(out, out == &tty)
		for _, e := range events {
			p.event(e)
		}
		p.done()
	}
	if want := "gathered 250 pages from 1 sitemap or feed, and 0 known pages no longer listed\n" +
		"added clinic-example-a https://clinic.example/a\nchecked 100 of 250 pages\nchecked 200 of 250 pages\n"; plain.String() != want {
		t.Errorf("plain:\n%q\nwant\n%q", plain.String(), want)
	}
	got := tty.String()
	if !strings.Contains(got, "added clinic-example-a https://clinic.example/a\n\r[1/250] 1 added") ||
		!strings.Contains(got, "\r\x1b[K\r[250/250] 1 added, 0 changed, 249 unchanged, 0 deleted, 0 failed\x1b[K\r\x1b[K") ||
		strings.Contains(got, "checked") {
		t.Errorf("terminal: %q", got[max(0, len(got)-300):])
	}
	if plainProgressEvery < 10 {
		t.Errorf("plainProgressEvery %d", plainProgressEvery)
	}
	if isTerminal(&plain) {
		t.Error("a buffer is a terminal")
	}
}
