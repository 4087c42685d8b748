package search

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse: any input parses, without panic, into terms that are non-empty,
// free of the query's separators, and no more than the input holds.
// go test ./search -run '^$' -fuzz FuzzParse -fuzztime 1m
func FuzzParse(f *testing.F) {
	for _, s := range []string{"メラトニン", `"sleep quality" -cortisol`, "NAD+ 睡眠", `"unclosed`, "- -- ---", `""`, "IL-6 HbA1c", "ＮＡＤ＋　ﾒﾗﾄﾆﾝ", "\x00\u3000\u200b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := Normalize(s)
		if strings.HasPrefix(q, " ") || strings.HasSuffix(q, " ") {
			t.Fatalf("Normalize(%q) = %q: not trimmed", s, q)
		}
		if utf8.ValidString(s) && !utf8.ValidString(q) {
			t.Fatalf("Normalize(%q) = %q: invalid UTF-8", s, q)
		}
		terms := Parse(q)
		if len(terms) > utf8.RuneCountInString(q) {
			t.Fatalf("Parse(%q): %d terms from %d characters", q, len(terms), utf8.RuneCountInString(q))
		}
		for _, term := range terms {
			if term.Text == "" {
				t.Fatalf("Parse(%q): empty term %+v", q, term)
			}
			if !term.Phrase && strings.Contains(term.Text, " ") {
				t.Fatalf("Parse(%q): unquoted term with a space: %q", q, term.Text)
			}
			if term.Phrase && strings.Contains(term.Text, `"`) {
				t.Fatalf("Parse(%q): phrase with a quote inside: %q", q, term.Text)
			}
		}
	})
}

// FuzzSearch: any q either searches or is refused as invalid, never another
// error or a panic, and every highlight is well formed.
// go test ./search -run '^$' -fuzz FuzzSearch -fuzztime 1m
func FuzzSearch(f *testing.F) {
	for _, s := range []string{"メラトニン", "NAD+", "melatonine -cortisol", `"sleep`, "界", "整う", "insulin sens", "*", strings.Repeat("眠 ", 40)} {
		f.Add(s)
	}
	s := seedSearch(f)
	f.Fuzz(func(t *testing.T, q string) {
		res, err := s.Search(context.Background(), Request{Q: q, Size: 5})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeInvalid {
				t.Fatalf("Search(%q): %v, want a result or an invalid-request error", q, err)
			}
			return
		}
		if len(res.Hits) > 5 || res.Total < uint64(len(res.Hits)) {
			t.Fatalf("Search(%q): %d hits of %d", q, len(res.Hits), res.Total)
		}
		for _, h := range res.Hits {
			if strings.Count(h.Highlight, "<mark>") != strings.Count(h.Highlight, "</mark>") ||
				strings.Contains(h.Highlight, "<mark></mark>") || !utf8.ValidString(h.Highlight) {
				t.Fatalf("Search(%q): %s highlight %q", q, h.ID, h.Highlight)
			}
		}
	})
}
