package extract

import "strings"

// Text is Classify over a scraped text file's lines: one block a line,
// blank lines ignored.
func Text(raw string, opt Options) Page {
	raw = strings.TrimPrefix(strings.ReplaceAll(raw, "\r\n", "\n"), "\ufeff")
	var blocks []Block
	for _, l := range strings.Split(raw, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			blocks = append(blocks, Block{Text: l})
		}
	}
	return Classify(blocks, opt)
}
