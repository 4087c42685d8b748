package search

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"nmnsearch/index"
)

func mustSearch(t *testing.T, r Request) *Result {
	t.Helper()
	return searchWith(t, seedSearch(t), r)
}

// plainSearch searches without the glossary, to test analysis and operators.
func plainSearch(t *testing.T, r Request) *Result {
	t.Helper()
	return searchWith(t, &Service{ix: seedSearch(t).ix, mapping: seedSearch(t).mapping}, r)
}

func searchWith(t *testing.T, s *Service, r Request) *Result {
	t.Helper()
	res, err := s.Search(context.Background(), r)
	if err != nil {
		t.Fatalf("Search(%+v): %v", r, err)
	}
	return res
}

// TestFacetsAreDisjunctive checks every facet count against the search it
// stands for: a topic's count is the total when choosing that topic instead
// (same lang), a lang's count the total when choosing that lang instead.
func TestFacetsAreDisjunctive(t *testing.T) {
	for _, r := range []Request{
		{Q: "睡眠"},
		{Q: "睡眠", Topics: []string{"depression"}},
		{Q: "NAD+", Lang: "en"},
		{Q: "NAD+", Topics: []string{"sleep", "diabetes"}, Lang: "ja"},
		{Q: "sleep", Article: "001-c2c3b5d23e0135b4"},
		{Topics: []string{"depression"}},
	} {
		res := mustSearch(t, r)
		if want := plainTotal(t, r); res.Total != want {
			t.Errorf("%+v: total %d, but bleve's own filters give %d", r, res.Total, want)
		}
		for _, f := range res.Facets.Topic {
			alt := r
			alt.Topics = []string{f.Value}
			if want := mustSearch(t, alt).Total; uint64(f.Count) != want {
				t.Errorf("%+v: topic %s count %d, but choosing it gives %d", r, f.Value, f.Count, want)
			}
			if want := plainTotal(t, alt); uint64(f.Count) != want {
				t.Errorf("%+v: topic %s count %d, but bleve's own filters give %d", r, f.Value, f.Count, want)
			}
		}
		for _, f := range res.Facets.Lang {
			alt := r
			alt.Lang = f.Value
			if want := mustSearch(t, alt).Total; uint64(f.Count) != want {
				t.Errorf("%+v: lang %s count %d, but choosing it gives %d", r, f.Value, f.Count, want)
			}
			if want := plainTotal(t, alt); uint64(f.Count) != want {
				t.Errorf("%+v: lang %s count %d, but bleve's own filters give %d", r, f.Value, f.Count, want)
			}
		}
	}
	// And the numbers themselves, for one case a reviewer can check by hand:
	// 睡眠 occurs in three depression paragraphs (section 4 of article 001)
	// and in 22 paragraphs of the sleep article.
	res := mustSearch(t, Request{Q: "睡眠", Topics: []string{"depression"}})
	got := res.Facets.Topic
	// With the glossary, 睡眠 also finds "sleep": 4 more depression
	// paragraphs and the sleep article's English half.
	if counts(got) != "diabetes:0 depression:7 sleep:52" {
		t.Errorf("topic facets = %v", got)
	}
	if res.Total != 7 || counts(res.Facets.Lang) != "ja:3 en:4" {
		t.Errorf("total %d, lang facets %v", res.Total, res.Facets.Lang)
	}
}

// plainTotal counts the hits of r with bleve's term queries on the topic,
// lang and article fields, not through the facet table Search uses.
func plainTotal(t *testing.T, r Request) uint64 {
	t.Helper()
	s := seedSearch(t)
	q, _, _ := s.now().textQuery(Parse(r.Q))
	all := []query.Query{q}
	term := func(field, value string) query.Query {
		tq := bleve.NewTermQuery(value)
		tq.SetField(field)
		return tq
	}
	if len(r.Topics) > 0 {
		var any []query.Query
		for _, topic := range r.Topics {
			any = append(any, term(index.FieldTopic, topic))
		}
		all = append(all, bleve.NewDisjunctionQuery(any...))
	}
	if r.Lang != "" {
		all = append(all, term(index.FieldLang, r.Lang))
	}
	if r.Article != "" {
		all = append(all, term(index.FieldArticle, r.Article))
	}
	sr, err := s.ix.Bleve().Search(bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(all...), 0, 0, false))
	if err != nil {
		t.Fatal(err)
	}
	return sr.Total
}

func TestSearchSymbolsAndWholeWords(t *testing.T) {
	tests := []struct {
		q         string
		wantTotal uint64
		mark      string // every highlight must contain it
	}{
		{"NAD+", 44, "<mark>NAD+</mark>"},
		{"ＮＡＤ＋", 44, "<mark>NAD+</mark>"},
		{"NAD", 45, "<mark>NAD"}, // NAD+ is marked whole
		{"メラトニン", 5, "<mark>メラトニン</mark>"},
		{"ビタミンD", 0, ""},
		{"ドーパミン", 1, "<mark>ドーパミン</mark>"},
		{"インターロイキン-6", 1, "<mark>インターロイキン-6</mark>"},
		{"C反応性タンパク質", 1, "<mark>C反応性タンパク質</mark>"},
		{"SIRT1", 2, "<mark>SIRT1</mark>"},
		{"HbA1c", 1, "<mark>HbA1c</mark>"},
		{"IL-6", 0, ""},
		{"interleukin-6", 1, "<mark>interleukin-6</mark>"},
		{"NMN点滴", 20, "<mark>NMN点滴</mark>"},
		{"脳", 9, "<mark>脳</mark>"},
	}
	// Analysis alone: without the glossary's other-language names.
	plain := &Service{ix: seedSearch(t).ix, mapping: seedSearch(t).mapping}
	for _, tt := range tests {
		res, err := plain.Search(context.Background(), Request{Q: tt.q, Size: MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != tt.wantTotal {
			t.Errorf("%s: total %d, want %d", tt.q, res.Total, tt.wantTotal)
		}
		for _, h := range res.Hits {
			if !strings.Contains(h.Highlight, tt.mark) {
				t.Errorf("%s: %s highlight lacks %s: %s", tt.q, h.ID, tt.mark, h.Highlight)
			}
		}
	}
	// メラトニン must not match paragraphs that only share a bigram (ニン).
	for _, h := range mustSearch(t, Request{Q: "メラトニン", Lang: "ja", Size: MaxPageSize}).Hits {
		if !strings.Contains(h.Text, "メラトニン") {
			t.Errorf("メラトニン matched %s without the word: %s", h.ID, h.Text)
		}
	}
}

func TestSearchOperators(t *testing.T) {
	all := plainSearch(t, Request{Q: "melatonin", Size: MaxPageSize})
	without := plainSearch(t, Request{Q: "melatonin -cortisol", Size: MaxPageSize})
	if without.Total == 0 || without.Total >= all.Total {
		t.Fatalf("melatonin %d, melatonin -cortisol %d: exclusion should remove some", all.Total, without.Total)
	}
	for _, h := range without.Hits {
		if strings.Contains(strings.ToLower(h.Text), "cortisol") {
			t.Errorf("-cortisol returned %s", h.ID)
		}
	}
	phrase := plainSearch(t, Request{Q: `"sleep quality"`, Size: MaxPageSize})
	for _, h := range phrase.Hits {
		if !strings.Contains(strings.ToLower(h.Text), "sleep quality") {
			t.Errorf(`"sleep quality" returned %s without the phrase`, h.ID)
		}
	}
	// Paragraphs with every term come first, then those with only some.
	and := plainSearch(t, Request{Q: "NAD+ 睡眠", Size: MaxPageSize})
	both := 0
	for i, h := range and.Hits {
		has := strings.Contains(h.Text, "NAD+") && strings.Contains(h.Text, "睡眠")
		if has && i != both {
			t.Errorf("NAD+ 睡眠: %s has both terms but ranks %d, after %d that do not", h.ID, i+1, i-both)
		}
		if has {
			both++
		}
	}
	if both == 0 || both == len(and.Hits) {
		t.Errorf("NAD+ 睡眠: %d of %d hits have both terms; want some, then partial matches", both, len(and.Hits))
	}
	for _, q := range []string{`"unclosed`, "+", "-", "NAD +", "a:b", "*", `\`, "NAD+:x", `NAD+ OR "x`} {
		if _, err := seedSearch(t).Search(context.Background(), Request{Q: q}); err != nil {
			t.Errorf("%q: %v, want no error", q, err)
		}
	}
}

func TestSearchFiltersAndPaging(t *testing.T) {
	// An empty q with a filter lists paragraphs in document order.
	res := mustSearch(t, Request{Article: "002-d25f1ed27a07bf50", Lang: "en", Size: 5})
	if res.Total != 47 {
		t.Errorf("English paragraphs of the sleep article: %d, want 47", res.Total)
	}
	for i, h := range res.Hits {
		if h.Paragraph != 48+i || h.Lang != "en" {
			t.Errorf("hit %d is %s (lang %s), want paragraph %d in English", i, h.ID, h.Lang, 48+i)
		}
	}
	// Pages do not overlap and together give the first hits in order.
	one := mustSearch(t, Request{Q: "NAD+", Size: 20})
	a := mustSearch(t, Request{Q: "NAD+", Size: 10, Page: 1})
	b := mustSearch(t, Request{Q: "NAD+", Size: 10, Page: 2})
	for i := range 20 {
		page := a.Hits
		if i >= 10 {
			page = b.Hits
		}
		if page[i%10].ID != one.Hits[i].ID {
			t.Fatalf("hit %d: paged %s, unpaged %s", i, page[i%10].ID, one.Hits[i].ID)
		}
	}
	for _, h := range mustSearch(t, Request{Q: "睡眠", Topics: []string{"depression", "diabetes"}, Size: MaxPageSize}).Hits {
		if !strings.Contains(strings.Join(h.Topics, " "), "depression") {
			t.Errorf("topic filter returned %s with topics %v", h.ID, h.Topics)
		}
	}
	if res := mustSearch(t, Request{Q: "NAD+", Page: 100}); len(res.Hits) != 0 || res.Hits == nil {
		t.Errorf("a page past the end should be an empty, non-nil list: %v", res.Hits)
	}
}

func TestSearchLimits(t *testing.T) {
	s := seedSearch(t)
	tests := []struct {
		name string
		r    Request
		ok   bool
	}{
		{"q at limit", Request{Q: strings.Repeat("眠", MaxQueryRunes)}, true},
		{"q over limit", Request{Q: strings.Repeat("眠", MaxQueryRunes+1)}, false},
		{"q over limit before trimming is fine", Request{Q: "  " + strings.Repeat("a", MaxQueryRunes) + "  "}, true},
		{"terms at limit", Request{Q: strings.TrimSpace(strings.Repeat("a ", MaxTerms))}, true},
		{"terms over limit", Request{Q: strings.TrimSpace(strings.Repeat("a ", MaxTerms+1))}, false},
		{"size at limit", Request{Q: "NAD+", Size: MaxPageSize}, true},
		{"size over limit", Request{Q: "NAD+", Size: MaxPageSize + 1}, false},
		{"negative size", Request{Q: "NAD+", Size: -1}, false},
		{"page zero means 1", Request{Q: "NAD+", Page: 0}, true},
		{"size zero means the default", Request{Q: "NAD+", Size: 0}, true},
		{"negative page", Request{Q: "NAD+", Page: -1}, false},
		{"window at limit", Request{Q: "NAD+", Size: 50, Page: MaxResultWindow / 50}, true},
		{"window over limit", Request{Q: "NAD+", Size: 50, Page: MaxResultWindow/50 + 1}, false},
		{"empty q, no filter", Request{}, false},
		{"blank q, no filter", Request{Q: " 　 "}, false},
		{"unknown topic", Request{Q: "NAD+", Topics: []string{"cancer"}}, false},
		{"unknown lang", Request{Q: "NAD+", Lang: "fr"}, false},
		{"unknown article", Request{Q: "NAD+", Article: "nope"}, false},
	}
	for _, tt := range tests {
		_, err := s.Search(context.Background(), tt.r)
		var e *Error
		switch {
		case tt.ok && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case !tt.ok && (!errors.As(err, &e) || e.Code != CodeInvalid):
			t.Errorf("%s: got %v, want an %s error", tt.name, err, CodeInvalid)
		}
	}
}

func TestDefaultPageSize(t *testing.T) {
	res := mustSearch(t, Request{Q: "NAD+"})
	if res.Size != DefaultPageSize || len(res.Hits) != DefaultPageSize || res.Page != 1 {
		t.Errorf("size %d, %d hits, page %d; want %d, %d, 1", res.Size, len(res.Hits), res.Page, DefaultPageSize, DefaultPageSize)
	}
}

func TestArticleNotFound(t *testing.T) {
	_, err := seedSearch(t).Article("nope")
	if ErrorCode(err) != CodeNotFound {
		t.Errorf("got %v, want not_found", err)
	}
}

func TestTyposAndPrefix(t *testing.T) {
	tests := []struct {
		q         string
		wantFirst string // prefix of the first hit's text
		mark      string
	}{
		{"melatonn", "b. Supporting Melatonin Secretion", "<mark>Melatonin</mark>"},      // one typo at 8 letters
		{"parasympathtic", "b. Supporting the Parasympathetic", "<mark>Parasympathetic"}, // one typo
		{"mela", "b. Supporting Melatonin Secretion", "<mark>Melatonin</mark>"},          // last word as prefix
		{"sleep qual", "4. Improvement in Sleep Quality", "<mark>Sleep Quality</mark>"},
	}
	for _, tt := range tests {
		res := mustSearch(t, Request{Q: tt.q})
		if len(res.Hits) == 0 {
			t.Errorf("%s: no hits", tt.q)
			continue
		}
		if h := res.Hits[0]; !strings.HasPrefix(h.Text, tt.wantFirst) || !strings.Contains(h.Highlight, tt.mark) {
			t.Errorf("%s: first hit %s %q", tt.q, h.ID, h.Highlight)
		}
	}
	// No typo tolerance below OneTypoRunes letters, none for words with
	// digits, and no prefix for a word that is not the last: "therapy"
	// alone may match, NMN and melatonin must not.
	for _, q := range []string{"mood2", "sirt2"} {
		if res := mustSearch(t, Request{Q: q}); res.Total != 0 {
			t.Errorf("%s: %d hits (first %s), want 0", q, res.Total, res.Hits[0].ID)
		}
	}
	for _, q := range []string{"nmm therapy", "mela therapy"} {
		for _, h := range mustSearch(t, Request{Q: q, Size: MaxPageSize}).Hits {
			if strings.Contains(h.Highlight, "<mark>NMN") || strings.Contains(h.Highlight, "<mark>Melatonin") ||
				strings.Contains(h.Highlight, "<mark>melatonin") {
				t.Errorf("%s: %s marks %s", q, h.ID, h.Highlight)
			}
		}
	}
	// The exact word ranks above its typo: "melatonin" and "melatonn" give
	// the same hits, the exact query with higher scores.
	exact := mustSearch(t, Request{Q: "melatonin", Lang: "en"})
	typo := mustSearch(t, Request{Q: "melatonn", Lang: "en"})
	if exact.Total != typo.Total || exact.Hits[0].Score <= typo.Hits[0].Score {
		t.Errorf("exact %d hits (top %.3f), typo %d hits (top %.3f)", exact.Total, exact.Hits[0].Score, typo.Total, typo.Hits[0].Score)
	}
}

// The glossary finds the other language's paragraphs, ranked below the
// paragraphs that use the typed words. (A paragraph with only some of them,
// "proteins" for C-reactive protein, may follow.)
func TestCrossLanguage(t *testing.T) {
	for _, tt := range []struct{ q, lang, other string }{
		{"メラトニン", "ja", "en"},
		{"melatonin", "en", "ja"},
		{"C-reactive protein", "en", "ja"},
		{"インターロイキン-6", "ja", "en"},
		{"副交感神経", "ja", "en"},
	} {
		res := mustSearch(t, Request{Q: tt.q, Size: MaxPageSize})
		seenOther := false
		for _, h := range res.Hits {
			switch {
			case h.Lang == tt.other:
				seenOther = true
			case seenOther && strings.Contains(strings.ToLower(h.Text), strings.ToLower(tt.q)):
				t.Errorf("%s: %s hit %s ranked below a %s hit", tt.q, tt.lang, h.ID, tt.other)
			}
		}
		if !seenOther || res.Facets.Lang[0].Count == 0 || res.Facets.Lang[1].Count == 0 {
			t.Errorf("%s: want hits in both languages, facets %v", tt.q, res.Facets.Lang)
		}
	}
	// IL-6 finds インターロイキン-6 (and interleukin-6), never a stray 6.
	for _, h := range mustSearch(t, Request{Q: "IL-6", Size: MaxPageSize}).Hits {
		if !strings.Contains(h.Text, "インターロイキン-6") && !strings.Contains(h.Text, "interleukin-6") {
			t.Errorf("IL-6 returned %s: %s", h.ID, h.Text)
		}
	}
}

func TestGlossaryNegationAndMarks(t *testing.T) {
	// Excluding a concept excludes its other names.
	for _, h := range mustSearch(t, Request{Q: "睡眠 -melatonin", Size: MaxPageSize}).Hits {
		if strings.Contains(h.Text, "メラトニン") {
			t.Errorf("睡眠 -melatonin returned %s with メラトニン", h.ID)
		}
	}
	for _, h := range mustSearch(t, Request{Q: "sleep -メラトニン", Size: MaxPageSize}).Hits {
		if strings.Contains(strings.ToLower(h.Text), "melatonin") {
			t.Errorf("sleep -メラトニン returned %s with melatonin", h.ID)
		}
	}
	// A predictive character is marked alone only where nothing else asked
	// for the bigram; through the glossary too (brain → 脳).
	for _, tt := range []struct{ q, lang, mark, notMark string }{
		{"睡 睡眠", "ja", "<mark>睡眠</mark>", "<mark>睡</mark>眠"},
		{"brain", "ja", "<mark>脳</mark>", "<mark>脳の</mark>"},
	} {
		res := mustSearch(t, Request{Q: tt.q, Lang: tt.lang, Size: MaxPageSize})
		if res.Total == 0 {
			t.Errorf("%s: no hits", tt.q)
		}
		for _, h := range res.Hits {
			if !strings.Contains(h.Highlight, tt.mark) || strings.Contains(h.Highlight, tt.notMark) {
				t.Errorf("%s: %s highlight %s, want %s and not %s", tt.q, h.ID, h.Highlight, tt.mark, tt.notMark)
			}
		}
	}
}

// Typo tolerance counts typos on the word as written and not in the first
// letter, so these absent words find nothing. (One typo from five letters
// still lets "ideas" find "ideal" and "heart" find "hear", as in
// Meilisearch.)
func TestTyposFindNothingAbsent(t *testing.T) {
	for _, q := range []string{"impression", "regression", "attention", "aggression", "progression",
		"dying", "dries", "tired", "lives", "house"} {
		res := mustSearch(t, Request{Q: q, Lang: "en", Size: MaxPageSize})
		for _, h := range res.Hits {
			t.Errorf("%s matched %s: %s", q, h.ID, h.Highlight)
		}
	}
}

// counts writes facet values as "value:count value:count".
func counts(fs []FacetValue) string {
	var parts []string
	for _, f := range fs {
		parts = append(parts, fmt.Sprintf("%s:%d", f.Value, f.Count))
	}
	return strings.Join(parts, " ")
}

// A hit shows its article's title in the hit's language: an English
// paragraph of a bilingual seed, the English title.
func TestHitTitleInItsLanguage(t *testing.T) {
	s := seedSearch(t)
	for _, tt := range []struct{ q, lang, title string }{
		{"melatonin", "en", "Does NMN IV Therapy Improve Sleep Quality"},
		{"メラトニン", "ja", "入眠困難、熟眠障害、中途覚醒に対し"},
	} {
		res, err := s.Search(context.Background(), Request{Q: tt.q, Lang: tt.lang})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 {
			t.Fatalf("%s: no hits", tt.q)
		}
		for _, h := range res.Hits {
			if h.Article.ID == "002-d25f1ed27a07bf50" && !strings.HasPrefix(h.Article.Title, tt.title) {
				t.Errorf("%s: hit %s titled %q, want %q…", tt.q, h.ID, h.Article.Title, tt.title)
			}
		}
	}
}
