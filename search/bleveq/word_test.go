package bleveq

import (
	"math"
	"testing"

	"nmnsearch/index"
)

// A word scores by how often it stands in the paragraph, not by how often
// its bigrams do: メラニン's メラ and ニン add nothing to メラトニン, and a
// paragraph that says it twice ranks above one that says it once, at the
// same length; whether positions come with the search (rescoredSearcher)
// or not (wordSearcher, which package search's locate follows). A
// tripwire: wordScorer copies bleve's BM25 statistics.
func TestWordScoresByItsFrequency(t *testing.T) {
	f := over(t, "800_word.txt", "語の頻度", "",
		"メラトニンの話。メラニン。", "", // A
		"メラトニンの話。ケラチン。", "", // B: as long, no メラ or ニン besides
		"メラトニンとメラトニン。", "", // C: twice
		"メラトニンとケラチンの。") // D: as long as C, once
	q := WithStats(f.phrase(f.analyze(index.AnalyzerJAQuery, "メラトニン"), index.FieldJA), f.stats(index.FieldJA))
	var byMode []map[string]float64
	for _, withLocations := range []bool{true, false} {
		score := map[string]float64{}
		for _, h := range f.run(t, q, withLocations) {
			score[f.text(h.id)] = h.score
		}
		if len(score) != 4 {
			t.Fatalf("positions %v: %d hits, want the 4 paragraphs: %v", withLocations, len(score), score)
		}
		a, b := score["メラトニンの話。メラニン。"], score["メラトニンの話。ケラチン。"]
		c, d := score["メラトニンとメラトニン。"], score["メラトニンとケラチンの。"]
		if math.Abs(a-b) > 1e-9 {
			t.Errorf("positions %v: with メラニン %f, without %f: want the same", withLocations, a, b)
		}
		if c <= d {
			t.Errorf("positions %v: twice %f, once %f: want twice above", withLocations, c, d)
		}
		byMode = append(byMode, score)
	}
	for text, sc := range byMode[0] {
		if math.Abs(sc-byMode[1][text]) > 1e-9 {
			t.Errorf("%s: %f with positions, %f without", text, sc, byMode[1][text])
		}
	}
}

// occurrences counts as positions do: overlapping occurrences too,
// none that only share the anchor byte, and no more than asked for.
func TestOccurrences(t *testing.T) {
	tests := []struct {
		text, word string
		most, want int
	}{
		{"あああ", "ああ", 9, 2},
		{"メラトニンとメラトニン", "メラトニン", 9, 2},
		{"メラトニンとメラトニン", "メラトニン", 1, 1},
		{"メラニンとメラトニン", "メラトニン", 9, 1},
		{"メ", "メラ", 9, 0},        // the anchor byte at the very end
		{"ちラトニン", "メラトニン", 9, 0}, // ち ends in A1 as メ does
		{"", "メラ", 9, 0},
	}
	for _, tt := range tests {
		if got := occurrences(tt.text, tt.word, tt.most, nil); got != tt.want {
			t.Errorf("occurrences(%q, %q, %d) = %d, want %d", tt.text, tt.word, tt.most, got, tt.want)
		}
	}
}
