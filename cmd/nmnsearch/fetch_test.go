package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"

	"nmnsearch/index"
)

func fixturePage(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "index", "extract", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// ingest takes a folder of web pages beside text files: each page's
// article, its title from the page, its furniture counted as dropped.
func TestIngestHTMLFolder(t *testing.T) {
	data := t.TempDir()
	dir := writeArticles(t, map[string]string{
		"wp-ja.html":   string(fixturePage(t, "wp-ja.html")),
		"wp-ja-2.HTM":  string(fixturePage(t, "wp-ja-2.html")),
		"skin-ja.html": string(fixturePage(t, "skin-ja.html")),
		"200_a.txt":    ingestA,
	})
	out, err := runCmd(t, nil, "ingest", "-data", data, "-dropped", dir)
	if err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	for _, want := range []string{
		`created wp-ja: `, `"睡眠の質を高めるために今夜からできること"`,
		`created wp-ja-2: `, `"健康診断で血糖値が高めと言われたら"`,
		`created skin-ja: `, `created 200-a: 3 paragraphs, 0 lines dropped`,
		"  dropped (contents): 目次", "ingested 4 articles",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("ingest output lacks %q:\n%s", want, out)
		}
	}
	// A folder with a page that has no article: nothing written.
	bad := writeArticles(t, map[string]string{"links.html": string(fixturePage(t, "no-content.html")), "201_b.txt": ingestB})
	if out, err := runCmd(t, nil, "ingest", "-data", data, bad); err == nil || !strings.Contains(err.Error(), "nothing written") ||
		!strings.Contains(err.Error(), "no main content") {
		t.Errorf("a page with no article: %v\n%s", err, out)
	}
}

// A site on loopback: pages that come in, and pages that fail each for
// its own reason, reported, while the others are written.
func TestIngestURLs(t *testing.T) {
	var agents []string
	sjis, err := encoding.ReplaceUnsupported(japanese.ShiftJIS.NewEncoder()).Bytes(bytes.ReplaceAll(fixturePage(t, "skin-ja.html"), []byte(`charset="utf-8"`), []byte(`charset="shift_jis"`)))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/column/sleep-quality/", func(w http.ResponseWriter, r *http.Request) {
		agents = append(agents, r.UserAgent())
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(fixturePage(t, "wp-ja.html"))
	})
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/en/blood-sugar", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/en/blood-sugar", func(w http.ResponseWriter, r *http.Request) { w.Write(fixturePage(t, "wp-en.html")) })
	mux.HandleFunc("/skin", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=Shift_JIS")
		w.Write(sjis)
	})
	mux.HandleFunc("/missing", http.NotFound)
	mux.HandleFunc("/paper.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.7"))
	})
	mux.HandleFunc("/links", func(w http.ResponseWriter, r *http.Request) { w.Write(fixturePage(t, "no-content.html")) })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		chunk := bytes.Repeat([]byte("<p>long page</p>"), 4096)
		for sent := 0; sent <= maxFetchBytes; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	site := httptest.NewServer(mux)
	defer site.Close()

	data := t.TempDir()
	urls := []string{"/column/sleep-quality/", "/old", "/skin", "/missing", "/paper.pdf", "/links", "/loop", "/huge"}
	args := []string{"ingest", "-data", data}
	for _, u := range urls {
		args = append(args, site.URL+u)
	}
	out, err := runCmd(t, nil, args...)
	if err == nil || !strings.Contains(err.Error(), "5 of 8 URLs failed") {
		t.Errorf("ingest: err = %v, want 5 of 8 URLs failed", err)
	}
	host := "127-0-0-1" // the id is the host's, without the port
	for _, want := range []string{
		"created " + host + "-column-sleep-quality: ", `"睡眠の質を高めるために今夜からできること"`,
		"created " + host + "-en-blood-sugar: ", `"Blood Sugar and Type 2 Diabetes: What Your Numbers Mean"`,
		"created " + host + "-skin: ", `"シミとくすみの違いと、毎日できるケア"`,
		"failed " + site.URL + "/missing: the server answered 404 Not Found",
		"failed " + site.URL + "/paper.pdf: not a web page: Content-Type application/pdf",
		"failed " + site.URL + "/links: article html: no main content",
		"failed " + site.URL + "/loop: ", "more than 5 redirects",
		"failed " + site.URL + "/huge: larger than",
		"ingested 3 articles into",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("ingest output lacks %q:\n%s", want, out)
		}
	}
	if len(agents) == 0 || agents[0] != fetchUserAgent {
		t.Errorf("User-Agent %q, want %q", agents, fetchUserAgent)
	}
	ix, err := index.Open(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	a, ok := ix.Article(host + "-en-blood-sugar")
	if !ok || a.URL != "https://www.brightwell.example.com/health/blood-sugar-type-2-diabetes" {
		t.Errorf("the redirected page: %+v", a)
	}
	if _, ok := ix.Article(host + "-links"); ok {
		t.Error("a page with no article was written")
	}
}

// A page that does not answer within the client's timeout fails, and
// takes no longer than that.
func TestFetchTimeout(t *testing.T) {
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	c := fetchClient()
	c.Timeout = 200 * time.Millisecond
	p := fetchPage(context.Background(), c, slow.URL+"/slow")
	if p.err == nil || !strings.Contains(p.err.Error(), "Timeout") {
		t.Errorf("slow page: %v", p.err)
	}
	if fetchTimeout <= 0 || fetchTimeout > time.Minute {
		t.Errorf("fetchTimeout %v", fetchTimeout)
	}
}

func TestArticleIDFromURL(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"https://www.clinic.example/blog/sleep-tips/", "clinic-example-blog-sleep-tips"},
		{"https://clinic.example/?p=754", "clinic-example-p-754"},
		{"https://clinic.example/blog/sleep.html", "clinic-example-blog-sleep"},
		{"https://clinic.example/" + strings.Repeat("very-long-slug-", 8), ""},
		{"https://clinic.example/column/%E7%9D%A1%E7%9C%A0", ""},
	} {
		u, _ := url.Parse(tt.in)
		got := articleIDFromURL(u)
		if !index.ValidID(got) || tt.want != "" && got != tt.want {
			t.Errorf("%s: id %q, want %q (valid)", tt.in, got, tt.want)
		}
		if again := articleIDFromURL(u); again != got {
			t.Errorf("%s: %q then %q", tt.in, got, again)
		}
	}
	a, _ := url.Parse("https://clinic.example/column/%E7%9D%A1%E7%9C%A0")
	b, _ := url.Parse("https://clinic.example/column/%E9%A3%9F%E4%BA%8B")
	if articleIDFromURL(a) == articleIDFromURL(b) {
		t.Errorf("two Japanese paths share the id %s", articleIDFromURL(a))
	}
}
