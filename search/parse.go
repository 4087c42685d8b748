package search

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Term is one unit of a user query: a word-piece or a quoted phrase, which a
// paragraph must contain (or, when Negate, must not contain).
type Term struct {
	Text   string
	Phrase bool // written in quotes
	Negate bool // written with a leading '-'
}

func (t Term) String() string {
	s := t.Text
	if t.Phrase {
		s = `"` + s + `"`
	}
	if t.Negate {
		return "-" + s
	}
	return "+" + s
}

// Normalize folds the query to NFKC (full-width "ＮＡＤ＋" becomes "NAD+",
// half-width katakana becomes full-width), turns every Unicode space such as
// U+3000 into ' ', and trims it. It runs before anything else looks at q.
func Normalize(q string) string {
	q = norm.NFKC.String(q)
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, q))
}

// Parse splits a normalized query into terms. It never fails: an unclosed
// quote runs to the end, a closing quote with no opening one (sleep") is
// dropped, so that the word is searched as typed without it, and a lone
// '-' (a word of its own) or a '"' inside a word is kept as text, which
// the analyzers then ignore. Operators other than quotes and a leading '-' do
// not exist; "NAD+", "a:b", "IL-6" are text.
func Parse(q string) []Term {
	var terms []Term
	rs := []rune(q)
	for i := 0; i < len(rs); {
		if rs[i] == ' ' {
			i++
			continue
		}
		var t Term
		if rs[i] == '-' && i+1 < len(rs) && rs[i+1] != ' ' {
			t.Negate = true
			i++
		}
		if rs[i] == '"' {
			j := i + 1
			for j < len(rs) && rs[j] != '"' {
				j++
			}
			t.Text, t.Phrase = strings.TrimSpace(string(rs[i+1:j])), true
			i = j + 1
		} else {
			j := i
			for j < len(rs) && rs[j] != ' ' {
				j++
			}
			t.Text = strings.TrimRight(string(rs[i:j]), `"`)
			i = j
		}
		if t.Text != "" {
			terms = append(terms, t)
		}
	}
	return terms
}
