package extract

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// dropAboveTitle: what stands above an article's title, but a paragraph
// of prose, is the page's head (banner, menu, breadcrumbs), whatever its
// neighbours.
func dropAboveTitle(lines []line) {
	ti := slices.IndexFunc(lines, func(l line) bool { return l.title })
	for i := range max(ti, 0) {
		if l := &lines[i]; l.hard == "" && textSize(l.text) < lengthHigh {
			l.class = bad
		}
	}
}

// titleReach is how many blocks above the first paragraph of the article
// its title may stand, bylines, banners and share bars between.
const titleReach = 30

// minTitleOverlap is the share of a title's words that its article's text
// must use: a title names what the text is about, a site's banner, its
// menu or an author's credentials do not.
const minTitleOverlap = 0.5

// minTitleWords: a title shares at least two words with its text; one
// may be a section's name ("ブログ").
const minTitleWords = 2

// markTitle finds the article's title among the short blocks above its
// first good block, by the words it shares with the article, and makes it
// good: furniture (a banner, a byline) often stands between a title and
// its text.
func markTitle(lines []line) {
	// The article's text starts with a good block followed, past any
	// furniture a pattern found (its contents), by another: a single
	// sentence of a widget ("Which best describes you?") does not start it.
	first := -1
	for i := 0; i+1 < len(lines) && first < 0; i++ {
		if lines[i].hard != "" || lines[i].class != good {
			continue
		}
		j := i + 1
		for j < len(lines) && lines[j].hard != "" {
			j++
		}
		if j < len(lines) && lines[j].class >= nearGood {
			first = i
		}
	}
	if first < 0 {
		first = slices.IndexFunc(lines, func(l line) bool { return l.hard == "" && l.class == good })
	}
	if first < 0 {
		return
	}
	var body strings.Builder
	for _, l := range lines[first:] {
		if l.hard == "" && l.class >= nearGood {
			body.WriteString(strings.ToLower(l.text))
			body.WriteByte('\n')
		}
	}
	text := body.String()
	// Of the blocks that use the article's words enough, the one that uses
	// most of them, but not an item of a menu or a list: the menu above a
	// title may name the article's subject too. A block the head of the
	// page prints twice (the banner's title, then the headline) goes first.
	copies := map[string]int{}
	for _, l := range lines[max(0, first-titleReach):first] {
		copies[l.text]++
	}
	// A title of one word (NMN) must be all in the text, and comes only
	// when no longer one does.
	best, bestScore := -1, [2]int{}
	for i := max(0, first-titleReach); i < first; i++ {
		l := lines[i]
		if l.hard != "" || !titleShape(l.text) || inMenu(lines, i) || IsListItem(l.text) {
			continue
		}
		share, n := overlap(l.text, text)
		if share < minTitleOverlap || n < minTitleWords && (n == 0 || share < 1) {
			continue
		}
		score := [2]int{min(copies[l.text], 2), n}
		if n < minTitleWords {
			score = [2]int{0, n}
		}
		// A headline's deck, the line right below it, often shares more
		// words with the text; it does not displace the headline.
		deck := best >= 0 && best == i-1
		if score[0] > bestScore[0] || score[0] == bestScore[0] && score[1] > bestScore[1] && !deck {
			best, bestScore = i, score
		}
	}
	if best >= 0 {
		lines[best].class, lines[best].title = good, true
	}
}

// A menu is a run of at least minMenuRun blocks of at most menuItemSize.
const (
	minMenuRun   = 4
	menuItemSize = 24 // twelve Japanese characters, a few English words
)

// inMenu reports whether block i is an item of a menu.
func inMenu(lines []line, i int) bool {
	if textSize(lines[i].text) > menuItemSize {
		return false
	}
	start, end := i, i
	for start > 0 && textSize(lines[start-1].text) <= menuItemSize {
		start--
	}
	for end+1 < len(lines) && textSize(lines[end+1].text) <= menuItemSize {
		end++
	}
	return end-start+1 >= minMenuRun
}

// titleShape: a title may ask or exclaim, and join two phrases with 。,
// but is no paragraph.
func titleShape(t string) bool {
	t = strings.TrimSpace(t)
	return utf8.RuneCountInString(t) <= maxHeadingRunes && !strings.HasSuffix(t, "。") && !strings.HasSuffix(t, ".")
}

// overlap is the share of t's words (Latin words of three letters or
// more, pairs of Japanese characters) that text holds, and their number.
func overlap(t, text string) (float64, int) {
	var words []string
	// Runs of one script: "NMNと気分" is the word nmn and the pairs と気, 気分.
	for _, w := range strings.FieldsFunc(strings.ToLower(t), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		rs := []rune(w)
		for start := 0; start < len(rs); {
			end := start + 1
			for end < len(rs) && IsJapanese(rs[end]) == IsJapanese(rs[start]) {
				end++
			}
			run := rs[start:end]
			if !IsJapanese(run[0]) {
				if len(run) >= 3 && !englishStopWords[string(run)] {
					words = append(words, string(run))
				}
			} else {
				// pairs of kanji and katakana: pairs with kana are mostly
				// particles and endings
				for i := 0; i+1 < len(run); i++ {
					if !unicode.Is(unicode.Hiragana, run[i]) && !unicode.Is(unicode.Hiragana, run[i+1]) {
						words = append(words, string(run[i:i+2]))
					}
				}
			}
			start = end
		}
	}
	if len(words) == 0 {
		return 0, 0
	}
	n := 0
	for _, w := range words {
		if strings.Contains(text, w) {
			n++
		}
	}
	return float64(n) / float64(len(words)), n
}
