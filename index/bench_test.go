package index

import (
	"os"
	"testing"
)

// BenchmarkIndex parses the three seed articles and builds an in-memory
// scorch index of their paragraphs. Reproduce with
//
//	go test ./index -run '^$' -bench BenchmarkIndex -benchmem
func BenchmarkIndex(b *testing.B) {
	fsys := os.DirFS("testdata")
	b.ReportAllocs()
	for b.Loop() {
		ix, err := Build(fsys)
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}
