package server_test

import (
	"net/url"
	"strings"
	"testing"
)

// Every case of "Relevance in two languages", through GET /api/search: the
// first hit and what it marks, or nothing at all.
func TestAPIRelevanceCases(t *testing.T) {
	ts := newAPI(t)
	for _, tt := range []struct {
		name, q, lang string
		first, mark   string // prefix of the first hit's text; a substring of its highlight
	}{
		{"full-width symbol", "ＮＡＤ＋", "", "", "<mark>NAD+</mark>"},
		{"half-width katakana", "ﾒﾗﾄﾆﾝ", "ja", "b. メラトニン分泌をサポート", "<mark>メラトニン</mark>"},
		{"full-width Latin", "ｍｅｌａｔｏｎｉｎ", "en", "b. Supporting Melatonin Secretion", "<mark>Melatonin</mark>"},
		{"one kanji, also at a run's end", "界", "", "5. 現時点でのエビデンスと限界", "限<mark>界</mark>"},
		{"kana word (and its glossary names うつ病, うつ症状)", "うつ", "ja", "", "<mark>うつ"},
		{"dictionary form", "整う", "", "", "<mark>整い</mark>"},
		{"English stem", "sirtuin", "en", "", "irtuins</mark>"},
		{"English typo", "seratonin", "en", "Production of Neurotransmitters", "<mark>serotonin</mark>"},
		{"last word as a prefix", "insulin sens", "", "", "<mark>insulin sensitivity</mark>"},
		{"English finds Japanese", "melatonin", "ja", "", "<mark>メラトニン</mark>"},
		{"Japanese finds English", "インスリン感受性", "", "", "<mark>insulin sensitivity</mark>"},
		{"abbreviation", "CRP", "", "", "<mark>C-reactive protein</mark>"},
		{"abbreviation, Japanese", "CRP", "ja", "", "<mark>C反応性タンパク質</mark>"},
		{"symbol inside Japanese", "インターロイキン-6", "", "炎症軽減と気分の改善", "<mark>インターロイキン-6</mark>"},
		{"mixed token", "NMN点滴", "ja", "", "<mark>NMN点滴</mark>"},
		{"absent, its bigrams present", "メラニン", "", "", ""},
		{"absent compound", "睡眠薬", "", "", ""},
		{"chrome", "06-6375-5888", "", "", ""},
	} {
		q := "q=" + url.QueryEscape(tt.q)
		if tt.lang != "" {
			q += "&lang=" + tt.lang
		}
		res := searchOK(t, ts, q)
		if tt.mark == "" {
			if res.Total != 0 {
				t.Errorf("%s: %s found %d, want nothing (first %s)", tt.name, tt.q, res.Total, res.Hits[0].Text)
			}
			continue
		}
		if len(res.Hits) == 0 {
			t.Errorf("%s: %s found nothing", tt.name, tt.q)
			continue
		}
		h := res.Hits[0]
		if !strings.HasPrefix(h.Text, tt.first) || !strings.Contains(h.Highlight, tt.mark) {
			t.Errorf("%s: %s first hit %s %q, want text from %q marking %s", tt.name, tt.q, h.ID, h.Highlight, tt.first, tt.mark)
		}
	}
	// Search as you type: completions from the articles' own words.
	status, body := get(t, ts, "/api/suggest?q="+url.QueryEscape("サーチュ"))
	if status != 200 || !strings.Contains(string(body), "サーチュイン") {
		t.Errorf("suggest サーチュ: %d %s", status, body)
	}
}
