package index

import (
	"fmt"
	"strings"
	"testing"
)

// tokens renders an analyzer's output as "term@pos[start:end]" joined by spaces.
func tokens(t *testing.T, analyzer, text string) string {
	t.Helper()
	a := newMapping().AnalyzerNamed(analyzer)
	if a == nil {
		t.Fatalf("no analyzer %s", analyzer)
	}
	var out []string
	for _, tok := range a.Analyze([]byte(text)) {
		out = append(out, fmt.Sprintf("%s@%d[%d:%d]", tok.Term, tok.Position, tok.Start, tok.End))
	}
	return strings.Join(out, " ")
}

func TestAnalyzers(t *testing.T) {
	tests := []struct {
		analyzer, text, want string
	}{
		// Japanese: bigrams over kana and kanji runs, Latin lower-cased.
		{AnalyzerJA, "メラトニン", "メラ@1[0:6] ラト@2[3:9] トニ@3[6:12] ニン@4[9:15]"},
		{AnalyzerJA, "NMN点滴", "nmn@1[0:3] 点滴@2[3:9]"},
		// NAD+ keeps its plus, and the index also gets the bare variant.
		{AnalyzerJA, "NAD+は", "nad+@1[0:4] nad@1[0:4] は@2[4:7]"},
		{AnalyzerJAQuery, "NAD+", "nad+@1[0:4]"},
		{AnalyzerJAQuery, "ＮＡＤ＋", "nad+@1[0:12]"},
		{AnalyzerJAQuery, "インターロイキン-6", "イン@1[0:6] ンタ@2[3:9] ター@3[6:12] ーロ@4[9:15] ロイ@5[12:18] イキ@6[15:21] キン@7[18:24] 6@8[25:26]"},
		// English: possessive, stop words and stemming; NAD+ is not stemmed.
		{AnalyzerEN, "NMN’s sleeping patterns", "nmn@1[0:7] sleep@2[8:16] pattern@3[17:25]"},
		{AnalyzerEN, "the NAD+ levels", "nad+@2[4:8] nad@2[4:8] level@3[9:15]"},
		{AnalyzerENQuery, "NAD+", "nad+@1[0:4]"},
		{AnalyzerENQuery, "NAD", "nad@1[0:3]"},
		{AnalyzerENQuery, "HbA1c SIRT1 IL-6 CO2", "hba1c@1[0:5] sirt1@2[6:11] il@3[12:14] 6@4[15:16] co2@5[17:20]"},
		{AnalyzerENQuery, "+ - * \\ :", ""},
		// NFKC before tokenizing, offsets still in the original bytes:
		// full-width digits are kept, half-width kana fold to full width.
		{AnalyzerJA, "２０２４年", "2024@1[0:12] 年@2[12:15]"},
		{AnalyzerJA, "ﾃﾞｰﾀ", "デー@1[0:9] ータ@2[6:12]"},
		{AnalyzerJA, "ﾒﾗﾄﾆﾝ", "メラ@1[0:6] ラト@2[3:9] トニ@3[6:12] ニン@4[9:15]"},
		{AnalyzerJA, "ＮＡＤ＋の", "nad+@1[0:12] nad@1[0:12] の@2[12:15]"},
		{AnalyzerEN, "ＳＩＲＴ１ levels", "sirt1@1[0:15] level@2[16:22]"},
		// One character that expands to several: its tokens cover all of it.
		{AnalyzerJA, "㍿です", "株式@1[0:3] 式会@2[0:3] 会社@3[0:3] 社で@4[0:6] です@5[3:9]"},
	}
	for _, tt := range tests {
		if got := tokens(t, tt.analyzer, tt.text); got != tt.want {
			t.Errorf("%s(%q)\n got %s\nwant %s", tt.analyzer, tt.text, got, tt.want)
		}
	}
}

// The base-form analyzer gives each content morpheme's dictionary form at
// its surface's offsets: endings, particles and auxiliaries are dropped,
// punctuation leaves a gap of one position.
func TestBaseFormAnalyzer(t *testing.T) {
	tests := []struct{ text, want string }{
		// te-form, with the progressive いる and the negative; polite; negative.
		{"飲んでいない", "飲む@1[0:6]"},
		{"飲んで", "飲む@1[0:6]"},
		{"飲みます。飲まない、飲んで", "飲む@1[0:6] 飲む@3[15:21] 飲む@5[30:36]"},
		// A サ変 noun with する in the passive; する as written.
		{"改善され", "改善@1[0:6] する@2[6:9]"},
		{"改善する", "改善@1[0:6] する@2[6:12]"},
		{"体内時計が整い", "体内@1[0:6] 時計@2[6:12] 整う@3[15:21]"},
		{"目が覚めてしまい", "目@1[0:3] 覚める@2[6:12]"},
		// The + of NAD+ is a symbol: a gap, so no phrase runs across it.
		{"NAD+は睡眠を整えることで", "nad@1[0:3] 睡眠@3[7:13] 整える@4[16:25] こと@5[25:31]"},
		// NFKC first, offsets in the original.
		{"ﾃﾞｰﾀを整えた", "データ@1[0:12] 整える@2[15:21]"},
		{"㍿です", "株式会社@1[0:3]"},
		// Only endings: nothing.
		{"について", ""},
	}
	for _, tt := range tests {
		if got := tokens(t, AnalyzerJABase, tt.text); got != tt.want {
			t.Errorf("%s(%q)\n got %s\nwant %s", AnalyzerJABase, tt.text, got, tt.want)
		}
	}
}
