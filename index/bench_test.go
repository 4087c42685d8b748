package index

import (
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// BenchmarkIndex parses the three seed articles and builds an in-memory
// scorch index of their paragraphs (index.Build). Reproduce with
//
//	go test ./index -run '^$' -bench . -benchtime 3x
//
// Each benchmark here also reports paragraphs/s: the paragraphs indexed
// (160 for the seeds, after site chrome is dropped) per second of the loop.
//
// The IPA dictionary of the base-form analyzer is loaded once per process
// (about a second, 58 MB of heap once compacted), before the timed loop: the log line
// "index built dur_ms" of cmd/nmnsearch shows that start-up cost.
func BenchmarkIndex(b *testing.B) {
	fsys := os.DirFS("testdata")
	paras := paragraphsIn(b, fsys)
	newMapping().AnalyzerNamed(AnalyzerJABase).Analyze([]byte("辞書を読み込む"))
	b.ReportAllocs()
	for b.Loop() {
		ix, err := Build(fsys)
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
	reportParagraphs(b, paras)
}

// paragraphsIn returns how many paragraphs the article files of fsys have.
func paragraphsIn(b *testing.B, fsys fs.FS) int {
	arts, err := ReadArticles(fsys)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, a := range arts {
		n += len(a.Paragraphs)
	}
	return n
}

// reportParagraphs reports paragraphs/s for a loop that indexed perOp
// paragraphs an iteration.
func reportParagraphs(b *testing.B, perOp int) {
	b.ReportMetric(float64(perOp)*float64(b.N)/b.Elapsed().Seconds(), "paragraphs/s")
}

// BenchmarkOpen opens the data directory of the three seeds that an
// earlier Open built: the store's parses are loaded and the scorch index
// opened, nothing parsed or analyzed (so no paragraphs/s). Reproduce with
//
//	go test ./index -run '^$' -bench 'BenchmarkOpen|BenchmarkPut' -benchtime 3x
func BenchmarkOpen(b *testing.B) {
	dir := b.TempDir()
	ix, err := Open(dir, os.DirFS("testdata"))
	if err != nil {
		b.Fatal(err)
	}
	ix.Close()
	b.ReportAllocs()
	for b.Loop() {
		ix, err := Open(dir, os.DirFS("testdata"))
		if err != nil {
			b.Fatal(err)
		}
		if ix.OpenInfo().Rebuilt {
			b.Fatal("rebuilt")
		}
		ix.Close()
	}
}

// BenchmarkOpenBuild builds a new data directory from the three seeds: the
// store seeded, every article parsed, measured and indexed, the index
// persisted. The IPA dictionary is loaded before the timed loop, as in
// BenchmarkIndex.
func BenchmarkOpenBuild(b *testing.B) {
	paras := paragraphsIn(b, os.DirFS("testdata"))
	newMapping().AnalyzerNamed(AnalyzerJABase).Analyze([]byte("辞書を読み込む"))
	b.ReportAllocs()
	for b.Loop() {
		ix, err := Open(b.TempDir(), os.DirFS("testdata"))
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
	reportParagraphs(b, paras)
}

// BenchmarkPut replaces one seed article (the Japanese sleep article, 94
// paragraphs) in an index opened in memory and in a data directory
// (Open(dir, seeds) then Put), where each Put is an fsynced bbolt commit
// before the bleve batch.
func BenchmarkPut(b *testing.B) {
	arts, err := ReadArticles(os.DirFS("testdata"))
	if err != nil {
		b.Fatal(err)
	}
	for _, dir := range []string{"", "disk"} {
		name := "memory"
		if dir != "" {
			name, dir = dir, b.TempDir()
		}
		b.Run(name, func(b *testing.B) {
			ix, err := Open(dir, os.DirFS("testdata"))
			if err != nil {
				b.Fatal(err)
			}
			defer ix.Close()
			b.ReportAllocs()
			for b.Loop() {
				if err := ix.Put(arts[2]); err != nil {
					b.Fatal(err)
				}
			}
			reportParagraphs(b, len(arts[2].Paragraphs))
		})
	}
}

// BenchmarkPutLargest puts, into a data directory, an article of
// MaxTextBytes in MaxParagraphs lines: the seeds' paragraphs in turn,
// numbered so that none is a copy (issue 20 measured 18 s for 200,000
// characters).
//
//	go test ./index -run '^$' -bench PutLargest -benchtime 3x
func BenchmarkPutLargest(b *testing.B) {
	arts, err := ReadArticles(os.DirFS("testdata"))
	if err != nil {
		b.Fatal(err)
	}
	var paras []string
	for _, a := range arts {
		for _, p := range a.Paragraphs {
			paras = append(paras, p.Text)
		}
	}
	var text strings.Builder
	text.WriteString("Largest\n")
	lineBytes, line := MaxTextBytes/(MaxParagraphs-1), 0
	for i := 0; ; i++ {
		p := fmt.Sprintf("(%d) %s ", i, paras[i%len(paras)])
		if text.Len()+len(p)+1 > MaxTextBytes {
			break
		}
		text.WriteString(p)
		if text.Len()-line >= lineBytes {
			text.WriteByte('\n')
			line = text.Len()
		}
	}
	ix, err := Open(b.TempDir(), os.DirFS("testdata"))
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	src := Source{ID: "largest", Text: text.String()}
	b.ReportAllocs()
	for b.Loop() {
		if err := ix.PutSource(src); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(utf8.RuneCountInString(src.Text))*float64(b.N)/b.Elapsed().Seconds(), "chars/s")
}
