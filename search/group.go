package search

import (
	"slices"

	bsearch "github.com/blevesearch/bleve/v2/search"

	"nmnsearch/index"
)

// Grouping by article, as Algolia's distinct, Typesense's group_by and
// Pagefind's sub-results do: a visitor reads one entry per article, its
// best paragraphs under it.
const (
	// GroupArticle is Request.Group's value for one entry per article.
	GroupArticle = "article"
	// GroupHits is how many paragraphs an article's entry shows at most.
	GroupHits = 3
	// groupWindow is how many paragraph hits, best first, a grouped search
	// reads to make its groups: the articles past them are counted, not
	// listed (paging stops within MaxResultWindow anyway).
	groupWindow = MaxResultWindow
	// headingLift is the share of a matching heading's score that the
	// paragraphs of its section that match too are given on top of their
	// own: the hierarchy DocSearch and Pagefind rank by.
	headingLift = 0.5
)

// Group is one article's entry in a grouped result.
type Group struct {
	Article ArticleRef `json:"article"`
	Hits    []Hit      `json:"hits"`
}

// ranked is a hit of a grouped search with the paragraph it found.
type ranked struct {
	dm    *bsearch.DocumentMatch
	p     *index.Paragraph
	score float64
}

// groupHits groups hits, best first, by article, after the heading rule: a
// heading that matches lifts the matching paragraphs of its section and is
// dropped for them, showing as their section label; it stays, alone, when
// nothing under it matches. Each group keeps its GroupHits best in the
// language of its best.
func groupHits(v *index.Snapshot, hits bsearch.DocumentMatchCollection) [][]ranked {
	var rs []ranked
	headings := map[[2]string]float64{} // (article, section) -> the heading's score
	for _, dm := range hits {
		p, ok := v.Paragraph(dm.ID)
		if !ok {
			continue
		}
		rs = append(rs, ranked{dm, p, dm.Score})
		if p.Heading {
			headings[[2]string{p.Article, p.Text}] = max(headings[[2]string{p.Article, p.Text}], dm.Score)
		}
	}
	lifted := map[[2]string]bool{}
	for i, r := range rs {
		key := [2]string{r.p.Article, r.p.Section}
		if hs, ok := headings[key]; ok && !r.p.Heading {
			rs[i].score += headingLift * hs
			lifted[key] = true
		}
	}
	rs = slices.DeleteFunc(rs, func(r ranked) bool { return r.p.Heading && lifted[[2]string{r.p.Article, r.p.Text}] })
	slices.SortStableFunc(rs, func(a, b ranked) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	var groups [][]ranked
	at := map[string]int{}
	for _, r := range rs {
		g, ok := at[r.p.Article]
		if !ok {
			g = len(groups)
			at[r.p.Article] = g
			groups = append(groups, nil)
		}
		// An entry's paragraphs are in the language of its best, whose
		// title it shows: a bilingual article's other half stays out.
		if len(groups[g]) < GroupHits && (len(groups[g]) == 0 || groups[g][0].p.Lang == r.p.Lang) {
			groups[g] = append(groups[g], r)
		}
	}
	return groups
}
