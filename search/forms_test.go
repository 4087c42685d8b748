package search

import (
	"context"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"nmnsearch/index"
)

// A Japanese word in dictionary form finds its conjugated forms in the
// seeds, where the dictionary form itself is not written (整う: 整い, 整っ;
// 覚める: 覚め), and each form is marked where it stands.
func TestDictionaryFormFindsConjugations(t *testing.T) {
	tests := []struct {
		q     string
		forms []string // every hit holds one of these, marked; every paragraph with one is a hit
	}{
		{"整う", []string{"整い", "整っ"}}, // が整い、 / リズムの整った
		{"覚める", []string{"覚め"}},      // 目が覚めてしまい / 目が覚めにくく
		{"果たす", []string{"果たし"}},     // 役割を果たしており / 果たします
		{"感じる", []string{"感じ"}},      // 感じやすい / 感じられやすく
		{"役立つ", []string{"役立ち"}},     // 役立ちます
		{"飲まない", []string{}},         // the seeds never mention drinking
		{"走っている", []string{}},
	}
	for _, tt := range tests {
		if strings.Contains(seedText(t), tt.q) {
			t.Fatalf("%s is written in the seeds: not a test of word forms", tt.q)
		}
		res := plainSearch(t, Request{Q: tt.q, Lang: "ja", Size: MaxPageSize})
		var want []string
		for _, p := range seedParagraphs(t) {
			if p.Lang == index.LangJA && slices.ContainsFunc(tt.forms, func(f string) bool { return strings.Contains(p.Text, f) }) {
				want = append(want, p.ID)
			}
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
			if !slices.ContainsFunc(tt.forms, func(f string) bool { return strings.Contains(h.Highlight, "<mark>"+f+"</mark>") }) {
				t.Errorf("%s: %s highlight marks none of %v: %s", tt.q, h.ID, tt.forms, h.Highlight)
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: hits %v, want the paragraphs with %v: %v", tt.q, got, tt.forms, want)
		}
	}
}

// A paragraph that has the word as typed ranks above one that has only
// another form of it: 改善する (written in one paragraph) before 改善され,
// 高める before 高め, 高まる before 高まり.
func TestExactFormRanksFirst(t *testing.T) {
	tests := []struct {
		q     string
		other string // a form that only the base-form field finds
	}{
		{"改善する", "改善され"},
		{"高める", "高め、"},
		{"高まる", "高まり"},
	}
	for _, tt := range tests {
		res := plainSearch(t, Request{Q: tt.q, Lang: "ja", Size: MaxPageSize})
		exact, others := 0, 0
		for i, h := range res.Hits {
			switch {
			case strings.Contains(h.Text, tt.q):
				exact++
				if others > 0 {
					t.Errorf("%s: %s (exact) at rank %d, after a paragraph with another form", tt.q, h.ID, i+1)
				}
			case strings.Contains(h.Text, tt.other):
				others++
			}
		}
		if exact == 0 || others == 0 {
			t.Errorf("%s: %d hits with the exact form, %d with %s; want both", tt.q, exact, others, tt.other)
		}
	}
}

// Forms are matched as words, not characters: 整える (written) does not find
// the intransitive 整う's 整い, and a dictionary form marks its conjugated
// surface whole, also in half-width text.
func TestDictionaryFormPrecisionAndMarks(t *testing.T) {
	for _, h := range plainSearch(t, Request{Q: "整える", Lang: "ja", Size: MaxPageSize}).Hits {
		if !strings.Contains(h.Text, "整え") {
			t.Errorf("整える matched %s without 整え: %s", h.ID, h.Text)
		}
	}
	s := serviceOver(t, "900_forms.txt",
		"語形の記事",
		"ﾃﾞｰﾀを整えました。",
		"水を飲んでいない日が続いた。",
	)
	for _, tt := range []struct{ q, mark string }{
		{"整える", "ﾃﾞｰﾀを<mark>整え</mark>ました"},
		{"データを整える", "<mark>ﾃﾞｰﾀ</mark>を<mark>整え</mark>ました"},
		{"飲む", "<mark>飲ん</mark>でいない"},
		{"飲みません", "<mark>飲ん</mark>でいない"},
	} {
		res, err := s.Search(context.Background(), Request{Q: tt.q})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 || !strings.Contains(res.Hits[0].Highlight, tt.mark) {
			var hl string
			if len(res.Hits) > 0 {
				hl = res.Hits[0].Highlight
			}
			t.Errorf("%s: %d hits, highlight %s, want 1 with %s", tt.q, res.Total, hl, tt.mark)
		}
	}
}

// A lone kanji is found where it ends a run of kanji and kana (before
// punctuation, a bracket or the end of the text), where it is indexed only
// inside a bigram that ends with it, and only the kanji is marked.
func TestLoneCharacterAtRunEnd(t *testing.T) {
	tests := []struct {
		q, target string   // target: a paragraph with q only at run ends
		marks     []string // in its highlight
	}{
		{"界", "5. 現時点でのエビデンスと限界", []string{"限<mark>界</mark>"}},
		{"眠", "NMNがNAD+として体内で利用されると", []string{"睡<mark>眠</mark>(熟<mark>眠</mark>)"}},
		{"害", "入眠困難、熟眠障害、中途覚醒に対し", []string{"障<mark>害</mark>、"}},
	}
	for _, tt := range tests {
		res := plainSearch(t, Request{Q: tt.q, Lang: "ja", Size: MaxPageSize})
		var hit *Hit
		for i := range res.Hits {
			if strings.HasPrefix(res.Hits[i].Text, tt.target) {
				hit = &res.Hits[i]
			}
		}
		if hit == nil {
			t.Errorf("%s: %q not found (%d hits)", tt.q, tt.target, res.Total)
			continue
		}
		for _, m := range tt.marks {
			if !strings.Contains(hit.Highlight, m) {
				t.Errorf("%s: highlight %s lacks %s", tt.q, hit.Highlight, m)
			}
		}
		if strings.Count(hit.Highlight, "<mark>") != strings.Count(hit.Highlight, "<mark>"+tt.q+"</mark>") {
			t.Errorf("%s: highlight marks more than %s: %s", tt.q, tt.q, hit.Highlight)
		}
	}
	// Every Japanese paragraph with the character is found.
	for _, q := range []string{"界", "眠", "害", "難"} {
		found := map[string]bool{}
		for _, h := range plainSearch(t, Request{Q: q, Lang: "ja", Size: MaxPageSize}).Hits {
			found[h.ID] = true
		}
		for _, p := range seedParagraphs(t) {
			if p.Lang == index.LangJA && strings.Contains(p.Text, q) && !found[p.ID] {
				t.Errorf("%s: missed %s: %s", q, p.ID, p.Text)
			}
		}
	}
}

// The character's extent is taken in the original text: a half-width kana
// with its voiced mark is marked whole at the end of a run.
func TestLoneCharacterAtRunEndHalfWidth(t *testing.T) {
	fsys := fstest.MapFS{"900_width.txt": {Data: []byte("半角の記事\nこれはﾊﾞｯｸﾞ。")}}
	ix, err := index.Build(fsys)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	res, err := New(ix, nil).Search(context.Background(), Request{Q: "グ"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || !strings.Contains(res.Hits[0].Highlight, "ﾊﾞｯ<mark>ｸﾞ</mark>。") {
		t.Errorf("グ: %d hits %+v, want ﾊﾞｯ<mark>ｸﾞ</mark>", res.Total, res.Hits)
	}
}

func seedParagraphs(t *testing.T) []*Paragraph {
	var out []*Paragraph
	for _, a := range seedSearch(t).Articles() {
		for i := range a.Paragraphs {
			out = append(out, &a.Paragraphs[i])
		}
	}
	return out
}

// seedText is every paragraph of the seeds, one a line.
func seedText(t *testing.T) string {
	var b strings.Builder
	for _, p := range seedParagraphs(t) {
		b.WriteString(p.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// A word that is its own dictionary form and cannot conjugate (メラトニン,
// 睡眠) is searched without its dictionary-form field: checked over every
// such word the seeds hold, that field finds no paragraph the word's
// bigrams miss.
func TestUnconjugatedWordNeedsNoBaseForm(t *testing.T) {
	s := seedSearch(t)
	dict, err := s.ix.Bleve().FieldDict(index.FieldJABase)
	if err != nil {
		t.Fatal(err)
	}
	defer dict.Close()
	checked := 0
	for {
		e, err := dict.Next()
		if err != nil {
			t.Fatal(err)
		}
		if e == nil {
			break
		}
		word := e.Term
		toks := s.now().baseForms(word, nil)
		if len(toks) == 0 || !onlyItself(word, toks) {
			continue
		}
		if s.now().baseFormQuery(word, nil) != nil {
			t.Errorf("%s: base-form query made for a word that is only itself", word)
		}
		base := query.NewTermQuery(word)
		base.SetField(index.FieldJABase)
		inBase, inPhrase := docIDs(t, s, base), docIDs(t, s, s.now().jaPhrase(word, nil))
		for id := range inBase {
			if !inPhrase[id] {
				t.Errorf("%s: %s has it as a dictionary form, but the bigram phrase misses it", word, id)
			}
		}
		checked++
	}
	if checked < 100 {
		t.Errorf("only %d words checked; the seeds have hundreds", checked)
	}
	for _, w := range []string{"飲む", "高い", "改善され", "入眠困難", "NAD"} {
		if toks := s.now().baseForms(w, nil); len(toks) > 0 && onlyItself(w, toks) {
			t.Errorf("%s taken for an unconjugated word: %v", w, toks)
		}
	}
}

// docIDs returns the ids of every paragraph q matches in s.
func docIDs(t *testing.T, s *Service, q query.Query) map[string]bool {
	t.Helper()
	req := bleve.NewSearchRequestOptions(q, 10000, 0, false)
	sr, err := s.ix.Bleve().Search(req)
	if err != nil {
		t.Fatal(err)
	}
	ids := make(map[string]bool, len(sr.Hits))
	for _, h := range sr.Hits {
		ids[h.ID] = true
	}
	return ids
}
