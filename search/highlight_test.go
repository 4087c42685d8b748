package search

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// spansOf marks every occurrence of each word in text.
func spansOf(text string, words ...string) []span {
	var out []span
	for _, w := range words {
		for i := 0; ; {
			j := strings.Index(text[i:], w)
			if j < 0 {
				break
			}
			out = append(out, span{i + j, i + j + len(w)})
			i += j + len(w)
		}
	}
	return out
}

func TestHighlightShort(t *testing.T) {
	tests := []struct {
		text  string
		spans []span
		want  string
	}{
		{"b. メラトニン分泌をサポート", spansOf("b. メラトニン分泌をサポート", "メラ", "ラト", "トニ", "ニン"),
			"b. <mark>メラトニン</mark>分泌をサポート"},
		// A repeated katakana word is marked whole each time.
		{"メラトニンとメラトニン", spansOf("メラトニンとメラトニン", "メラ", "ラト", "トニ", "ニン"),
			"<mark>メラトニン</mark>と<mark>メラトニン</mark>"},
		{"<script>alert(1)</script> & NAD+", spansOf("<script>alert(1)</script> & NAD+", "NAD+"),
			"&lt;script&gt;alert(1)&lt;/script&gt; &amp; <mark>NAD+</mark>"},
		{"poor sleep quality here", spansOf("poor sleep quality here", "sleep", "quality"),
			"poor <mark>sleep quality</mark> here"},
		{"例:インターロイキン-6)", spansOf("例:インターロイキン-6)", "インターロイキン", "6"),
			"例:<mark>インターロイキン-6</mark>)"},
		{"no match", nil, "no match"},
		// Out-of-range spans are ignored rather than panicking.
		{"abc", []span{{2, 9}, {-1, 1}, {2, 1}}, "abc"},
	}
	for _, tt := range tests {
		if got := Highlight(tt.text, tt.spans); got != tt.want {
			t.Errorf("Highlight(%q)\n got %s\nwant %s", tt.text, got, tt.want)
		}
	}
}

func TestHighlightLongCutsAtBoundaries(t *testing.T) {
	en := strings.Repeat("Filler words come first here. ", 10) +
		"Melatonin is made at night. " + strings.Repeat("More words follow after it. ", 10)
	ja := strings.Repeat("これは前置きの文です。", 20) + "夜間のメラトニン分泌が促されます。" + strings.Repeat("後に続く文です。", 20)
	for _, tt := range []struct {
		name, text, word, wantStart string
	}{
		{"en", en, "Melatonin", "…<mark>Melatonin</mark> is made at night."},
		{"ja", ja, "メラトニン", "…夜間の<mark>メラトニン</mark>分泌が促されます。"},
	} {
		got := Highlight(tt.text, spansOf(tt.text, tt.word))
		if !strings.HasPrefix(got, tt.wantStart) {
			t.Errorf("%s: snippet should start at the matching sentence:\n%s", tt.name, got)
		}
		if !strings.HasSuffix(got, "…") {
			t.Errorf("%s: cut snippet should end with …: %s", tt.name, got)
		}
		plain := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(got)
		if n := utf8.RuneCountInString(plain); n > SnippetRunes+2 || n < SnippetRunes/2 {
			t.Errorf("%s: snippet is %d runes, want about %d", tt.name, n, SnippetRunes)
		}
		body := strings.TrimSuffix(strings.TrimPrefix(plain, "…"), "…")
		if !strings.HasSuffix(body, ".") && !strings.HasSuffix(body, "。") {
			t.Errorf("%s: snippet should end at a sentence end: %q", tt.name, body)
		}
	}
}

func TestHighlightNoMatchShowsStart(t *testing.T) {
	text := strings.Repeat("word ", 100)
	got := Highlight(text, nil)
	if !strings.HasPrefix(got, "word") || !strings.HasSuffix(got, "word…") {
		t.Errorf("want the opening words cut at a word boundary, got %q", got)
	}
}

// A match near the end of a long paragraph still gets a full-length snippet.
func TestHighlightLateMatchUsesTheLength(t *testing.T) {
	text := strings.Repeat("Some words come first in this sentence. ", 12) + "The study was published in 2021."
	got := Highlight(text, spansOf(text, "2021"))
	plain := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(got)
	if n := utf8.RuneCountInString(plain); n < SnippetRunes*3/4 || n > SnippetRunes+2 {
		t.Errorf("snippet is %d runes, want about %d: %s", n, SnippetRunes, got)
	}
	if !strings.HasPrefix(got, "…Some words") || !strings.HasSuffix(got, "<mark>2021</mark>.") {
		t.Errorf("want whole sentences up to the match: %s", got)
	}
}
