package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// syncSite is a clinic's site: a sitemap of two articles.
func syncSite(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	var site *httptest.Server
	mux.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`+
			`<url><loc>%[1]s/blog/kiwi</loc></url><url><loc>%[1]s/blog/wombat</loc></url></urlset>`, site.URL)
	})
	page := func(word string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<html><head><title>%[1]s notes | Clinic</title></head><body><nav><a href="/">Home</a></nav>
<article><h1>%[1]s notes</h1><p>The %[1]szyx paragraph says that sleep matters to every patient we see at the clinic.</p>
<p>A second paragraph about %[1]szyx and rest, long enough to read as prose in any page of the site.</p></article></body></html>`, word)
		}
	}
	mux.HandleFunc("/blog/kiwi", page("kiwi"))
	mux.HandleFunc("/blog/wombat", page("wombat"))
	site = httptest.NewServer(mux)
	t.Cleanup(site.Close)
	return site
}

// serve -sync syncs the site at start, logs it, counts it in /metrics and
// shows it at GET /api/admin/sync; its articles are found.
func TestRunSyncsItsSite(t *testing.T) {
	site := syncSite(t)
	token := strings.Repeat("s", 32)
	p := startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-data", t.TempDir(), "-sync", site.URL + "/sitemap.xml"},
		map[string]string{"NMNSEARCH_ADMIN_TOKEN": token})
	waitReady(t, p.base)
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(p.stdout.String(), `msg="site synced"`) {
		if time.Now().After(deadline) {
			t.Fatalf("no sync logged:\n%s", p.stdout)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if a := fetch(p.base + "/api/search?q=wombatzyx"); a.status != http.StatusOK || !strings.Contains(a.body, `"articles":1`) {
		t.Errorf("a synced page's word: %d %.200s", a.status, a.body)
	}
	req, _ := http.NewRequest("GET", p.base+"/api/admin/sync", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st struct {
		URLs    []string
		Every   string
		Running bool
		Next    *time.Time
		Last    *struct{ Added, Failed int }
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/admin/sync: %d %v", resp.StatusCode, err)
	}
	if st.Last == nil || st.Last.Added != 2 || st.Last.Failed != 0 || st.Every != "1h0m0s" || st.Next == nil || len(st.URLs) != 1 {
		t.Errorf("GET /api/admin/sync: %+v (last %+v)", st, st.Last)
	}
	m := fetch(p.base + "/metrics").body
	for _, want := range []string{`sync_pages_total{outcome="added"} 2`, "sync_last_success_timestamp_seconds 1"} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// -sync is refused where it cannot keep its state or write.
func TestRunSyncFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-data", "", "-sync", "http://127.0.0.1:1/sitemap.xml"},
		{"-data", t.TempDir(), "-read-only", "-sync", "http://127.0.0.1:1/sitemap.xml"},
		{"-data", t.TempDir(), "-sync", "http://127.0.0.1:1/sitemap.xml", "-sync-every", "1s"},
	} {
		if _, err := runCmd(t, nil, args...); err == nil || !strings.Contains(err.Error(), "-sync") {
			t.Errorf("%q: %v, want a refusal naming -sync", args, err)
		}
	}
}
