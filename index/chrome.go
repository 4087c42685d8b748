package index

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// A chromeRule names one kind of site chrome: page furniture the scraper
// copied along with the article. Rules look at one trimmed line at a time.
type chromeRule struct {
	name   string
	reason string
	match  func(line string) bool
}

// maxChromeRunes: booking, clinic-name and label lines are short. A longer
// line that mentions the clinic or LINE is an author's sentence and stays.
const maxChromeRunes = 60

func short(s string) bool { return utf8.RuneCountInString(s) <= maxChromeRunes }

func re(pattern string) func(string) bool { return regexp.MustCompile(pattern).MatchString }

// shortLine matches short lines that match pattern and hold none of the
// characters in notAny (sentence punctuation, for rules about labels).
func shortLine(pattern, notAny string) func(string) bool {
	m := regexp.MustCompile(pattern).MatchString
	return func(l string) bool {
		return short(l) && m(l) && (notAny == "" || !strings.ContainsAny(l, notAny))
	}
}

// chromeRules are checked in order; the first that matches drops the line.
var chromeRules = []chromeRule{
	{"site-header", "the page's title bar: place names and clinic name joined by '|'; article text never uses '|'",
		shortLine(`\|`, "。.")},
	{"blog-label", "the blog's section label printed above every post",
		re(`(?i)^(director['’]s\s+)?blog\s*(ブログ)?$|^ブログ$`)},
	{"breadcrumb", "the HOME > ブログ > … trail",
		re(`^(?i:home|ホーム)\s*[>＞›»]`)},
	{"url", "a bare link printed under its label",
		re(`^https?://\S+$`)},
	{"postal-code", "the clinic address starts with 〒 and a postal code",
		re(`^〒\s*\d{3}-?\d{4}`)},
	{"address", "a street address: prefecture, city, then block numbers",
		re(`^\S{2,4}[都道府県]\S+[市区町村]\S*\p{Nd}+\s*(丁目|番地?|-)`)},
	{"building", "the building and floor of the clinic",
		shortLine(`\p{Nd}+\s*階`, "。")},
	{"access", "directions from the station: '…駅より徒歩7分'",
		shortLine(`駅.{0,12}徒歩\s*\p{Nd}+\s*分`, "。")},
	{"phone", "the clinic's phone number",
		re(`(?i)^(tel|電話)[\s:：.]*[\d０-９()-]{9,}|^\d{2,4}-\d{2,4}-\d{4}$`)},
	{"booking", "calls to book, ask, follow on LINE or Instagram, or free counselling",
		shortLine(`予約|問い?合わ?せ|カウンセリング|\bLINE\b|インスタ|(?i:instagram)|友達追加|(?i:book (an|your) appointment)`, "")},
	{"link-label", "a label pointing at the link printed below it ('…はこちら', '…↓')",
		shortLine(`(はこちら|↓)$`, "")},
	{"clinic-name", "the clinic's name on a line of its own, as a signature",
		shortLine(`(?i)クリニック|\bclinic\b`, "、。,.")},
	{"author", "the author's name on a line of its own (family and given name), printed above and below the post",
		re(`^\p{Han}{1,4}[ 　]\p{Han}[\p{Han}\p{Hiragana}\p{Katakana}]{0,3}$`)},
}

// teaserMarker opens the "latest posts" box at the foot of a page: titles of
// other articles, each followed by the opening of that article and "…".
var teaserMarker = regexp.MustCompile(`^(最新|新着)の?(ブログ)?記事$|^(?i:latest|recent) (blog )?posts$`)

// Dropped is one line removed as chrome, with the rule that removed it.
type Dropped struct {
	Line string
	Rule string
}

// Strip splits an article file's non-empty lines into the ones kept as
// article text and the ones dropped as chrome. The first kept heading is the
// title; later copies of it are dropped.
func Strip(raw string) (kept []string, dropped []Dropped) {
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(raw, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(strings.TrimPrefix(l, "\ufeff")); l != "" {
			lines = append(lines, l)
		}
	}
	count := map[string]int{}
	for _, l := range lines {
		count[l]++
	}
	title := ""
	inTeasers := false
	for i, l := range lines {
		if teaserMarker.MatchString(l) {
			inTeasers = true
			dropped = append(dropped, Dropped{l, "teasers"})
			continue
		}
		if inTeasers {
			// A teaser is a title followed by the same title plus an excerpt
			// cut with "…"; the box ends at the first line that is neither.
			excerpt := strings.HasSuffix(l, "…") || strings.HasSuffix(l, "...")
			titleOfNext := i+1 < len(lines) && strings.HasPrefix(lines[i+1], l)
			if excerpt || titleOfNext {
				dropped = append(dropped, Dropped{l, "teasers"})
				continue
			}
			inTeasers = false
		}
		if rule := chromeRuleFor(l); rule != "" && (!repeatedOnly[rule] || count[l] > 1) {
			dropped = append(dropped, Dropped{l, rule})
			continue
		}
		if title != "" && l == title {
			dropped = append(dropped, Dropped{l, "duplicate-title"})
			continue
		}
		if title == "" && isHeading(l) {
			title = l
		}
		kept = append(kept, l)
	}
	return kept, dropped
}

// ContentLines is Strip without the record of what was dropped.
func ContentLines(raw string) []string {
	kept, _ := Strip(raw)
	return kept
}

// repeatedOnly names the rules that drop a line only when the page prints it
// more than once. A byline stands above and below the post; a short heading
// that merely looks like a name ("睡眠 改善") stands once.
var repeatedOnly = map[string]bool{"author": true}

func chromeRuleFor(line string) string {
	for _, r := range chromeRules {
		if r.match(line) {
			return r.name
		}
	}
	return ""
}
