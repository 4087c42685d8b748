package search

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the relevance goldens in testdata/rank")

// rankCase is one judged query over the seeds: target is (a prefix of) the
// text of the paragraph a person would want first, or "" when the query must
// find nothing (chrome, absent terms).
type rankCase struct {
	name   string
	req    Request
	target string
}

var rankCases = []rankCase{
	// Japanese
	{"ja-melatonin", Request{Q: "メラトニン"}, "b. メラトニン分泌をサポート"},
	{"ja-sleep-quality", Request{Q: "睡眠の質"}, "4. 睡眠の質の向上と精神症状"},
	{"ja-night-waking", Request{Q: "中途覚醒"}, "4. NMN点滴が中途覚醒に与える効果"},
	{"ja-deep-sleep-disorder", Request{Q: "熟眠障害"}, "3. NMN点滴が熟眠障害に与える効果"},
	{"ja-cortisol", Request{Q: "コルチゾール"}, "NAD+の増加は、ストレスホルモンであるコルチゾール"},
	{"ja-sirtuin", Request{Q: "サーチュイン"}, "サーチュインの役割"},
	{"ja-serotonin", Request{Q: "セロトニン"}, "神経伝達物質の生成"},
	{"ja-anti-inflammatory", Request{Q: "抗炎症作用"}, "2. 抗炎症作用と精神症状"},
	{"ja-mitochondria-fatigue", Request{Q: "ミトコンドリア 疲労"}, "疲労回復促進:ミトコンドリアの活性化"},
	{"ja-parasympathetic", Request{Q: "副交感神経"}, "b. 副交感神経の優位性を高める"},
	{"ja-body-clock", Request{Q: "体内時計"}, "a. 体内時計の調整"},
	{"ja-psychiatric-drugs", Request{Q: "精神科 薬"}, "精神科の薬には副作用"},
	{"ja-depression", Request{Q: "うつ症状"}, "NMN点滴はうつ症状などの精神症状にも有効か"},
	{"ja-single-kanji-ideographic-space", Request{Q: "睡眠　質"}, "4. 睡眠の質の向上と精神症状"},
	// English
	{"en-melatonin", Request{Q: "melatonin"}, "b. Supporting Melatonin Secretion"},
	{"en-insulin-sensitivity", Request{Q: "insulin sensitivity"}, "As a result, in the skeletal muscles"},
	{"en-type-2", Request{Q: "type 2 diabetes"}, "In obese type 2 diabetes"},
	{"en-cortisol", Request{Q: "cortisol"}, "Higher NAD+ levels may reduce cortisol"},
	{"en-sirtuins", Request{Q: "sirtuins"}, "Role of Sirtuins"},
	{"en-serotonin-dopamine", Request{Q: "serotonin dopamine"}, "Production of Neurotransmitters"},
	{"en-sleep-quality-phrase", Request{Q: `"sleep quality"`}, "3. NMN IV Therapy for Poor Sleep Quality"},
	{"en-awakenings", Request{Q: "nighttime awakenings"}, "4. NMN IV Therapy for Nighttime Awakenings"},
	{"en-parasympathetic", Request{Q: "parasympathetic"}, "b. Supporting the Parasympathetic Nervous System"},
	{"en-crp", Request{Q: "C-reactive protein"}, "Reduction in Inflammation and Mood Improvement"},
	{"en-depression", Request{Q: "depression"}, "Is NMN Drip Therapy Effective for Depression"},
	{"en-troglitazone", Request{Q: "troglitazone"}, "The average 25% increase"},
	{"en-placebo", Request{Q: "placebo"}, "In this clinical trial, 25 pre-diabetic"},
	{"en-fall-asleep-stemmed", Request{Q: "fall asleep"}, "2. NMN IV Therapy for Difficulty Falling Asleep"},
	{"en-stop-words", Request{Q: "what is melatonin"}, "b. Supporting Melatonin Secretion"},
	{"en-stop-word-inside", Request{Q: "quality of sleep"}, "3. NMN IV Therapy for Poor Sleep Quality"},
	// Symbols and mixed scripts
	{"sym-nad", Request{Q: "NAD+"}, "1. NAD+と神経機能の関連"},
	{"sym-nad-fullwidth", Request{Q: "ＮＡＤ＋"}, "1. NAD+と神経機能の関連"},
	{"sym-sirt1", Request{Q: "SIRT1"}, "NMNの抗炎症作用"},
	{"sym-hba1c", Request{Q: "HbA1c"}, "At our clinic, we began to hear"},
	{"sym-il6-ja", Request{Q: "インターロイキン-6"}, "炎症軽減と気分の改善"},
	{"sym-crp-ja", Request{Q: "C反応性タンパク質"}, "炎症軽減と気分の改善"},
	{"mixed-nad-sleep-ja", Request{Q: "NAD+ 睡眠"}, "NAD+は、体内のサーカディアンリズム"},
	{"mixed-nad-sleep-en", Request{Q: "NAD+ sleep"}, "NAD+ is also crucial for regulating"},
	// Filters and exclusion
	{"filter-sleep-in-depression", Request{Q: "睡眠", Topics: []string{"depression"}}, "4. 睡眠の質の向上と精神症状"},
	{"filter-stress-en-article", Request{Q: "stress", Lang: "en", Article: "002-d25f1ed27a07bf50"}, "c. Stress Reduction"},
	{"filter-nad-diabetes", Request{Q: "NAD", Topics: []string{"diabetes"}}, "Furthermore, in the NMN intake group"},
	{"exclude-cortisol", Request{Q: "melatonin -cortisol"}, "b. Supporting Melatonin Secretion"},
	// Chrome and absent terms: nothing
	{"chrome-phone", Request{Q: "06-6375-5888"}, ""},
	{"chrome-postcode", Request{Q: "〒531-0072"}, ""},
	{"chrome-line", Request{Q: "LINE"}, ""},
	{"chrome-address", Request{Q: "豊崎"}, ""},
	{"chrome-teaser", Request{Q: "ほくろ"}, ""},
	{"chrome-author", Request{Q: "武本"}, ""},
	{"chrome-url", Request{Q: "wako-skin-clinic"}, ""},
	{"chrome-booking", Request{Q: "予約"}, ""},
	{"absent-vitamin-d", Request{Q: "ビタミンD"}, ""},
	{"absent-english", Request{Q: "quantum computing"}, ""},
}

// TestRelevance runs every judged query, compares its top hits with a golden
// file in testdata/rank (go test ./search -run TestRelevance -update
// rewrites them), and keeps recall@1, recall@5 and MRR in stats.txt, so every
// ranking change is a diff to review.
func TestRelevance(t *testing.T) {
	s := seedSearch(t)
	dir := filepath.Join("testdata", "rank")
	var judged, at1, at5 int
	var rr float64
	for _, c := range rankCases {
		res, err := s.Search(context.Background(), withSize(c.req, 10))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		rank := 0
		var b strings.Builder
		fmt.Fprintf(&b, "query: %s\nrequest: topics=%v lang=%q article=%q\ntarget: %s\ntotal: %d\n",
			c.req.Q, c.req.Topics, c.req.Lang, c.req.Article, c.target, res.Total)
		for i, h := range res.Hits {
			if rank == 0 && c.target != "" && strings.HasPrefix(h.Text, c.target) {
				rank = i + 1
			}
			if i < 5 {
				fmt.Fprintf(&b, "%2d %-26s %.4f %s\n", i+1, h.ID, h.Score, clip(h.Text, 60))
			}
		}
		if c.target == "" {
			if res.Total != 0 {
				t.Errorf("%s: %q must find nothing, found %d (first %s)", c.name, c.req.Q, res.Total, res.Hits[0].ID)
			}
		} else {
			fmt.Fprintf(&b, "target rank: %d\n", rank)
			judged++
			if rank == 1 {
				at1++
			}
			if rank >= 1 && rank <= 5 {
				at5++
			}
			if rank > 0 {
				rr += 1 / float64(rank)
			}
		}
		checkGolden(t, filepath.Join(dir, c.name+".txt"), b.String())
	}
	stats := fmt.Sprintf("queries judged: %d\nrecall@1: %.3f\nrecall@5: %.3f\nMRR: %.3f\n",
		judged, float64(at1)/float64(judged), float64(at5)/float64(judged), rr/float64(judged))
	t.Logf("\n%s", stats)
	checkGolden(t, filepath.Join(dir, "stats.txt"), stats)
}

func withSize(r Request, n int) Request { r.Size = n; return r }

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden (rerun with -update if the change is intended):\n--- want\n%s--- got\n%s", path, want, got)
	}
}
