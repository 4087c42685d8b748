package search

import (
	"strings"
	"testing"
)

// Paragraphs with every word come first; those with only some follow.
func TestPartialMatchesFollowFullOnes(t *testing.T) {
	for _, tt := range []struct {
		q     string
		full  func(text string) bool
		part  func(text string) bool // what a partial match has instead
		watch string
	}{
		{
			// One Japanese compound: its words as kagome splits them.
			q:    "入眠困難",
			full: func(s string) bool { return strings.Contains(s, "入眠困難") },
			part: func(s string) bool { return strings.Contains(s, "入眠") || strings.Contains(s, "困難") },
		},
		{
			// One glossary name of several words: each word.
			q:    "nighttime awakenings",
			full: func(s string) bool { return strings.Contains(strings.ToLower(s), "nighttime awakening") },
			part: func(s string) bool {
				s = strings.ToLower(s)
				return strings.Contains(s, "nighttime") || strings.Contains(s, "awakening")
			},
		},
	} {
		res := mustSearch(t, Request{Q: tt.q, Lang: langOf(tt.q), Size: MaxPageSize})
		full, partial := 0, 0
		for i, h := range res.Hits {
			switch {
			case tt.full(h.Text):
				if partial > 0 {
					t.Errorf("%s: %s (rank %d) has every word but follows %d partial matches", tt.q, h.ID, i+1, partial)
				}
				full++
			case tt.part(h.Text):
				partial++
			default:
				t.Errorf("%s: %s has none of the words: %s", tt.q, h.ID, h.Text)
			}
		}
		if full == 0 || partial == 0 {
			t.Errorf("%s: %d full and %d partial matches, want both", tt.q, full, partial)
		}
	}
}

func langOf(q string) string {
	if strings.ContainsFunc(q, func(r rune) bool { return r > 0x3000 }) {
		return "ja"
	}
	return "en"
}

// What must not relax: a quoted term, a word the dictionary holds whole
// (睡眠薬 is absent: 睡眠 alone must not answer it), single characters.
func TestNoPartialMatches(t *testing.T) {
	for _, q := range []string{"睡眠薬", "ビタミンD", "quantum computing", `"sleep" "quantum"`} {
		if res := mustSearch(t, Request{Q: q, Size: MaxPageSize}); res.Total != 0 {
			t.Errorf("%s: %d hits (first %s), want none", q, res.Total, res.Hits[0].ID)
		}
	}
	// 質 alone would find 物質 and 体質: "睡眠 質" relaxes to 睡眠 only.
	for _, h := range mustSearch(t, Request{Q: "睡眠 質", Size: MaxPageSize}).Hits {
		if !strings.Contains(h.Text, "睡眠") && !strings.Contains(strings.ToLower(h.Text), "sleep") {
			t.Errorf("睡眠 質: %s has neither 睡眠 nor sleep: %s", h.ID, h.Text)
		}
	}
}

// Typos and prefixes are judged on words as written: "sensitivty" is one
// typo from "sensitivity" (four from its stem), and "sensitiv" a prefix of
// it (not of the stem "sensit").
func TestTyposOnWordsAsWritten(t *testing.T) {
	for _, q := range []string{"insulin sensitivty", "insulin sensitiv"} {
		res := mustSearch(t, Request{Q: q, Lang: "en"})
		if len(res.Hits) == 0 || !strings.Contains(res.Hits[0].Highlight, "<mark>insulin sensitivity</mark>") {
			t.Errorf("%s: want a first hit marking insulin sensitivity, got %+v", q, res.Hits)
		}
	}
}

// A word misspelt or half typed still reaches its glossary concept in the
// other language, below the typed language.
func TestGlossaryWithTyposAndPrefixes(t *testing.T) {
	for _, q := range []string{"melatonine", "melato"} {
		res := mustSearch(t, Request{Q: q, Size: MaxPageSize})
		seenJA := false
		for _, h := range res.Hits {
			if h.Lang == "ja" {
				seenJA = true
				if !strings.Contains(h.Highlight, "<mark>メラトニン</mark>") {
					t.Errorf("%s: %s does not mark メラトニン: %s", q, h.ID, h.Highlight)
				}
			} else if seenJA {
				t.Errorf("%s: English %s ranks below a Japanese hit", q, h.ID)
			}
		}
		if !seenJA {
			t.Errorf("%s: no Japanese hit", q)
		}
	}
	// Too short to guess a concept from: "mel" stays English.
	for _, h := range mustSearch(t, Request{Q: "mel", Size: MaxPageSize}).Hits {
		if h.Lang == "ja" {
			t.Errorf("mel: Japanese hit %s", h.ID)
		}
	}
}

// Another name in the language typed ranks above names in the other: for
// サーカディアンリズム, the Japanese 体内時計 paragraphs before the English
// circadian rhythm ones.
func TestSynonymsBeforeOtherLanguage(t *testing.T) {
	res := mustSearch(t, Request{Q: "サーカディアンリズム", Size: MaxPageSize})
	sawEN := false
	ja := 0
	for _, h := range res.Hits {
		if h.Lang == "en" {
			sawEN = true
			continue
		}
		if sawEN {
			t.Errorf("Japanese %s ranks below an English hit", h.ID)
		}
		if !strings.Contains(h.Text, "サーカディアンリズム") && strings.Contains(h.Text, "体内時計") {
			ja++
		}
	}
	if ja == 0 {
		t.Error("no paragraph found through the synonym 体内時計")
	}
}
