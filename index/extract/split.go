package extract

import (
	"strings"
	"unicode"
)

// MaxParagraphRunes bounds a paragraph: a text of no line breaks (a CMS
// export, a page flattened to one line) is cut into paragraphs of at most
// this many characters, so that no search reads one paragraph of a
// megabyte.
const MaxParagraphRunes = 2000

// Split cuts t into pieces of at most MaxParagraphRunes characters, in
// order: after the last end of a sentence (。．.!?！？, with a closing quote
// or bracket) in the second half of a piece, else after its last space
// there, else at the limit. A t within the limit is one piece.
func Split(t string) []string {
	rs := []rune(t)
	if len(rs) <= MaxParagraphRunes {
		return []string{t}
	}
	var out []string
	for len(rs) > 0 {
		cut := len(rs)
		if cut > MaxParagraphRunes {
			cut = cutAt(rs[:MaxParagraphRunes])
		}
		if piece := strings.TrimSpace(string(rs[:cut])); piece != "" {
			out = append(out, piece)
		}
		rs = rs[cut:]
	}
	return out
}

// cutAt is where to cut head, the first MaxParagraphRunes characters of a
// longer text: see Split.
func cutAt(head []rune) int {
	half := len(head) / 2
	end, space := -1, -1
	for i := half; i < len(head); i++ {
		r := head[i]
		switch {
		case strings.ContainsRune("。．！？", r):
			end = i + 1
		case strings.ContainsRune(".!?", r) && i+1 < len(head) && unicode.IsSpace(head[i+1]):
			end = i + 1
		case strings.ContainsRune("」』）)\"”’", r) && end == i:
			end = i + 1 // the quote or bracket that closes the sentence
		case unicode.IsSpace(r):
			space = i + 1
		}
	}
	switch {
	case end > 0:
		return end
	case space > 0:
		return space
	}
	return len(head)
}
