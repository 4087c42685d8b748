package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis/lang/en"
)

// englishStopWords is bleve's English stop list, the one the index's
// English analyzer drops.
var englishStopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(string(en.EnglishStopWords), "\n") {
		if w, _, _ := strings.Cut(l, "|"); strings.TrimSpace(w) != "" {
			m[strings.TrimSpace(w)] = true
		}
	}
	return m
}()

// maxLabelRunes bounds the lines the patterns below may drop: bylines,
// credits, calls and labels are short; a longer line that mentions a date
// or a phone number is an author's sentence.
const maxLabelRunes = 80

// A pattern names one kind of furniture every kind of site prints, by its
// shape or by the words of the genre (not by any one site's words).
type pattern struct {
	reason string
	match  *regexp.Regexp
}

// longPatterns may drop a block of up to maxMetaRunes: a byline naming
// reviewer, author and date, a copyright or a disclaimer runs long.
const maxMetaRunes = 300

var longPatterns = []pattern{
	{ReasonCopyright, regexp.MustCompile(`(?i)^[\s\pP]*(©|\(c\)\s*\d{4}|copyright)|all rights reserved|無断転載|無断複写|` +
		`for (general )?information(al purposes)? only|(not|never) (a substitute for|intended to replace|replace) (the )?(professional |your own )?(medical )?(advice|doctor)|` +
		`医師の診断に代わる|医療行為に代わる|診断・治療を目的とした|educational purposes? only|by subscribing|subscribe to our|sign up for our|` +
		`substitute for (direct |professional )?medical (advice|diagnosis)|^disclaimer\s*[:：]?$|^免責事項\s*[:：]?$`)},
	{ReasonByline, regexp.MustCompile(`(?i)^[^\pL\pN]*((medically |fact[- ]checked |peer |clinically )?reviewed by|written by|(keywords|subject terms)\s*[:：]|キーワード\s*[:：])|author to whom correspondence|` +
		`^(\p{Lu}[\pL.'-]+\s)+\p{Lu}[\pL.'-]+\s?\d[\d,*†‡]*(,\s|\s+and\s)|^\s*\d\s+(department|division|faculty|school|institute|centre|center|university|hospital|laboratory)\b`)},
	{ReasonCredit, regexp.MustCompile(`(?i)^(figure|fig\.|table|図|表)\s*\d+[.:：]|doi\.org/|\bdoi\s*:\s*10\.`)},
}

// photoCredit is a credit under a photo, the line markCaptions looks above.
var photoCredit = regexp.MustCompile(`(?i)^(figure|fig\.|図)\s*\d+[.:：]|^(photo|image|illustration|写真|画像|イラスト)\s*(by|credit)?\s*[:：/]|getty images|shutterstock|stocksy|pixta|adobe stock|unsplash`)

// bylineName is a byline of names alone: "By Jane Doe".
var bylineName = regexp.MustCompile(`^(By|by) \p{Lu}[\pL.'-]+( \p{Lu}[\pL.'-]+)+$`)

// datedLine is a short line that holds a date: a byline ("Jane Doe
// 2025.05.19"), a posting date, a CV's year.
var datedLine = regexp.MustCompile(`\d{4}\s?[./年-]\s?\d{1,2}\s?[./月-]\s?\d{1,2}日?|(?i:(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4})|^[・•\-]?\s*(明治|大正|昭和|平成|令和)(\d{1,2}|元)年\s*$`)

// maxDatedRunes bounds a dated line that is a byline, not a sentence.
const maxDatedRunes = 40

var patterns = []pattern{
	{ReasonByline, bylineName},
	// a role under an author's name, and where a post was filed
	{ReasonByline, regexp.MustCompile(`(?i)^(.{1,40}\s[-–—|]\s)?(author|writer|editor|editor in chief|reviewer|contributor|written by|posted in|filed under|この記事を書いた人|ライター|編集部)([\s\pP]+[\pL\s]{0,40})?$|^this entry was posted in|^(originally )?published (in|on)?[\s\pP]*$`)},
	// the credits of an interview or a feature
	{ReasonByline, regexp.MustCompile(`(?i)^(content|text|words|story|interview|photos?|illustrations?) by\s*[:：]|^(聞き手|取材|取材・文|文|構成|撮影|インタビュー|編集)\s*[:：／/]`)},
	// a share button: a network's name on its own
	{ReasonInterface, regexp.MustCompile(`(?i)^[•・\-*]?\s*(facebook|twitter|x \(twitter\)|line|instagram|youtube|pinterest|linkedin|reddit|threads|bluesky|tiktok|pocket|feedly|はてなブックマーク|はてブ|note|mixi|email|e-mail|メール)\s*$`)},
	// calls to buy, save, share, comment, subscribe, and ads
	{ReasonInterface, regexp.MustCompile(`(?i)^(leave a (reply|comment)|post a comment|comments?|save (this( article| post)?|your favorites)|sign up( (for free|now))?|subscribe( now| to .{1,40})?|the latest delivered.*|get the latest.*|click here.*|learn more.*|read more.*|why you can trust us|new|sponsored( links?)?|スポンサーリンク|コメント(を書く|する)?|この記事をシェア|お気に入り(に追加)?)[\s\pP\pS]*$|\d+\s?% off|first order|shop now|free (gift|shipping|trial)|buy now|add to cart|送料無料|今すぐ購入|初回限定`)},
	// an image where the scraper found no text: its file or its placeholder
	{ReasonCredit, regexp.MustCompile(`(?i)(^|[:_\s])image\]?$|^img_?\d*$|^photo (from|by|credit)\s*[:：]|^\d{5,}[\s_-]?[a-z0-9]{0,6}$`)},
	// a clinic's place in a directory: (city/station)
	{ReasonContact, regexp.MustCompile(`^[(（][^)）]{1,20}[/／][^)）]{1,12}駅[)）]$`)},
	{ReasonInterface, regexp.MustCompile(`(?i)^(advertising policy|advertisements?|information about advertisements|read the full(-length)? article.*|広告掲載について)[\s\pP]*$`)},
	{ReasonContact, regexp.MustCompile(`駅.{0,12}徒歩\s*\d+\s*分|^(access|アクセス)\s*[:：]`)},
	{ReasonCredit, regexp.MustCompile(`(?i)^(figure|fig\.|図|表)\s*\d+[.:：]?$`)},
	{ReasonCopyright, regexp.MustCompile(`(?i)©|\(c\)\s*\d{4}|copyright|all rights reserved|無断転載|無断複写`)},
	{ReasonInterface, regexp.MustCompile(`(?i)^(terms (of (use|service))?|privacy( policy)?|cookie (policy|settings)|accessibility|sitemap|site map|contact|about us|プライバシーポリシー|個人情報保護方針|利用規約|サイトマップ|免責事項|運営会社|会社概要)[\s\pP]*$`)},
	{ReasonByline, regexp.MustCompile(`(?i)^[^\pL\pN]*((medically |fact[- ]checked |peer |clinically )?reviewed by|(written|authored|posted|edited|updated|published|last updated|last reviewed|reviewed|created|modified)( (by|on)\b|\s*[:：])|` +
		`(投稿日|更新日|公開日|最終更新日|掲載日|執筆|監修|著者|記事監修|医師監修|この記事の監修|この記事を書いた人|読了時間)[】\]]?\s*([:：|｜/]|$|\d|\s\S{1,20}$)|` +
		`(received|accepted|revised)\s*:|\d+\s*min(ute)?s?\s+read\b)|この記事は約?\s*\d+\s*分で読めます`)},
	{ReasonByline, regexp.MustCompile(`^[\s\p{P}]*(\d{4}[./年-]\s?\d{1,2}[./月-]\s?\d{1,2}日?|(?i:(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}))[\s\p{P}]*$`)},
	{ReasonCredit, regexp.MustCompile(`(?i)^(photo|image|illustration|source|credit|写真|画像|出典|引用元|イラスト)\s*(by|credit)?\s*[:：/]|getty images|shutterstock|stocksy|pixta|adobe stock|unsplash|^(figure|fig\.|図|表)\s*\d+[.:：]|^\S+\.(jpe?g|png|gif|webp|svg|avif)$|(の)?(イメージ|イメージ画像|写真)$`)},
	{ReasonByline, regexp.MustCompile(`(?i)^[○●■◆【\[]?\s*(経歴|略歴|資格|所属|所属学会|プロフィール|著者紹介|著者情報|監修者|監修医|執筆者|about the author|author bio|medical advisory board)`)},
	{ReasonInterface, regexp.MustCompile(`(?i)(はこちら|こちらから|↓)$|(会員|メンバー)(限定|登録)|有料記事|続きは|続きを読むには|登録する|登録された方|ログインして|subscribe to (read|continue)|members? only|sign up to (read|continue)|enter (a |your )?(valid )?email|email address|signed up|newsletter|メールアドレス|メルマガ`)},
	{ReasonContact, regexp.MustCompile(`(?i)^〒\s*\d{3}-?\d{4}|^(tel|fax|phone|電話|☎)[\s:：.]*[+\d０-９(（]|^\+?\d{2,4}[-‐ ]\d{2,4}[-‐ ]\d{3,4}$|^\S+@\S+\.\w+$|^https?://\S+$`)},
	{reasonCall, regexp.MustCompile(`(?i)予約|問い?合わ?せ|お申し?込み|友だち追加|友達追加|(?:^|\s)line\s?(id|で|から|@)|book (an|your) appointment|book online|contact us|call us|schedule (a|an|your)`)},
	{ReasonInterface, regexp.MustCompile(`(?i)^(メニュー|ホーム|トップ|検索|ページ(の)?(先頭|トップ)へ|シェア|ツイート|ポスト|印刷|ログイン|閉じる|次へ|前へ|戻る|続きを読む|もっと見る|一覧|広告|(menu|home|top|search|skip to (main )?content|back to top|share( this( article| post)?)?|tweet|print|subscribe|sign (in|up)|log ?in|newsletter|close|next|previous|read more|more|download pdf|cite this article|open access( article)?|advertisement|sponsored|pr)\b)[\s\pP\pS\d]*$`)},
	{ReasonInterface, regexp.MustCompile(`(?i)^(font (type|size)|line spacing|text size|文字サイズ)\s*[:：]?|(next|previous) article in|[^\s>＞›»][>＞›»][^>＞›»]+[>＞›»][^\s>＞›»]|\s[>＞›»]\s.*\s[>＞›»]\s|^(home|ホーム|トップ)\s*[>＞›»/]`)},
	{ReasonRelated, regexp.MustCompile(`(?i)^[\s\pP]*(関連記事|関連する記事|関連コラム|あわせて読みたい|合わせて読みたい|おすすめ記事|おすすめの記事|人気記事|人気の記事|最新の?(ブログ)?記事|新着記事|新着情報|カテゴリー?|タグ|アーカイブ|related( (articles|posts|stories|content|reading))?|recommended( (articles|posts|reading|for you))?|popular (posts|articles)|(latest|recent) (posts|articles|news)|you (may|might) also like|more (from|on) [^.]+|more articles|categories|tags|archives)[\s\pP]*$`)},
}

// markPatterns marks the blocks a pattern decides; the rest are left to
// the classifier.
func markPatterns(lines []line, opt Options) {
	entries := make([]string, len(lines)) // each line as a table of contents lists it
	at := map[string][]int{}              // where each entry stands
	for i, l := range lines {
		entries[i] = normalEntry(l.text)
		at[entries[i]] = append(at[entries[i]], i)
	}
	// listedAgain: the same text stands lower on the page, not right below
	// (a title printed twice in a row is no table of contents).
	listedAgain := func(i int) bool {
		ps := at[entries[i]]
		return ps[len(ps)-1] > i+1
	}
	firstProse, lastProse := -1, -1 // the blocks long enough to be the article's
	for i, l := range lines {
		if textSize(l.text) >= lengthLow {
			lastProse = i
			if firstProse < 0 {
				firstProse = i
			}
		}
	}
	// signedBelow: a short line printed above the article's first
	// paragraph and again below its last is its signature, byline or the
	// site's name, not a heading.
	signedBelow := func(i int) bool {
		ps := at[entries[i]]
		first, last := ps[0], ps[len(ps)-1]
		return len(ps) > 1 && firstProse >= 0 && first < firstProse && last > lastProse && last > first+1
	}
	// A page that shares most of its lines with another is a copy of it
	// (or the site is that page twice), not a page in the site's template.
	others := make([]int, len(lines))
	shared := 0
	for i := range lines {
		if opt.OtherPages != nil {
			if others[i] = opt.OtherPages(lines[i].text); others[i] > 0 {
				shared++
			}
		}
	}
	if shared*2 > len(lines) {
		clear(others)
	}
	seen := func(i int) bool { return others[i] > 0 }
	// headsOwnText: a heading other pages of the site print too (まとめ,
	// Conclusion) heads text of this page's own.
	headsOwnText := func(i int) bool {
		return headingShape(lines[i].text) && i+1 < len(lines) &&
			textSize(lines[i+1].text) >= lengthLow && !seen(i+1)
	}
	// headsProse: the block right below is a paragraph of sentences, as
	// below a heading of the article, never below an entry of its contents.
	headsProse := func(i int) bool {
		return i+1 < len(lines) && textSize(lines[i+1].text) >= lengthLow && hasSentence(lines[i+1].text)
	}
	// headsParagraph: the block below is a paragraph longer than a
	// teaser, and no teaser's title (a title its teaser repeats).
	headsParagraph := func(i int) bool {
		return i+2 < len(lines) && textSize(lines[i+1].text) > lengthHigh && hasSentence(lines[i+1].text) &&
			!strings.HasPrefix(lines[i+2].text, lines[i+1].text)
	}
	inTOC := false
	block, blockLeft := "", 0 // a list of related articles or an author's profile, and the lines it may still take
	for i := range lines {
		l := &lines[i]
		small := utf8.RuneCountInString(l.text) <= maxLabelRunes
		switch {
		case !strings.ContainsFunc(l.text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }):
			l.hard = ReasonEmpty
		case seen(i) && !headsOwnText(i) && !IsBulleted(l.text) && (!hasSentence(l.text) || others[i] >= minPagesForSentence):
			// a sentence other pages print too (an author's greeting) and
			// an item of a list two articles share (the symptoms of a
			// disease) are left to the classifier: templates are labels
			l.hard = ReasonTemplate
		case small && tocHeading.MatchString(l.text):
			l.hard, inTOC = ReasonTOC, true
			continue
		case tocInline.MatchString(l.text):
			l.hard = ReasonTOC
		case inTOC && small && !headsProse(i) && (tocMarker.MatchString(l.text) || listedAgain(i) || tocEntryShape(l.text)):
			l.hard = ReasonTOC
			continue
		case small && textSize(l.text) < lengthLow && signedBelow(i):
			l.hard = ReasonByline
		case small && !headsProse(i) && tocRun(lines, i, listedAgain) >= minTOCRun:
			// lines that each come again below: the headings listed before
			// the article, without a 目次 above them
			l.hard, inTOC = ReasonTOC, true
			continue
		}
		inTOC = false
		if l.hard != "" {
			continue
		}
		if utf8.RuneCountInString(l.text) <= maxDatedRunes && !hasSentence(l.text) && datedLine.MatchString(l.text) {
			l.hard = ReasonByline
		}
		if small && l.hard == "" {
			for _, p := range patterns {
				if p.match.MatchString(l.text) {
					l.hard = p.reason
					break
				}
			}
			if l.hard == reasonCall {
				// a call to book or to write, unless it is the author's
				// sentence ("受診の前に予約が必要です。")
				l.hard = ""
				if !hasSentence(l.text) {
					l.hard = ReasonContact
				}
			}
		}
		if l.hard == "" && utf8.RuneCountInString(l.text) <= maxMetaRunes {
			for _, p := range longPatterns {
				if p.match.MatchString(l.text) {
					l.hard = p.reason
					break
				}
			}
		}
		switch {
		case l.hard == ReasonRelated && headsParagraph(i):
			// a heading over text of its own is the article's ("Related
			// research" in a paper), not a list of links
			l.hard = ""
			block = ""
		case l.hard == "" && sourcesHeading.MatchString(l.text):
			l.hard = ReasonCredit
			block, blockLeft = ReasonCredit, maxBlockLines[ReasonCredit]
		case l.hard == ReasonRelated || l.hard == ReasonByline && profileHeading.MatchString(l.text):
			block, blockLeft = l.hard, maxBlockLines[l.hard]
		case block == ReasonCredit && l.hard == "" && blockLeft > 0 && (IsListItem(l.text) || blockLeft == maxBlockLines[ReasonCredit] && textSize(l.text) < lengthHigh):
			// sources: a list, and a sentence that introduces it
			l.hard = block
			blockLeft--
		case block != "" && block != ReasonCredit && l.hard == "" && blockLeft > 0 && isTeaser(lines, i) &&
			// a profile (a name, then lines on them) ends where a section starts
			!(block == ReasonByline && blockLeft < maxBlockLines[block] && headingShape(l.text) && headsProse(i)):
			l.hard = block
			blockLeft--
		case l.hard == "":
			block = ""
		}
	}
}

// markCaptions drops what a credit closes: the caption and the image's
// alt text that scrapers copy right above a photo credit, short lines that
// are no sentence.
func markCaptions(lines []line) {
	for i := range lines {
		if lines[i].hard != ReasonCredit || !photoCredit.MatchString(lines[i].text) {
			continue
		}
		for j := i - 1; j >= 0 && j >= i-2; j-- {
			if lines[j].hard != "" || textSize(lines[j].text) >= lengthHigh || endsSentence(lines[j].text) {
				break
			}
			lines[j].hard = ReasonCredit
		}
	}
}

// minPagesForSentence is how many other pages of a site must print a
// sentence for it to be the site's (a disclaimer under every post), not an
// author's greeting two posts share.
const minPagesForSentence = 2

// reasonCall marks a call to book or to get in touch for a second look:
// it is contact only where it is no sentence.
const reasonCall = "call"

// maxBlockLines bounds the lines below a "Related articles", an "About the
// author" or a "References" that go with it: a profile is a name and a few
// lines, a list of related articles or of sources a handful of entries.
var maxBlockLines = map[string]int{ReasonByline: 8, ReasonRelated: 12, ReasonCredit: 12}

// profileHeading opens an author's profile, which goes on for a few lines.
// sourcesHeading opens a list of an article's sources: references are
// where its facts come from, not text to search.
var sourcesHeading = regexp.MustCompile(`(?i)^[\s\pP]*(参考文献|参考資料|引用文献|参考・引用|出典|この記事の(科学的)?根拠|この記事の参考文献|references|sources|bibliography|works cited)[\s\pP]*$`)

var profileHeading = regexp.MustCompile(`(?i)^[○●■◆【\[]?\s*(プロフィール|著者紹介|著者情報|監修者|監修医|記事監修|医師監修|この記事の監修者?|執筆者|経歴|略歴|about the author|author bio)[】\]]?\s*([:：]|$)`)

// isTeaser reports whether block i continues a list of related articles or
// a profile: titles, and teasers of a sentence or two, shorter than a
// paragraph of the article.
func isTeaser(lines []line, i int) bool {
	t := lines[i].text
	if strings.HasSuffix(t, "…") || strings.HasSuffix(t, "...") || i+1 < len(lines) && strings.HasPrefix(lines[i+1].text, t) {
		return true
	}
	return textSize(t) < lengthHigh
}
