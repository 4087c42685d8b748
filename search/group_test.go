package search

import (
	"context"
	"slices"
	"testing"
)

// group=article: one entry per article, best first, its best paragraphs
// under it; a heading that matches lifts the paragraphs of its section and
// is not an entry of its own; pages count articles.
func TestGroupByArticle(t *testing.T) {
	s := seedSearch(t)
	ctx := context.Background()
	res, err := s.Search(ctx, Request{Q: "メラトニン", Group: GroupArticle, Size: MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 0 || len(res.Groups) == 0 {
		t.Fatalf("grouped: %d hits, %d groups; want groups only", len(res.Hits), len(res.Groups))
	}
	seen := map[string]bool{}
	for _, g := range res.Groups {
		if seen[g.Article.ID] || len(g.Hits) == 0 || len(g.Hits) > GroupHits {
			t.Errorf("group %s: %d hits, seen before %v", g.Article.ID, len(g.Hits), seen[g.Article.ID])
		}
		seen[g.Article.ID] = true
		for _, h := range g.Hits {
			if h.Article.ID != g.Article.ID {
				t.Errorf("group %s holds a hit of %s", g.Article.ID, h.Article.ID)
			}
			if h.Lang != g.Hits[0].Lang || h.Article.Title != g.Article.Title {
				t.Errorf("group %s (%s, %q) holds a %s hit titled %q", g.Article.ID, g.Hits[0].Lang, g.Article.Title, h.Lang, h.Article.Title)
			}
			if h.Text == "b. メラトニン分泌をサポート" {
				t.Errorf("the heading is an answer of its own: %+v", h)
			}
		}
	}
	if res.Articles != len(res.Groups) {
		t.Errorf("articles = %d, want the %d groups of one page that holds them all", res.Articles, len(res.Groups))
	}
	if g := res.Groups[0]; g.Hits[0].Section != "b. メラトニン分泌をサポート" {
		t.Errorf("first entry's best paragraph in section %q, want the heading's, which lifts it", g.Hits[0].Section)
	}

	// The same paragraphs, ungrouped: the heading is a hit there.
	flat, err := s.Search(ctx, Request{Q: "メラトニン", Size: MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(flat.Hits, func(h Hit) bool { return h.Text == "b. メラトニン分泌をサポート" }) {
		t.Error("ungrouped, the heading is not a hit: the rule is the grouped answer's")
	}
	if flat.Articles != res.Articles || flat.Total != res.Total {
		t.Errorf("ungrouped: %d paragraphs in %d articles; grouped %d in %d", flat.Total, flat.Articles, res.Total, res.Articles)
	}
}

// A heading stays an answer, alone, when nothing under it matches; pages
// of a grouped search count articles.
func TestGroupHeadingAloneAndPaging(t *testing.T) {
	s := serviceOver(t, "a.txt", "Quokka care", "Feed them leaves in the morning.", "Give them water at night.")
	res, err := s.Search(context.Background(), Request{Q: "quokka", Group: GroupArticle})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Groups) != 1 || len(res.Groups[0].Hits) != 1 || res.Groups[0].Hits[0].Text != "Quokka care" {
		t.Errorf("groups %+v, want the heading alone", res.Groups)
	}

	seeds := seedSearch(t)
	all, err := seeds.Search(context.Background(), Request{Q: "NAD+", Group: GroupArticle})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range all.Groups {
		for _, h := range g.Hits {
			if h.Lang != g.Hits[0].Lang {
				t.Errorf("NAD+: the entry of %s (%s) holds a %s paragraph", g.Article.ID, g.Hits[0].Lang, h.Lang)
			}
		}
	}
	second, err := seeds.Search(context.Background(), Request{Q: "NAD+", Group: GroupArticle, Size: 1, Page: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Groups) < 2 || len(second.Groups) != 1 || second.Groups[0].Article.ID != all.Groups[1].Article.ID {
		t.Errorf("page 2 of size 1: %+v, want the second of %d articles", second.Groups, len(all.Groups))
	}
	if _, err := seeds.Search(context.Background(), Request{Q: "NAD+", Group: "paragraph"}); ErrorCode(err) != CodeInvalid {
		t.Errorf("group=paragraph: %v, want invalid_param", err)
	}
}

// A query that finds nothing offers the query with its unknown words
// replaced by the nearest the articles use; one that finds something, or
// whose words are all the articles', offers nothing.
func TestDidYouMean(t *testing.T) {
	s := seedSearch(t)
	for q, want := range map[string]string{
		"メラトニソ":       "メラトニン", // ン typed as ソ
		"メラトニソ -NAD+": "メラトニン -NAD+",
		"メラトニン":       "",
		"zzzzzzzzzz":  "",
	} {
		res, err := s.Search(context.Background(), Request{Q: q})
		if err != nil {
			t.Fatal(err)
		}
		if res.DidYouMean != want {
			t.Errorf("%s: did_you_mean %q, want %q", q, res.DidYouMean, want)
		}
	}
}

// A loanword typed in hiragana, before the input method converted it,
// finds the katakana word: めらとにん finds メラトニン.
func TestHiraganaFindsKatakana(t *testing.T) {
	s := seedSearch(t)
	kana, err := s.Search(context.Background(), Request{Q: "めらとにん"})
	if err != nil {
		t.Fatal(err)
	}
	kata, err := s.Search(context.Background(), Request{Q: "メラトニン"})
	if err != nil {
		t.Fatal(err)
	}
	if kana.Total == 0 || kana.Total != kata.Total || kana.Hits[0].ID != kata.Hits[0].ID {
		t.Errorf("めらとにん: %d hits, first %v; メラトニン: %d", kana.Total, kana.Hits, kata.Total)
	}
}

// A kanji word typed in hiragana finds it, by the dictionary's readings:
// すいみん finds 睡眠.
func TestHiraganaFindsKanji(t *testing.T) {
	s := seedSearch(t)
	kana, err := s.Search(context.Background(), Request{Q: "すいみん"})
	if err != nil {
		t.Fatal(err)
	}
	kanji, err := s.Search(context.Background(), Request{Q: "睡眠"})
	if err != nil {
		t.Fatal(err)
	}
	if kana.Total == 0 || kana.Total != kanji.Total || kana.Hits[0].ID != kanji.Hits[0].ID {
		t.Errorf("すいみん: %d hits; 睡眠: %d", kana.Total, kanji.Total)
	}
}

// A grouped answer's facets count articles, as its entries are; the
// paragraph answer's count paragraphs. Both stay disjunctive.
func TestGroupedFacetsCountArticles(t *testing.T) {
	s := seedSearch(t)
	ctx := context.Background()
	flat, err := s.Search(ctx, Request{Q: "NAD+"})
	if err != nil {
		t.Fatal(err)
	}
	grouped, err := s.Search(ctx, Request{Q: "NAD+", Group: GroupArticle, Topics: []string{"sleep"}})
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, v := range grouped.Facets.Lang {
		sum += v.Count
	}
	for _, v := range grouped.Facets.Topic {
		if v.Count > flat.Articles {
			t.Errorf("grouped: topic %s counts %d, more than the %d articles found", v.Value, v.Count, flat.Articles)
		}
	}
	var sleep FacetValue
	for _, v := range grouped.Facets.Topic {
		if v.Value == "sleep" {
			sleep = v
		}
	}
	if sleep.Count == 0 || sleep.Count != grouped.Articles || sum < grouped.Articles {
		t.Errorf("grouped within sleep: sleep counts %d, the answer %d articles, langs %d", sleep.Count, grouped.Articles, sum)
	}
	for _, v := range flat.Facets.Topic {
		if v.Value == "sleep" && v.Count <= sleep.Count {
			t.Errorf("paragraph facets: sleep counts %d paragraphs, not more than its %d articles", v.Count, sleep.Count)
		}
	}
}

// Topics counts each topic's articles beside its paragraphs.
func TestTopicsCountArticles(t *testing.T) {
	topics, err := seedSearch(t).Topics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range topics {
		if v.Articles < 1 || v.Articles > 3 || v.Articles > v.Count {
			t.Errorf("topic %s: %d paragraphs in %d articles (3 seeds, each topic in one at least)", v.Value, v.Count, v.Articles)
		}
	}
}
