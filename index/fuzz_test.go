package index

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseArticle: any bytes parse into an article or an invalid-input
// error, never a panic; an article's paragraphs are lines of the input, in
// order, numbered from 1, each in one language and a known topic.
// go test ./index -run '^$' -fuzz FuzzParseArticle -fuzztime 1m
func FuzzParseArticle(f *testing.F) {
	for _, name := range []string{"000_5f7a80a9702da62d.txt", "001_c2c3b5d23e0135b4.txt"} {
		raw, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw[:min(len(raw), 3000)])
	}
	for _, s := range []string{"", "\n\n", "〒531-0072\n06-6375-5888\n", "まとめ\nまとめ\n", "\ufeffNAD+\r\n睡眠\r\n", "a\x00b\n", "\xff\xfe"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		a, err := ParseArticle("fuzz-1", raw)
		if err != nil {
			if !errors.Is(err, errInvalid) {
				t.Fatalf("ParseArticle: %v, want an invalid-input error", err)
			}
			return
		}
		var lines []string
		for _, l := range strings.Split(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n") {
			lines = append(lines, strings.TrimSpace(strings.TrimPrefix(l, "\ufeff")))
		}
		next := 0
		for i, p := range a.Paragraphs {
			if p.N != i+1 || p.ID != fmt.Sprintf("fuzz-1-%d", i+1) || p.Article != "fuzz-1" {
				t.Fatalf("paragraph %d: N %d, id %q", i, p.N, p.ID)
			}
			if p.Text == "" || !utf8.ValidString(p.Text) || (p.Lang != LangJA && p.Lang != LangEN) {
				t.Fatalf("paragraph %d: %+v", i, p)
			}
			j := slices.Index(lines[next:], p.Text)
			if j < 0 {
				t.Fatalf("paragraph %d %q is not a later line of the input", i, p.Text)
			}
			next += j + 1
			for _, topic := range p.Topics {
				if !defaultTopics().Has(topic) {
					t.Fatalf("paragraph %d: unknown topic %q", i, topic)
				}
			}
		}
		if a.Title == "" {
			t.Fatal("no title")
		}
	})
}
