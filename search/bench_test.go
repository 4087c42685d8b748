package search

import (
	"context"
	"testing"
)

// BenchmarkSearch measures one full search as the API answers it: top 10,
// highlights, both facets. Reproduce with
//
//	go test ./search -run '^$' -bench BenchmarkSearch -benchmem
func BenchmarkSearch(b *testing.B) {
	s := seedSearch(b)
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		req  Request
	}{
		{"ja", Request{Q: "メラトニン"}},
		{"en", Request{Q: "melatonin"}},
		{"symbol", Request{Q: "NAD+"}},
		{"mixed", Request{Q: "NAD+ 睡眠"}},
		{"filtered", Request{Q: "NAD+", Topics: []string{"sleep"}, Lang: "ja"}},
		{"no-match", Request{Q: "ビタミンD"}},
		{"kanji", Request{Q: "眠"}},  // predictive: bigrams it starts and ends
		{"forms", Request{Q: "整う"}}, // found only as 整い, 整っ (base forms)
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Search(ctx, bc.req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHighlight measures snippet building for a long Japanese paragraph.
func BenchmarkHighlight(b *testing.B) {
	text := "NAD+は、体内のサーカディアンリズム(概日リズム、体内時計)の調節においても重要です。概日リズムは、睡眠と覚醒のサイクルを制御し、これが乱れると睡眠不足や不眠症につながり、精神的な健康にも悪影響を及ぼします。"
	spans := spansOf(text, "睡眠")
	b.ReportAllocs()
	for b.Loop() {
		Highlight(text, spans)
	}
}

// BenchmarkSuggest measures one completion: go test ./search -run '^$' -bench BenchmarkSuggest -benchmem
func BenchmarkSuggest(b *testing.B) {
	s := seedSearch(b)
	for _, q := range []string{"mela", "メラ", "s"} {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Suggest(q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
