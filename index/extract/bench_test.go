package extract

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkText classifies a scraped page of 20,000 lines, short and long
// in turn: the cost must grow with the lines, not with their square.
//
//	go test ./index/extract -run '^$' -bench . -benchmem
func BenchmarkText(b *testing.B) {
	var page strings.Builder
	for i := range 20_000 {
		if i%3 == 0 {
			fmt.Fprintf(&page, "Paragraph %d says that sleep and blood sugar are linked, and that a regular bedtime helps.\n", i)
		} else {
			fmt.Fprintf(&page, "item %d\n", i)
		}
	}
	text := page.String()
	b.ReportAllocs()
	for b.Loop() {
		Text(text, Options{})
	}
}

// BenchmarkHTML extracts the article of a WordPress-like page.
func BenchmarkHTML(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("testdata", "wp-ja.html"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := HTML(strings.NewReader(string(raw)), nil, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
