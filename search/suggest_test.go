package search

import (
	"strings"
	"testing"
)

func TestSuggest(t *testing.T) {
	s := seedSearch(t)
	tests := []struct {
		q, first string
	}{
		{"mela", "melatonin"},
		{"Mela", "melatonin"},
		{"ｍｅｌａ", "melatonin"},
		{"メラ", "メラトニン"},
		{"ﾒﾗ", "メラトニン"},
		{"サーチュ", "サーチュイン"},
		{"NAD", "NAD+"},
		{"better sle", "sleep"},
		{"コルチ", "コルチゾール"},
	}
	for _, tt := range tests {
		got, err := s.Suggest(tt.q)
		if err != nil {
			t.Fatalf("%s: %v", tt.q, err)
		}
		if len(got) == 0 || got[0].Text != tt.first {
			t.Errorf("Suggest(%q) = %v, want %s first", tt.q, got, tt.first)
		}
		if len(got) > MaxSuggestions {
			t.Errorf("Suggest(%q): %d suggestions, over %d", tt.q, len(got), MaxSuggestions)
		}
		for i := 1; i < len(got); i++ {
			if got[i].Paragraphs > got[i-1].Paragraphs {
				t.Errorf("Suggest(%q) not ranked by paragraphs: %v", tt.q, got)
			}
		}
	}
	// At most MaxSuggestions, and chrome never: the phone number, LINE,
	// the address and the teasers are not indexed.
	if got, _ := s.Suggest("s"); len(got) != MaxSuggestions {
		t.Errorf(`Suggest("s") gave %d, want %d`, len(got), MaxSuggestions)
	}
	for _, q := range []string{"06", "LINE", "豊崎", "ほくろ", "武本", "wako", "ビタミン"} {
		if got, _ := s.Suggest(q); len(got) != 0 {
			t.Errorf("Suggest(%q) = %v, want nothing", q, got)
		}
	}
	for _, q := range []string{"", "  ", strings.Repeat("a", MaxQueryRunes+1)} {
		if _, err := s.Suggest(q); ErrorCode(err) != CodeInvalid {
			t.Errorf("Suggest(%q): %v, want %s", q, err, CodeInvalid)
		}
	}
}
