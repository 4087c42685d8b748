package search

import (
	"os"
	"sync"
	"testing"

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
			seedService = New(ix)
		}
	})
	if seedErr != nil {
		tb.Fatal(seedErr)
	}
	return seedService
}
