package search

import (
	"os"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"nmnsearch/index"
)

var (
	seedOnce    sync.Once
	seedService *Service
	seedErr     error
)

// seedSearch returns a Service over the three seed articles in
// index/testdata, built once per test binary.
func seedSearch(tb testing.TB) *Service {
	tb.Helper()
	seedOnce.Do(func() {
		var ix *index.Index
		ix, seedErr = index.Build(os.DirFS("../index/testdata"))
		if seedErr == nil {
			seedService = New(ix, nil)
		}
	})
	if seedErr != nil {
		tb.Fatal(seedErr)
	}
	return seedService
}

// serviceOver returns a Service over one article of these lines, stored as
// the file name in an in-memory file system.
func serviceOver(t *testing.T, name string, lines ...string) *Service {
	t.Helper()
	ix, err := index.Build(fstest.MapFS{name: {Data: []byte(strings.Join(lines, "\n"))}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return New(ix, nil)
}

// now returns a builder on the index's snapshot of the moment, for tests
// that look at queries outside a search (no write runs meanwhile).
func (s *Service) now() *builder {
	var b *builder
	s.ix.View(func(v *index.Snapshot) error {
		b = &builder{Service: s, v: v}
		return nil
	})
	return b
}
