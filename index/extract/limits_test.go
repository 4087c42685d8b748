package extract

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func reasonIn(p Page, text string) string {
	for _, d := range p.Dropped {
		if d.Text == text {
			return d.Reason
		}
	}
	return ""
}

// prose is a paragraph of the article, long and full of sentences.
const prose = "Most adults need seven to nine hours of sleep a night, and older adults often sleep less deeply than they did when they were young."

// minTOCRun: headings listed above the article without a 目次 make a table
// of contents from minTOCRun of them on.
func TestLimitTOCRun(t *testing.T) {
	for n := minTOCRun - 1; n <= minTOCRun; n++ {
		var head, body []string
		for i := range n {
			h := fmt.Sprintf("Section %c of the guide", 'A'+i)
			head = append(head, h)
			body = append(body, h, prose)
		}
		p := Text(strings.Join(append(append([]string{prose}, head...), body...), "\n"), Options{})
		toc := slices.Contains(p.Dropped, Dropped{"Section A of the guide", ReasonTOC})
		if toc != (n >= minTOCRun) {
			t.Errorf("%d headings listed above: dropped as contents %v, want %v", n, toc, n >= minTOCRun)
		}
	}
}

// maxDatedRunes: a short line with a date is a byline; a longer one that
// is no sentence is left to the classifier.
func TestLimitDatedRunes(t *testing.T) {
	short := "Jane Doe 2025.05.19"
	long := "Results of the 2024.03.01 survey of " + strings.Repeat("sleep ", 4) + "habits in adults over sixty"
	p := Text(strings.Join([]string{prose, short, prose, long, prose}, "\n"), Options{})
	if got := reasonIn(p, short); got != ReasonByline {
		t.Errorf("%q: reason %q, want byline", short, got)
	}
	if len([]rune(long)) <= maxDatedRunes || reasonIn(p, long) == ReasonByline {
		t.Errorf("%q (%d runes): dropped as a byline", long, len([]rune(long)))
	}
}

// maxBlockLines: a list of related articles takes at most that many lines
// below its label.
func TestLimitBlockLines(t *testing.T) {
	lines := []string{prose, prose, "関連記事"}
	for i := range maxBlockLines[ReasonRelated] + 1 {
		lines = append(lines, fmt.Sprintf("ほかの記事の題名その%d", i+1))
	}
	p := Text(strings.Join(lines, "\n"), Options{})
	last := lines[len(lines)-1]
	if got := reasonIn(p, lines[len(lines)-2]); got != ReasonRelated {
		t.Errorf("line %d of the block: reason %q, want related", maxBlockLines[ReasonRelated], got)
	}
	if got := reasonIn(p, last); got == ReasonRelated {
		t.Errorf("line %d after the label taken as related too", maxBlockLines[ReasonRelated]+1)
	}
}
