package extract

import (
	"slices"
	"strings"
)

// Block is one block of a page's text in page order: a line of a text
// file, or a heading, paragraph, list item or table cell of an HTML page.
type Block struct {
	Text string
	// Heading is set for h1–h6 of an HTML page; a text file's headings
	// are told by their shape (see index).
	Heading bool
	level   int  // of an HTML heading: 1 for h1
	caption bool // the text of an HTML figcaption
}

// Dropped is a block left out of the article, with the reason.
type Dropped struct {
	Text   string `json:"text"`
	Reason string `json:"reason"`
}

// The reasons a block is dropped for.
const (
	ReasonBoilerplate = "boilerplate"  // short or link-like text among furniture (jusText's bad)
	ReasonTemplate    = "template"     // printed by other pages of the same site too
	ReasonTOC         = "contents"     // a table of contents
	ReasonByline      = "byline"       // author, reviewer, dates of posting or update
	ReasonCredit      = "credit"       // a caption, photo credit or source line
	ReasonContact     = "contact"      // address, phone, booking and follow calls
	ReasonInterface   = "interface"    // a label of the page's controls: MENU, Share, Back to top
	ReasonRelated     = "related"      // links to other articles and their teasers
	ReasonCopyright   = "copyright"    // the footer's rights line
	ReasonDuplicate   = "duplicate"    // a second copy of a block kept once
	ReasonNoContent   = "outside-main" // HTML: outside the content readability found
	ReasonCaption     = "figure"       // HTML: a figure's caption
	ReasonEmpty       = "no-letters"   // no letter or digit at all
)

// jusText's parameters (Pomikálek 2011), in characters of English text; a
// Japanese character counts as japaneseWeight of them, since it carries
// about as much as a short English word does. The stop-word thresholds
// are per language: bleve's English stop list is shorter than jusText's,
// and the Japanese measure (see stopwordDensity) runs higher.
const (
	lengthLow      = 70
	lengthHigh     = 200
	japaneseWeight = 2
)

var stopwordThresholds = map[bool][2]float64{ // by "is Japanese": low, high
	false: {0.20, 0.25},
	true:  {0.40, 0.50},
}

const (
	// maxHeadingGap is how far below a heading the content it heads may
	// start, in blocks (jusText measures 200 characters).
	maxHeadingGap = 2
)

type class int

const (
	bad class = iota
	short
	nearGood
	good
	end // past the last block: see resolveByContext
)

type line struct {
	text    string
	heading bool // known to be a heading (HTML)
	class   class
	hard    string // a pattern's reason: decided, not left to context
	title   bool   // the article's title (markTitle), whatever its neighbours
}

// Options are what a page's blocks are classified with besides their text.
type Options struct {
	// OtherPages counts the other pages of the same site that print this
	// block too (its template); nil means no other page is known.
	OtherPages func(text string) int
	// Title is the page's title when its markup says it (HTML's head):
	// the block of that text is the title, found by no guess.
	Title string
}

// Page is what Classify makes of a page's blocks.
type Page struct {
	Kept    []Block   // the article's blocks, in order
	Dropped []Dropped // the rest, in order, with their reasons
	// Title is the kept block found to be the article's title, "" when
	// none stands out (the first heading is then the title).
	Title string
}

// Classify splits blocks into those kept as the article's, in order, and
// those dropped, with their reasons.
func Classify(blocks []Block, opt Options) Page {
	lines := make([]line, 0, len(blocks))
	for _, b := range blocks {
		t := strings.TrimSpace(b.Text)
		if t == "" {
			continue
		}
		lines = append(lines, line{text: t, heading: b.Heading})
	}
	markPatterns(lines, opt)
	markCaptions(lines)
	for i := range lines {
		if lines[i].hard == "" {
			lines[i].class = classifyAlone(lines[i].text)
		}
	}
	markSentenceRuns(lines)
	// A page with no paragraph and no furniture (a note of a few lines, not
	// a web page) gives the context nothing to go by: it is kept whole.
	note := !slices.ContainsFunc(lines, func(l line) bool { return l.hard != "" || l.class == good })
	markHeadings(lines)
	if i := slices.IndexFunc(lines, func(l line) bool { return opt.Title != "" && l.text == opt.Title }); i >= 0 {
		lines[i].hard, lines[i].class, lines[i].title = "", good, true
	} else {
		markTitle(lines)
	}
	dropAboveTitle(lines)
	resolveByContext(lines)
	if note {
		for i := range lines {
			lines[i].class = good
		}
	}
	var p Page
	seen := map[string]bool{}
	title := ""
	for _, l := range lines {
		if l.title {
			title = l.text
		}
	}
	for i, l := range lines {
		// A second copy of the title, of the block right above, or of a
		// paragraph is a copy; a heading may stand twice (まとめ).
		copied := seen[l.text] && (l.text == title || i > 0 && lines[i-1].text == l.text || !headingShape(l.text))
		switch {
		case l.hard != "":
			p.Dropped = append(p.Dropped, Dropped{l.text, l.hard})
		case l.class != good:
			p.Dropped = append(p.Dropped, Dropped{l.text, ReasonBoilerplate})
		case copied:
			p.Dropped = append(p.Dropped, Dropped{l.text, ReasonDuplicate})
		default:
			seen[l.text] = true
			p.Kept = append(p.Kept, Block{Text: l.text, Heading: l.heading})
			if l.title && p.Title == "" {
				p.Title = l.text
			}
		}
	}
	if p.Title == "" {
		// no block stood out: the first that reads as a heading
		if i := slices.IndexFunc(p.Kept, func(b Block) bool { return b.Heading || headingShape(b.Text) && !IsListItem(b.Text) }); i >= 0 {
			p.Title = p.Kept[i].Text
		}
	}
	return p
}

// classifyAlone is jusText's context-free classification: by length and
// the share of stop words. (Link density, its third measure, is not known
// for a line of text; HTML's link-heavy blocks readability has removed.)
func classifyAlone(t string) class {
	size := textSize(t)
	density := stopwordDensity(t)
	th := stopwordThresholds[IsJapaneseText(t)]
	stopwordsLow, stopwordsHigh := th[0], th[1]
	// Sentences are prose even where technical words crowd out stop words
	// (a short stop list finds few in "NMN improved hepatic insulin
	// sensitivity"); a keyword list or a run of names has none.
	sentences := hasSentence(t)
	switch {
	case size < lengthLow || !sentences && headingShape(t) && size < lengthHigh:
		// a label, or a heading: its neighbours tell which
		if density >= stopwordsHigh && endsSentence(t) {
			return nearGood // a short sentence, not a label
		}
		return short
	case density >= stopwordsHigh || sentences && density >= stopwordsLow/2:
		// Web pages, Japanese ones above all, often give each sentence a
		// paragraph of its own: a whole sentence of prose is good though
		// shorter than jusText's lengthHigh.
		if size > lengthHigh || sentences && density >= stopwordsHigh {
			return good
		}
		return nearGood
	case density >= stopwordsLow || sentences:
		return nearGood
	}
	return bad
}

// markSentenceRuns makes good the lines of a paragraph written a sentence
// a line, as many Japanese pages are: each is short, but together they are
// prose as long as jusText's good paragraph.
func markSentenceRuns(lines []line) {
	// a statement: a title may ask or exclaim
	isSentence := func(l line) bool {
		th := stopwordThresholds[IsJapaneseText(l.text)]
		t := strings.TrimRight(l.text, " \"'”」』)）")
		return l.hard == "" && (strings.HasSuffix(t, "。") || strings.HasSuffix(t, ".")) && stopwordDensity(l.text) >= th[0]
	}
	for i := 0; i < len(lines); {
		j, size := i, 0
		for j < len(lines) && isSentence(lines[j]) {
			size += textSize(lines[j].text)
			j++
		}
		if j-i >= 2 && size > lengthHigh {
			for k := i; k < j; k++ {
				lines[k].class = good
			}
		}
		i = max(j, i+1)
	}
}

// markHeadings is jusText's heading rule: a short block that heads content
// within maxHeadingGap blocks is near-good, not short. A text file's
// headings are known by their place only: the block right below must be
// content, so that a run of menu labels does not count.
func markHeadings(lines []line) {
	for i := range lines {
		l := &lines[i]
		if l.hard != "" || l.class != short || !headingShape(l.text) {
			continue
		}
		// A byline or a date between a heading and its text is passed over.
		// In text, where any short line looks like a heading, a heading
		// stands right above its text.
		gap := 1
		if l.heading {
			gap = maxHeadingGap
		}
		for j, n := i+1, 0; j < len(lines) && n < gap; j++ {
			if lines[j].hard == ReasonByline || lines[j].hard == ReasonCredit {
				continue
			}
			if lines[j].hard != "" {
				break
			}
			n++
			if lines[j].class >= nearGood && !headingShape(lines[j].text) {
				l.class = nearGood
				break
			}
		}
	}
}

// resolveByContext is jusText's context-sensitive pass: near-good blocks
// are good unless both neighbours are bad; short blocks take the class of
// their neighbours (good if both are good, bad if either is bad and the
// other is not good). The page's edges count as bad.
func resolveByContext(lines []line) {
	// The top of a page counts as furniture, as in jusText: pages open
	// with their site's banner and menu. Its end is no evidence either way
	// (a text may end with its last paragraph, a page cut short mid-list):
	// a block there goes by its other neighbour.
	classOf := func(i int) class {
		switch {
		case i >= len(lines):
			return end
		case i < 0 || lines[i].hard != "":
			return bad
		}
		return lines[i].class
	}
	// The neighbour of a block is the nearest one that is not short (with
	// skipNear, nor near-good). A byline or credit is passed over: it stands
	// inside articles, between a title and its text or a figure and the
	// next paragraph. Found for every block in two passes, one each way.
	passed := func(j int) bool { return lines[j].hard == ReasonByline || lines[j].hard == ReasonCredit }
	var near [2][2][]class // [step < 0][skipNear]
	for s, step := range []int{1, -1} {
		for k, skipNear := range []bool{false, true} {
			out := make([]class, len(lines))
			last := end // what lies past the last block
			if step < 0 {
				last = bad // and before the first
			}
			start, stop := len(lines)-1, -1
			if step < 0 {
				start, stop = 0, len(lines)
			}
			for j := start; j != stop; j -= step {
				out[j] = last
				c := classOf(j)
				if !passed(j) && c != short && !(skipNear && c == nearGood) {
					last = c
				}
			}
			near[s][k] = out
		}
	}
	neighbour := func(i, step int, skipNear bool) class {
		s, k := 0, 0
		if step < 0 {
			s = 1
		}
		if skipNear {
			k = 1
		}
		return near[s][k][i]
	}
	out := make([]class, len(lines))
	for i := range lines {
		c := classOf(i)
		switch c {
		case short:
			prev, next := neighbour(i, -1, false), neighbour(i, 1, false)
			if next == end {
				next = prev
			}
			switch {
			case prev == good && next == good:
				c = good
			case prev == bad || next == bad:
				if prev == good || next == good {
					// between content and furniture: look past the
					// near-good ones for the stronger side
					p, n := neighbour(i, -1, true), neighbour(i, 1, true)
					if n == end {
						n = p
					}
					c = bad
					if p == good && n == good {
						c = good
					}
				} else {
					c = bad
				}
			default:
				c = good
			}
		case nearGood:
			prev, next := neighbour(i, -1, true), neighbour(i, 1, true)
			if next == end {
				next = prev
			}
			if prev == bad && next == bad {
				c = bad
			} else {
				c = good
			}
		}
		out[i] = c
	}
	for i := range lines {
		if lines[i].hard == "" && !lines[i].title {
			lines[i].class = out[i]
		}
	}
	// A list's items are short, and the last of a page has no content
	// below it: an item goes with the block above it, its lead or the item
	// before.
	for i := 1; i < len(lines); i++ {
		if l := &lines[i]; l.hard == "" && l.class != good && listItem.MatchString(l.text) &&
			lines[i-1].hard == "" && lines[i-1].class == good {
			l.class = good
		}
	}
}
