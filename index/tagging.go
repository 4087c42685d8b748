package index

import (
	"slices"

	"nmnsearch/index/extract"
)

// maxLeadDistance is how many blocks other than list items may stand
// between a list and the paragraph that leads it (the sublist's heading).
const maxLeadDistance = 2

// A paragraph carries a topic whose keywords it uses at least 1/passingShare
// as often as its main topic's, or minHitsAlone times.
const (
	passingShare = 2
	minHitsAlone = 3
)

// minArticleShare is the share of an article's paragraphs that must carry
// a topic for the article to be about it (besides a topic its title names):
// one paragraph on sleep does not make a skin-care article a sleep article.
const minArticleShare = 0.25

// tag gives each paragraph of a the topics its own words name, plus those
// its section's heading names (a paragraph under "睡眠の質" goes on about
// sleep without repeating the word), plus explicit, the topics the
// article's author named for all of it. A title is not a section heading
// here: it names what the article is about, not each paragraph. A paragraph
// that names no topic and sits between two that name the same one takes it
// too. The article's topics are explicit, or else those its title names
// and those of at least minArticleShare of its paragraphs.
func (t *Topics) tag(a *Article, explicit []string) {
	m := t.matcher()
	own := make([][]string, len(a.Paragraphs))
	for i := range a.Paragraphs {
		hits := m.count(textTerms(a.Paragraphs[i].Text), len(t.list))
		top := slices.Max(hits)
		for g, n := range hits {
			// A word in passing is no topic: "stress" in a paragraph on
			// insomnia that names sleep four times.
			if n > 0 && (n*passingShare >= top || n >= minHitsAlone) {
				own[i] = append(own[i], t.list[g].Name)
			}
		}
	}
	titles := titleHeadings(a)
	// what each paragraph's section heading names (two sections may share
	// a heading's text: まとめ, Q&A)
	sectionTopics := make([][]string, len(a.Paragraphs))
	var current []string
	for i, p := range a.Paragraphs {
		if p.Heading {
			current = nil
			if !titles[i] {
				current = own[i]
			}
		}
		sectionTopics[i] = current
	}
	counts := map[string]int{}
	for i := range a.Paragraphs {
		p := &a.Paragraphs[i]
		set := slices.Clone(own[i])
		if !p.Heading {
			set = append(set, sectionTopics[i]...)
		}
		if !p.Heading && extract.IsListItem(p.Text) {
			// An item of a list is about what the paragraph leading it is
			// about: the nearest above that is not an item, past the
			// headings of a sublist ("Core symptoms").
			for j, seen := i-1, 0; j >= 0 && seen < maxLeadDistance; j-- {
				if q := a.Paragraphs[j]; !extract.IsListItem(q.Text) {
					seen++
					if !q.Heading {
						set = append(set, own[j]...)
						break
					}
				}
			}
		}
		if len(set) == 0 && !p.Heading && i > 0 && i+1 < len(a.Paragraphs) {
			prev, next := a.Paragraphs[i-1], a.Paragraphs[i+1]
			if !prev.Heading && !next.Heading {
				for _, tp := range own[i-1] {
					if slices.Contains(own[i+1], tp) {
						set = append(set, tp)
					}
				}
			}
		}
		set = append(set, explicit...)
		p.Topics = t.sort(set)
		if !p.Heading {
			for _, tp := range p.Topics {
				counts[tp]++
			}
		}
	}
	if len(explicit) > 0 {
		a.Topics = t.sort(slices.Clone(explicit))
		return
	}
	body := 0
	for _, p := range a.Paragraphs {
		if !p.Heading {
			body++
		}
	}
	var topics []string
	for i := range a.Paragraphs {
		if titles[i] {
			topics = append(topics, own[i]...)
		}
	}
	for tp, n := range counts {
		if float64(n) >= minArticleShare*float64(body) {
			topics = append(topics, tp)
		}
	}
	a.Topics = t.sort(topics)
}

// titleHeadings marks the article's title headings: its first heading, and
// the first heading of each later half in another language (a bilingual
// article has a title per language).
func titleHeadings(a *Article) map[int]bool {
	out := map[int]bool{}
	lang := ""
	for i, p := range a.Paragraphs {
		if p.Lang != lang {
			lang = p.Lang
			if p.Heading && (i == 0 || langRun(a.Paragraphs[i:], lang) >= minHalfParagraphs) {
				out[i] = true
			}
		}
	}
	return out
}

// minHalfParagraphs is the fewest paragraphs in a row of one language that
// make a half of a bilingual article, rather than a quotation.
const minHalfParagraphs = 3

// langRun counts the paragraphs at the start of ps in lang.
func langRun(ps []Paragraph, lang string) int {
	n := 0
	for _, p := range ps {
		if p.Lang != lang {
			break
		}
		n++
	}
	return n
}
