package extract

import "strings"

// Text is Classify over a scraped text file's lines: one block a line,
// blank lines ignored, Markdown markup dropped (see plain).
func Text(raw string, opt Options) Page {
	var blocks []Block
	for _, l := range Lines(raw) {
		text, heading := plain(l)
		blocks = append(blocks, Block{Text: text, Heading: heading})
	}
	return Classify(blocks, opt)
}

// Lines returns a text file's non-empty lines, trimmed, a byte-order mark
// left out: the blocks Text classifies.
func Lines(raw string) []string {
	var out []string
	for l := range strings.SplitSeq(strings.TrimPrefix(raw, "\ufeff"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
