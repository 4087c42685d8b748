package extract

import (
	"regexp"
	"strings"
)

// emphasis is the Markdown emphasis that scrapers and CMS exports leave in
// text (**bold**, __bold__, ~~struck~~): a pair of one marker around words
// that start and end with a non-space, as CommonMark reads it; __ not
// inside a word, around words without an underscore (window.__xss stays). Go's regexp has no
// back-references: one pattern a marker.
var emphasis = []*regexp.Regexp{
	regexp.MustCompile(`()\*\*(\S(?:.*?\S)?)\*\*()`),
	regexp.MustCompile(`(^|[^\p{L}\p{N}_])__([^\s_](?:[^_]*?[^\s_])?)__($|[^\p{L}\p{N}_])`),
	regexp.MustCompile(`()~~(\S(?:.*?\S)?)~~()`),
}

// atxHeading is a Markdown heading line: one to six #, a space, the text.
var atxHeading = regexp.MustCompile(`^#{1,6}\s+(\S.*?)(?:\s+#+)?$`)

// plain returns a scraped line without its Markdown markup, the words kept,
// and whether the markup made it a heading (## Title). The paragraph is
// stored so, and highlighted on what it shows.
func plain(line string) (text string, heading bool) {
	if m := atxHeading.FindStringSubmatch(line); m != nil {
		line, heading = m[1], true
	}
	if strings.ContainsAny(line, "*_~") {
		for _, re := range emphasis {
			line = re.ReplaceAllString(line, "${1}${2}${3}")
		}
	}
	return line, heading
}

// Plain is a line as Text stores it: its Markdown markup dropped.
func Plain(line string) string {
	text, _ := plain(line)
	return text
}
