package extract

import (
	"strings"
	"unicode/utf8"
)

// MaxParagraphRunes bounds a paragraph: a text of no line breaks (a CMS
// export, a page flattened to one line) is cut into paragraphs of at most
// this many characters, at the end of a sentence where there is one, so
// that no search reads one paragraph of a megabyte.
const MaxParagraphRunes = 2000

// Split cuts t into pieces of at most MaxParagraphRunes characters, in
// order, each ending at a sentence's end (。．.!?！？ and a space) where one
// stands in the second half of the piece, else at a space, else anywhere.
func Split(t string) []string {
	var out []string
	for utf8.RuneCountInString(t) > MaxParagraphRunes {
		cut := cutAt(t)
		out = append(out, strings.TrimSpace(t[:cut]))
		t = strings.TrimSpace(t[cut:])
	}
	if t != "" {
		out = append(out, t)
	}
	return out
}

// cutAt is the byte offset to cut t at: the last sentence end, else the
// last space, in the second half of its first MaxParagraphRunes characters.
func cutAt(t string) int {
	limit, n := 0, 0
	for i := range t {
		if n == MaxParagraphRunes {
			limit = i
			break
		}
		n++
	}
	head := t[:limit]
	half := len(head) / 2
	best := -1
	for i, r := range head {
		if i < half {
			continue
		}
		next := i + utf8.RuneLen(r)
		switch {
		case strings.ContainsRune("。．！？", r):
			best = next
		case strings.ContainsRune(".!?", r) && next < len(t) && t[next] == ' ':
			best = next
		}
	}
	if best > 0 {
		return best
	}
	if i := strings.LastIndexByte(head, ' '); i >= half {
		return i + 1
	}
	return limit
}
