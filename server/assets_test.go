package server

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadAssetsHashesContent(t *testing.T) {
	files := func(module string) fstest.MapFS {
		return fstest.MapFS{
			"static/nmn-search.js": {Data: []byte(module)},
			"static/page.css":      {Data: []byte(strings.Repeat("body { color: red }\n", 20))},
		}
	}
	a, err := loadAssets(files("export const v = 1;\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := loadAssets(files("export const v = 2;\n"))
	if err != nil {
		t.Fatal(err)
	}
	pa, _ := a.path("nmn-search.js")
	pb, _ := b.path("nmn-search.js")
	if pa == pb || !strings.HasPrefix(pa, "/static/nmn-search.") || !strings.HasSuffix(pa, ".js") || len(pa) != len("/static/nmn-search..js")+hashDigits {
		t.Errorf("hashed paths %s and %s: want /static/nmn-search.<%d hex digits>.js, different for different content", pa, pb, hashDigits)
	}
	// The entry point follows the module; the stylesheet did not change.
	if got, want := string(a.widget.body), `export * from "./static/`; !strings.HasPrefix(got, want) || !strings.Contains(got, pa[1:]) {
		t.Errorf("/widget.js = %q, want a re-export of .%s", got, pa)
	}
	if a.widget.etag == b.widget.etag {
		t.Error("/widget.js keeps its ETag when the module changes")
	}
	ca, _ := a.path("page.css")
	cb, _ := b.path("page.css")
	if ca != cb {
		t.Errorf("page.css renamed (%s, %s) though it did not change", ca, cb)
	}
	// Small files are not worth gzip; the repeated CSS is.
	if a.byName["nmn-search.js"].gzipped != nil || a.byName["page.css"].gzipped == nil {
		t.Error("gzip kept for the tiny module or dropped for the stylesheet")
	}
	if _, err := a.path("nope.js"); err == nil {
		t.Error("path of an unknown file: no error")
	}

	for name, fsys := range map[string]fstest.MapFS{
		"unknown type":  {"static/nmn-search.js": {}, "static/x.exe": {}},
		"no widget":     {"static/page.css": {}},
		"no static dir": {},
	} {
		if _, err := loadAssets(fsys); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestWorthGzip(t *testing.T) {
	for _, tc := range []struct {
		plain, gzipped int
		want           bool
	}{
		{1000, 899, true},
		{1000, 900, false}, // saves only a tenth
		{1000, 1020, false},
		{0, 20, false},
	} {
		if got := worthGzip(tc.plain, tc.gzipped); got != tc.want {
			t.Errorf("worthGzip(%d, %d) = %v, want %v", tc.plain, tc.gzipped, got, tc.want)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	for _, tc := range []struct {
		header []string
		want   bool
	}{
		{nil, false},
		{[]string{"gzip, deflate, br"}, true},
		{[]string{"br;q=1.0, GZIP;q=0.5"}, true},
		{[]string{"deflate", "gzip"}, true},
		{[]string{"*"}, true},
		{[]string{"gzip;q=0"}, false},
		{[]string{"gzip;q=0.000"}, false},
		{[]string{"*;q=1, gzip;q=0"}, false}, // gzip named beats *
		{[]string{"identity"}, false},
		{[]string{"gzip;q=abc"}, false},
		{[]string{"gzip;Q=0"}, false}, // the parameter's name has no case
		{[]string{"gzip ; Q = 0.5"}, true},
	} {
		if got := acceptsGzip(tc.header); got != tc.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tc.header, got, tc.want)
		}
	}
}
