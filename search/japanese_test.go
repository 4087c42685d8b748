package search

import (
	"context"
	"math"
	"strings"
	"testing"
)

// Japanese terms searched as phrases of bigrams (bleveq.NewPhrase), through
// Search, with the positions of matches read with the search or by locate.

// A paragraph that holds every bigram of a word, but apart, does not match
// the word, whether positions come with the search or from locate.
func TestPhraseBigramsApart(t *testing.T) {
	s := serviceOver(t, "800_apart.txt", "バラバラ", "",
		"カメラを見た。ラトビアの首都。トニックを飲む。ニンジンを食べる。",
		"",
		"メラトニンは睡眠のホルモンです。")
	for _, apart := range []int{locateApartAbove, -1} {
		s.locateApartAbove = apart
		res, err := s.Search(context.Background(), Request{Q: "メラトニン"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 || len(res.Hits) != 1 || !strings.Contains(res.Hits[0].Highlight, "<mark>メラトニン</mark>") {
			t.Errorf("locateApartAbove %d: %d hits %+v; want the one paragraph that says メラトニン, marked", apart, res.Total, res.Hits)
		}
	}
}

// A word whose bigram repeats (ウト of ウトウト) scores by how often the
// word stands, with positions or without; and bigrams across a break in
// the query (睡眠・眠気) are not taken for one word (睡眠気): whether the
// positions of matches come with the search or from locate. (That they are
// searched as words or not: bleveq's TestWordOf.)
func TestWordEdgeCases(t *testing.T) {
	s := serviceOver(t, "900_edges.txt", "語の端", "",
		"ウトウトした。", "", "昼にウトウトして、夜もウトウトした。", "", "睡眠・眠気の話。")
	for q, want := range map[string]struct {
		hits int
		mark string
	}{"ウトウト": {2, "<mark>ウトウト</mark>"}, "睡眠・眠気": {1, "<mark>睡眠"}} {
		var scores []map[string]float64
		for _, apart := range []int{locateApartAbove, -1} {
			s.locateApartAbove = apart
			res, err := s.Search(context.Background(), Request{Q: q})
			if err != nil {
				t.Fatal(err)
			}
			m := map[string]float64{}
			for _, h := range res.Hits {
				m[h.ID] = h.Score
				if !strings.Contains(h.Highlight, want.mark) {
					t.Errorf("%s, locateApartAbove %d: want %s in %s", q, apart, want.mark, h.Highlight)
				}
			}
			if len(m) != want.hits {
				t.Fatalf("%s, locateApartAbove %d: %d hits, want %d", q, apart, len(m), want.hits)
			}
			scores = append(scores, m)
		}
		for id, sc := range scores[0] {
			if math.Abs(sc-scores[1][id]) > 1e-9 {
				t.Errorf("%s, %s: %f with positions, %f without", q, id, sc, scores[1][id])
			}
		}
	}
}

// A query of one character typed over and over (a phrase of one bigram
// repeated) finds the paragraphs that hold that run, and none shorter:
// its term is read a few times, not once a slot, and a phrase longer than
// bleveq.maxPhraseSlots is a conjunction of phrases that overlap.
func TestRepeatedCharacterPhrase(t *testing.T) {
	s := serviceOver(t, "a.txt", "眠の話", strings.Repeat("眠", 5000), strings.Repeat("眠眠眠 a ", 40))
	for _, tt := range []struct {
		n    int
		want uint64
	}{{3, 4}, {4, 3}, {64, 3}, {256, 3}} {
		res, err := s.Search(context.Background(), Request{Q: strings.Repeat("眠", tt.n)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != tt.want {
			t.Errorf("眠×%d: %d paragraphs, want %d", tt.n, res.Total, tt.want)
		}
	}
}
