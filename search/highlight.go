package search

import (
	"html"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SnippetRunes is the target length of a highlight snippet, in characters
// (runes): word counts mean nothing in Japanese.
const SnippetRunes = 160

const ellipsis = "…"

// span is a matched byte range [start, end) of a paragraph's text.
type span struct{ start, end int }

// mergeSpans sorts spans and joins those that overlap or touch, or that only
// white space separates. Bigrams of one katakana word overlap (メラ, ラト,
// トニ, ニン), so the word comes out as one <mark>, every time it occurs.
func mergeSpans(text string, spans []span) []span {
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	var out []span
	for _, s := range spans {
		if s.start < 0 || s.end > len(text) || s.start >= s.end {
			continue
		}
		if n := len(out); n > 0 {
			last := &out[n-1]
			if s.start <= last.end || joins(text[last.end:s.start]) {
				last.end = max(last.end, s.end)
				continue
			}
		}
		out = append(out, s)
	}
	return out
}

// joins reports whether a gap between two matches is only white space or one
// joining mark, as in "sleep quality" or "インターロイキン-6": one <mark>.
func joins(gap string) bool {
	gap = strings.TrimSpace(gap)
	return gap == "" || gap == "-" || gap == "‐" || gap == "・"
}

// Highlight returns an HTML snippet of text of about SnippetRunes characters:
// the text escaped, each span wrapped in <mark>, cut at a sentence or word
// boundary with "…" where text was left out. The window is placed where the
// most matches fall.
func Highlight(text string, spans []span) string {
	spans = mergeSpans(text, spans)
	start, end := window(text, spans, SnippetRunes)
	var b strings.Builder
	b.Grow(end - start + 32*len(spans) + 8)
	if start > 0 {
		b.WriteString(ellipsis)
	}
	pos := start
	for _, s := range spans {
		if s.end <= start || s.start >= end {
			continue
		}
		s.start, s.end = max(s.start, start), min(s.end, end)
		b.WriteString(html.EscapeString(text[pos:s.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[s.start:s.end]))
		b.WriteString("</mark>")
		pos = s.end
	}
	b.WriteString(html.EscapeString(text[pos:end]))
	if end < len(text) {
		b.WriteString(ellipsis)
	}
	return b.String()
}

// window picks the byte range [start, end) of text to show.
func window(text string, spans []span, maxRunes int) (int, int) {
	if utf8.RuneCountInString(text) <= maxRunes {
		return 0, len(text)
	}
	anchor := 0
	if len(spans) > 0 {
		// The span that starts the densest run of matches within 3/4 of a window.
		best, bestN := 0, 0
		for i, s := range spans {
			n := 0
			for _, t := range spans[i:] {
				if utf8.RuneCountInString(text[s.start:min(t.end, len(text))]) > maxRunes*3/4 {
					break
				}
				n++
			}
			if n > bestN {
				best, bestN = i, n
			}
		}
		anchor = spans[best].start
	}
	start := sentenceStart(text, anchor, maxRunes/2)
	end := cutEnd(text, start, maxRunes)
	if end < anchor+1 {
		// The sentence start was too far back to reach the match: cut at a
		// word boundary shortly before it instead.
		start = wordStart(text, anchor, maxRunes/4)
		end = cutEnd(text, start, maxRunes)
	}
	if end == len(text) {
		// The match is near the end: spend the unused length on the text
		// before it rather than showing a few words.
		if unused := maxRunes - utf8.RuneCountInString(text[start:end]); unused > 0 {
			start = extendBack(text, start, unused)
		}
	}
	return start, end
}

// extendBack moves start back by at most n runes, to the first sentence
// start in that stretch, else the first word start, else n runes back.
func extendBack(text string, start, n int) int {
	from := start
	for i := 0; from > 0 && i < n; i++ {
		_, size := utf8.DecodeLastRuneInString(text[:from])
		from -= size
	}
	if from == 0 {
		return 0
	}
	word := -1
	for i := from; i < start; {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if isSentenceEnd(r) || r == '.' && i < len(text) && text[i] == ' ' {
			return skipSpace(text, i)
		}
		if word < 0 && (unicode.IsSpace(r) || r == '、') {
			word = i
		}
	}
	if word >= 0 {
		return skipSpace(text, word)
	}
	return from
}

func isSentenceEnd(r rune) bool { return strings.ContainsRune("。．！？!?", r) }

// sentenceStart walks back from pos, at most limit runes, to the start of
// its sentence; failing that it returns a word boundary near pos.
func sentenceStart(text string, pos, limit int) int {
	i := pos
	for n := 0; i > 0 && n < limit; n++ {
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if isSentenceEnd(r) || r == '.' && i < len(text) && text[i] == ' ' {
			break
		}
		i -= size
	}
	if i == 0 {
		return 0
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	if isSentenceEnd(r) || r == '.' {
		return skipSpace(text, i)
	}
	return wordStart(text, pos, limit/2)
}

// wordStart walks back from pos up to limit runes to just after a space or
// Japanese comma, or stops at limit.
func wordStart(text string, pos, limit int) int {
	i := pos
	for n := 0; i > 0 && n < limit; n++ {
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if unicode.IsSpace(r) || r == '、' || isSentenceEnd(r) {
			return i
		}
		i -= size
	}
	return i
}

// cutEnd returns where a snippet starting at start should end: after at most
// maxRunes runes, pulled back to a sentence end, else a space or comma, when
// one lies in the last half.
func cutEnd(text string, start, maxRunes int) int {
	end := start
	for n := 0; end < len(text) && n < maxRunes; n++ {
		_, size := utf8.DecodeRuneInString(text[end:])
		end += size
	}
	if end == len(text) {
		return end
	}
	sentence, word := -1, -1
	i := end
	for n := 0; i > start && n < maxRunes/2; n++ {
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if sentence < 0 && (isSentenceEnd(r) || r == '.' && text[i] == ' ') {
			sentence = i
			break
		}
		if word < 0 && (unicode.IsSpace(r) || r == '、' || r == ',') {
			word = i
		}
		i -= size
	}
	switch {
	case sentence > 0:
		return sentence
	case word > 0:
		return max(start, len(strings.TrimRightFunc(text[:word], unicode.IsSpace)))
	}
	return end
}

func skipSpace(text string, i int) int {
	for i < len(text) && text[i] == ' ' {
		i++
	}
	return i
}
