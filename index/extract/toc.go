package extract

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// tocHeading opens a table of contents.
var tocHeading = regexp.MustCompile(`(?i)^(目\s*次|もくじ|この記事の目次|この記事の内容|(table of )?contents|in this article|on this page|jump to|here's what we'll cover|what we'll cover)\s*[:：]?$`)

// tocInline is a table of contents on one line: "In this article: A · B · C".
var tocInline = regexp.MustCompile(`(?i)^(目\s*次|もくじ|(table of )?contents|in this article|on this page|jump to)\s*[:：]`)

// tocMarker starts an entry of a table of contents.
var tocMarker = regexp.MustCompile(`^\s*([┗┣├└・•▶►▸‣◆■●○-]|\d+(\.\d+)*[.)]?\s|\(\d+\)|[（(]?[0-9０-９]+[)）]|[a-z][.)]\s)`)

// tocEntryShape: an entry of a table of contents is a heading, a question
// at most, never a sentence of text.
func tocEntryShape(t string) bool {
	t = strings.TrimRight(t, " ")
	return !strings.Contains(t, "。") && !strings.HasSuffix(t, ".") && !strings.HasSuffix(t, "．")
}

// minTOCRun is the fewest lines in a row, each listed again lower on the
// page, that make a table of contents without a heading.
const minTOCRun = 3

// tocRun counts the short lines from i on that are listed again below.
func tocRun(lines []line, i int, listedAgain func(int) bool) int {
	n := 0
	for j := i; j < len(lines) && n < minTOCRun; j++ {
		if utf8.RuneCountInString(lines[j].text) > maxLabelRunes || !listedAgain(j) {
			break
		}
		n++
	}
	return n
}

// normalEntry is a line as a table of contents lists it: without its
// marker or number, spaces folded.
func normalEntry(t string) string {
	t = tocMarker.ReplaceAllString(t, "")
	return strings.ToLower(strings.Join(strings.Fields(t), ""))
}
