package search

import (
	"context"
	"strings"
	"testing"
)

// Text is folded to NFKC before it is tokenized, at index and query time,
// while highlights mark the original characters.
func TestWidthAndFormFolding(t *testing.T) {
	s := serviceOver(t, "900_width.txt",
		"半角と全角の記事",
		"臨床ﾃﾞｰﾀでは、ＮＡＤ＋が２０２４年に増えた。",
		"ﾒﾗﾄﾆﾝとｺﾙﾁｿﾞｰﾙの話です。",
		"Full-width ＳＩＲＴ１ appears here.",
		"ｺﾞﾏと㍿の話。",
	)
	tests := []struct{ q, mark string }{
		{"データ", "<mark>ﾃﾞｰﾀ</mark>"},
		{"ﾃﾞｰﾀ", "<mark>ﾃﾞｰﾀ</mark>"},
		{"NAD+", "<mark>ＮＡＤ＋</mark>"},
		{"ＮＡＤ＋", "<mark>ＮＡＤ＋</mark>"},
		{"2024年", "<mark>２０２４年</mark>"},
		{"メラトニン", "<mark>ﾒﾗﾄﾆﾝ</mark>"},
		{"ｺﾙﾁｿﾞｰﾙ", "<mark>ｺﾙﾁｿﾞｰﾙ</mark>"},
		{"コルチゾール", "<mark>ｺﾙﾁｿﾞｰﾙ</mark>"},
		{"SIRT1", "<mark>ＳＩＲＴ１</mark>"},
		{"デ", "<mark>ﾃﾞ</mark>ｰﾀ"}, // a predictive character keeps its voiced mark
		{"ゴ", "<mark>ｺﾞ</mark>ﾏ"},
		{"株式会社", "<mark>㍿</mark>"},
	}
	// Positions read with the hits, as in a small index, and not, as in a
	// large one (where a word is checked on the folded text instead).
	for _, apart := range []int{locateApartAbove, -1} {
		s.locateApartAbove = apart
		for _, tt := range tests {
			res, err := s.Search(context.Background(), Request{Q: tt.q})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != 1 {
				t.Errorf("%s (locate apart above %d): %d hits, want 1", tt.q, apart, res.Total)
				continue
			}
			if !strings.Contains(res.Hits[0].Highlight, tt.mark) {
				t.Errorf("%s (locate apart above %d): highlight %s lacks %s", tt.q, apart, res.Hits[0].Highlight, tt.mark)
			}
		}
	}
}
