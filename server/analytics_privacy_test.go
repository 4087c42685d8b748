package server_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"nmnsearch/server"
	"nmnsearch/server/analytics"
)

// TestAnalyticsKeepsNothingOfThePerson sends events with a distinctive
// address, X-Forwarded-For, cookie, user agent, referrer and origin, and
// finds none of them in analytics.db's bytes nor anywhere in the store's
// memory, where the queries are.
func TestAnalyticsKeepsNothingOfThePerson(t *testing.T) {
	person := map[string]string{
		"address":         "203.0.113.77",
		"X-Forwarded-For": "198.51.100.23",
		"cookie":          "c00kie-s3cret-7788",
		"User-Agent":      "PrivacyProbe-4455",
		"Referer":         "referrer.example/private-page-3344",
		"Origin":          "https://origin-6677.example",
	}
	for _, dir := range []string{"data directory", "in memory"} {
		t.Run(dir, func(t *testing.T) {
			var path string
			if dir == "data directory" {
				path = t.TempDir()
			}
			// -trust-proxy: the server reads X-Forwarded-For as the
			// client, for its rate limit; analytics never sees it.
			e := newAnalyticsEnv(t, path, server.WithTrustProxy(true), server.WithRateLimit(100, 100))
			headers := []string{
				"Remote-Addr", person["address"] + ":40404",
				"X-Forwarded-For", person["X-Forwarded-For"],
				"Cookie", "session=" + person["cookie"],
				"User-Agent", "Mozilla/5.0 " + person["User-Agent"],
				"Referer", "https://" + person["Referer"] + "?q=melatonin",
				"Origin", person["Origin"],
			}
			for day := range 3 {
				for _, body := range []string{
					`{"t":"search","q":"quokkasleep メラトニン","topics":["sleep"],"lang":"ja","hits":10,"articles":1}`,
					`{"t":"search","q":"wombatdose","topics":[],"lang":"en","hits":0,"articles":0}`,
					`{"t":"click","q":"quokkasleep メラトニン","topics":["sleep"],"lang":"ja","article":"002-d25f1ed27a07bf50","pos":2}`,
				} {
					rec := post(t, e.h, body, headers...)
					wantNoContent(t, rec, body)
					if rec.Header().Get("Set-Cookie") != "" {
						t.Errorf("an event answered with Set-Cookie %q", rec.Header().Get("Set-Cookie"))
					}
				}
				if day < 2 {
					e.clock.NextDay()
				}
			}
			// The access log's lines of the events leave the address out:
			// they would tie an address to searching.
			for _, l := range logLines(t, e.logs) {
				if l["route"] == "/api/events" && l["client"] != "-" {
					t.Errorf("an event's access-log line names the client %v", l["client"])
				}
			}
			// Past days are in the file, today in memory (and in the
			// file once flushed).
			memory := storeStrings(e.store)
			if err := e.store.Close(); err != nil {
				t.Fatal(err)
			}
			kept := map[string][]byte{"memory": memory}
			if path != "" {
				b, err := os.ReadFile(filepath.Join(path, analytics.FileName))
				if err != nil {
					t.Fatal(err)
				}
				kept[analytics.FileName] = b
			}
			for where, b := range kept {
				// The queries are there: the search looks at real content.
				for _, q := range []string{"quokkasleep メラトニン", "wombatdose"} {
					if !bytes.Contains(b, []byte(q)) {
						t.Errorf("%s: the query %q is not there (%d bytes): the test looks in the wrong place", where, q, len(b))
					}
				}
				for what, s := range person {
					if bytes.Contains(b, []byte(s)) {
						t.Errorf("%s holds the %s %q", where, what, s)
					}
				}
				// Nor the lang: checked and dropped. (The article a click
				// opened is kept: the clinic's, not the reader's.)
				if bytes.Contains(b, []byte(`"ja"`)) {
					t.Errorf("%s holds the lang", where)
				}
			}
		})
	}
}

// storeStrings is every string and byte slice reachable from s, through
// pointers, structs, slices, maps and interfaces, exported or not: all the
// store holds in memory. bbolt's DB is left out: it maps the file, which
// the test reads whole.
func storeStrings(s *analytics.Store) []byte {
	var out bytes.Buffer
	seen := map[uintptr]bool{}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() || seen[v.Pointer()] || strings.HasPrefix(v.Type().Elem().PkgPath(), "go.etcd.io/bbolt") {
				return
			}
			seen[v.Pointer()] = true
			walk(v.Elem())
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			for i := range v.NumField() {
				walk(v.Field(i))
			}
		case reflect.Slice, reflect.Array:
			if v.Type().Elem().Kind() == reflect.Uint8 && v.Kind() == reflect.Slice {
				out.Write(v.Bytes())
				out.WriteByte('\n')
				return
			}
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Map:
			it := v.MapRange()
			for it.Next() {
				walk(it.Key())
				walk(it.Value())
			}
		case reflect.String:
			out.WriteString(v.String())
			out.WriteByte('\n')
		}
	}
	walk(reflect.ValueOf(s))
	return out.Bytes()
}
