package main

import (
	"net/http"
	"regexp"
	"testing"
)

// The response cache is on by default (-cache-size 32MiB) and off with
// $NMNSEARCH_CACHE_SIZE=0; ETags are sent either way.
func TestRunCache(t *testing.T) {
	hits := regexp.MustCompile(`(?m)^search_cache_requests_total\{result="hit"\} (\d+)$`)
	for _, tc := range []struct {
		env      map[string]string
		wantHits string
	}{
		{map[string]string{"NMNSEARCH_RATE": "0"}, "1"},
		{map[string]string{"NMNSEARCH_RATE": "0", "NMNSEARCH_CACHE_SIZE": "0"}, "0"},
		{map[string]string{"NMNSEARCH_RATE": "0", "NMNSEARCH_CACHE_SIZE": "1MiB"}, "1"},
	} {
		base, _ := start(t, []string{"nmnsearch", "-addr", "127.0.0.1:0"}, tc.env)
		waitReady(t, base)
		var etags []string
		for range 2 {
			a := fetch(base + "/api/search?q=NAD%2B")
			if a.status != http.StatusOK {
				t.Fatalf("%v: search %d %s", tc.env, a.status, a.body)
			}
			etags = append(etags, a.header.Get("ETag"))
		}
		if etags[0] == "" || etags[0] != etags[1] {
			t.Errorf("%v: ETags %q, want one, twice", tc.env, etags)
		}
		m := hits.FindStringSubmatch(fetch(base + "/metrics").body)
		if m == nil || m[1] != tc.wantHits {
			t.Errorf("%v: cache hits %v, want %s", tc.env, m, tc.wantHits)
		}
	}
}

// -cache-size reads sizes with units and shows them so (the -h default).
func TestByteSizeFlag(t *testing.T) {
	for in, want := range map[string]string{
		"32MiB": "32MiB", "1048576": "1MiB", "1536KiB": "1536KiB", "3g": "3GiB", "1000": "1000", "0": "0",
	} {
		var b byteSize
		if err := b.Set(in); err != nil || b.String() != want {
			t.Errorf("-cache-size %s: %q, %v; want %q", in, b.String(), err, want)
		}
	}
}
