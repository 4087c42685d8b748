package index

import (
	"os"
	"testing"
)

// BenchmarkIndex parses the three seed articles and builds an in-memory
// scorch index of their paragraphs. Reproduce with
//
//	go test ./index -run '^$' -bench BenchmarkIndex -benchmem
//
// The IPA dictionary of the base-form analyzer is loaded once per process
// (about a second, some 90 MB of heap), before the timed loop: the log line
// "index built dur_ms" of cmd/nmnsearch shows that start-up cost.
func BenchmarkIndex(b *testing.B) {
	fsys := os.DirFS("testdata")
	NewMapping().AnalyzerNamed(AnalyzerJABase).Analyze([]byte("辞書を読み込む"))
	b.ReportAllocs()
	for b.Loop() {
		ix, err := Build(fsys)
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}
