package index

import (
	"fmt"

	"nmnsearch/index/extract"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Languages a paragraph can be in, decided by script.
const (
	LangJA = "ja"
	LangEN = "en"
)

// Dropped is a line left out of an article as the site's furniture, with
// the reason (see package extract).
type Dropped = extract.Dropped

// Article is one blog post as the service keeps it: chrome removed, one title,
// paragraphs in the author's order.
type Article struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Titles holds a bilingual article's title in each of its languages
	// (nil for an article in one); see TitleIn.
	Titles     map[string]string `json:"titles,omitempty"`
	URL        string            `json:"url"`
	Topics     []string          `json:"topics"`
	Paragraphs []Paragraph       `json:"paragraphs"`
	// Dropped lists the lines of the source left out as the site's
	// furniture, with the reason each was.
	Dropped []Dropped `json:"dropped,omitempty"`

	// src is what the article was parsed from (see Source), kept so that the
	// store holds the source and parsing can be redone.
	src *Source
}

// TitleIn returns the article's title in lang, or its Title when it has
// none in lang.
func (a *Article) TitleIn(lang string) string {
	if t := a.Titles[lang]; t != "" {
		return t
	}
	return a.Title
}

// Paragraph is the unit of search: one block of text as the author wrote it.
type Paragraph struct {
	ID      string   `json:"id"`
	Article string   `json:"article"`
	N       int      `json:"n"` // 1-based position among the article's kept paragraphs
	Lang    string   `json:"lang"`
	Section string   `json:"section"` // nearest heading above (a heading is its own section)
	Heading bool     `json:"heading"`
	Topics  []string `json:"topics"`
	Text    string   `json:"text"`

	// lengths holds the token count of each of textFields, -1 where the
	// paragraph does not have the field; set when it is indexed.
	lengths [len(textFields)]int32
	// folded is Text in NFKC where that differs from Text, "" where not;
	// set with lengths. See Folded.
	folded string
}

// Folded returns the paragraph's text in NFKC, as the analyzers see it
// before they split it into tokens: a phrase of bigrams is in FieldJA
// exactly where its characters stand in a row in the Folded text.
func (p *Paragraph) Folded() string {
	if p.folded != "" {
		return p.folded
	}
	return p.Text
}

// FoldedJA returns the Folded text that FieldJA analyzes, "" for a
// paragraph that is not Japanese: document puts only Japanese paragraphs
// in FieldJA.
func (p *Paragraph) FoldedJA() string {
	if p.Lang != LangJA {
		return ""
	}
	return p.Folded()
}

// Unfold maps spans of the Folded text (start and end byte offsets) to the
// bytes of Text they came from, as the analyzers map token offsets, in
// place: a word found in the folded text marks the characters it stands for
// (ﾒﾗﾄﾆﾝ for メラトニン).
func (p *Paragraph) Unfold(spans [][2]int) [][2]int {
	if p.folded == "" {
		return spans
	}
	_, starts, ends := nfkc([]byte(p.Text))
	for i, sp := range spans {
		if sp[0] < sp[1] && sp[1] <= len(starts) {
			spans[i] = [2]int{starts[sp[0]], ends[sp[1]-1]}
		}
	}
	return spans
}

// maxHeadingRunes bounds what may count as a heading: titles of this blog run
// to about 150 characters in English, article sentences are longer or end in
// punctuation.
const maxHeadingRunes = 160

// ParseArticle turns one scraped article file into an Article. topics, when
// given, name the article's main topics instead of detecting them. The
// article keeps raw as its Source.
func ParseArticle(id string, raw []byte, topics ...string) (Article, error) {
	if !validArticleID(id) {
		return Article{}, invalidID(id)
	}
	if !utf8.Valid(raw) {
		return Article{}, invalid("text", fmt.Sprintf("article %s is not valid UTF-8", id))
	}
	a, err := newArticle(id, extract.Text(string(raw), extract.Options{}).Kept, false, topics, defaultTopics())
	if err != nil {
		return Article{}, err
	}
	a.src = &Source{ID: id, Topics: slices.Clone(topics), Text: string(raw)}
	return a, nil
}

// newArticle makes an article of its kept blocks, one paragraph each, and
// tags its paragraphs with the topics of set; explicit are the article's
// own, given by whoever wrote it. A block of markup (HTML) is a heading
// when the markup says so; a line of text when it reads as one.
func newArticle(id string, blocks []extract.Block, markup bool, explicit []string, set *Topics) (Article, error) {
	a := Article{ID: id}
	section := ""
	type piece struct {
		extract.Block
		cut bool // a piece of a block too long for one paragraph: no heading
	}
	var pieces []piece
	for _, b := range blocks {
		parts := extract.Split(b.Text)
		for _, t := range parts {
			pieces = append(pieces, piece{extract.Block{Text: t, Heading: b.Heading && len(parts) == 1}, len(parts) > 1})
		}
	}
	for _, b := range pieces {
		line := b.Text
		p := Paragraph{
			Article: id,
			N:       len(a.Paragraphs) + 1,
			Lang:    detectLang(line),
			Heading: b.Heading || !markup && !b.cut && isHeading(line),
			Text:    line,
		}
		p.ID = fmt.Sprintf("%s-%d", id, p.N)
		if p.Heading {
			section = line
			if a.Title == "" {
				a.Title = line
			}
		}
		p.Section = section
		a.Paragraphs = append(a.Paragraphs, p)
	}
	if len(a.Paragraphs) == 0 {
		return Article{}, invalid("text", fmt.Sprintf("article %s has no text after removing site chrome", id))
	}
	if a.Title == "" {
		a.Title = a.Paragraphs[0].Text
	}
	a.Title = titleFrom(a.Title)
	for i := range titleHeadings(&a) {
		p := a.Paragraphs[i]
		if i > 0 && p.Lang != a.Paragraphs[0].Lang {
			if a.Titles == nil {
				a.Titles = map[string]string{a.Paragraphs[0].Lang: a.Title}
			}
			a.Titles[p.Lang] = titleFrom(p.Text)
		}
	}
	set.tag(&a, explicit)
	return a, nil
}

// titleFrom makes text a title as an explicit one must be: one line, at
// most maxTitleRunes characters (cut with …).
func titleFrom(text string) string {
	if !strings.ContainsFunc(text, unicode.IsControl) && utf8.RuneCountInString(text) <= maxTitleRunes {
		return text
	}
	t := strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, text)), " ")
	if utf8.RuneCountInString(t) <= maxTitleRunes {
		return t
	}
	r := []rune(t)
	return string(r[:maxTitleRunes-1]) + "…"
}

// articleIDFromFile maps a seed file name such as "001_c2c3b5d23e0135b4.txt"
// to the article id "001-c2c3b5d23e0135b4".
func articleIDFromFile(name string) string {
	if ext := path.Ext(name); strings.EqualFold(ext, ".txt") || isHTMLFile(name) {
		name = strings.TrimSuffix(name, ext)
	}
	return strings.ToLower(strings.ReplaceAll(name, "_", "-"))
}

// isHTMLFile reports whether a file's name says it is a web page: .html or
// .htm.
func isHTMLFile(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".html" || ext == ".htm"
}

func validArticleID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// isHeading reports whether a line reads as a heading: short and not ending
// like a sentence. Numbered headings ("1. …", "a. …"), titles and "まとめ"
// all fit; sentences, "Label: text." lines and bulleted items do not.
func isHeading(line string) bool {
	if utf8.RuneCountInString(line) > maxHeadingRunes || strings.Contains(line, "。") || extract.IsBulleted(line) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(line)
	return !strings.ContainsRune(".。．!！?？:：…、,;；", last)
}

// IsJapanese reports whether r is a kanji or kana.
func IsJapanese(r rune) bool { return extract.IsJapanese(r) }

// detectLang calls a paragraph Japanese as extract.IsJapaneseText does, so
// that an English paragraph that quotes one Japanese word stays English
// (and keeps stemming and stop words).
func detectLang(s string) string {
	if extract.IsJapaneseText(s) {
		return LangJA
	}
	return LangEN
}
