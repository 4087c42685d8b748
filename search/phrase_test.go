package search

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"nmnsearch/index"
)

// phraseQuery finds the paragraphs bleve's multi-phrase query finds, with
// the same scores and the same positions to highlight, for phrases cut from
// the seeds' own paragraphs (so that they match), the same with an extra
// term in a slot, with a slot left empty, and with a word order swapped
// (so that most do not match).
func TestPhraseQueryAsBleve(t *testing.T) {
	s := seedSearch(t)
	rng := rand.New(rand.NewPCG(7, 7))
	var paras []*index.Paragraph
	for _, a := range s.Articles() {
		for i := range a.Paragraphs {
			paras = append(paras, &a.Paragraphs[i])
		}
	}
	type phrase struct {
		field string
		slots [][]string
	}
	var phrases []phrase
	for len(phrases) < 400 {
		para := paras[rng.IntN(len(paras))]
		text := []rune(para.Text)
		if len(text) < 8 {
			continue
		}
		start := rng.IntN(len(text) - 6)
		cut := string(text[start : start+2+rng.IntN(min(12, len(text)-start-2))])
		field, analyzer := index.FieldJA, index.AnalyzerJAQuery
		if para.Lang == index.LangEN {
			// Whole words.
			field, analyzer = index.FieldEN, index.AnalyzerENQuery
			words := strings.Fields(para.Text)
			i := rng.IntN(len(words))
			cut = strings.Join(words[i:min(len(words), i+2+rng.IntN(4))], " ")
		}
		slots := positionSlots(s.mapping.AnalyzerNamed(analyzer).Analyze([]byte(cut)))
		// A character cut off from its neighbours is not indexed alone.
		for len(slots) > 0 && utf8.RuneCountInString(slots[len(slots)-1][0]) == 1 && field == index.FieldJA {
			slots = slots[:len(slots)-1]
		}
		if len(slots) < 2 {
			continue
		}
		phrases = append(phrases, phrase{field, slots})
		switch rng.IntN(4) {
		case 0: // another term may stand in a slot
			alt := slices.Clone(slots)
			i := rng.IntN(len(alt))
			alt[i] = append(slices.Clone(alt[i]), slots[rng.IntN(len(slots))]...)
			phrases = append(phrases, phrase{field, alt})
		case 1: // any term may stand in an inner slot
			if len(slots) > 2 {
				gap := slices.Clone(slots)
				gap[1+rng.IntN(len(gap)-2)] = nil
				phrases = append(phrases, phrase{field, gap})
			}
		case 2: // swapped: mostly no match
			sw := slices.Clone(slots)
			sw[0], sw[1] = sw[1], sw[0]
			phrases = append(phrases, phrase{field, sw})
		}
	}
	matched := 0
	for _, p := range phrases {
		ours := run(t, s, newPhraseQuery(p.slots, p.field), true)
		theirs := run(t, s, query.NewMultiPhraseQuery(p.slots, p.field), true)
		if ours != theirs {
			t.Errorf("phrase %q in %s:\n ours   %s\n bleve  %s", p.slots, p.field, ours, theirs)
		}
		// Without positions asked for, as the main search of a large index.
		ours = run(t, s, newPhraseQuery(p.slots, p.field), false)
		theirs = run(t, s, query.NewMultiPhraseQuery(p.slots, p.field), false)
		if ours != theirs {
			t.Errorf("phrase %q in %s, no positions:\n ours   %s\n bleve  %s", p.slots, p.field, ours, theirs)
		}
		if theirs != "" {
			matched++
		}
	}
	if matched < len(phrases)/2 {
		t.Errorf("only %d of %d phrases matched anything: the test is not testing", matched, len(phrases))
	}
}

// run returns the hits of q as text: id, score and, with locations, the
// sorted positions of each. It searches as Search does, under a facetQuery
// that knows the snapshot (so a phraseQuery may check words on the text).
func run(t *testing.T, s *Service, q query.Query, withLocations bool) string {
	t.Helper()
	var sr *bleve.SearchResult
	err := s.ix.View(func(v *index.Snapshot) error {
		req := bleve.NewSearchRequestOptions(&facetQuery{q, &facetCount{tables: &s.facets, snap: v}}, 1000, 0, false)
		req.IncludeLocations = withLocations
		req.SortBy([]string{"_id"})
		var err error
		sr, err = v.Bleve().SearchInContext(context.Background(), req)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	out := ""
	for _, h := range sr.Hits {
		out += fmt.Sprintf("%s %.9f", h.ID, math.Round(h.Score*1e9)/1e9)
		if withLocations { // bleve's phrase searcher gives them unasked
			out += fmt.Sprint(" ", locations(h))
		}
		out += "; "
	}
	return out
}

func locations(h *bsearch.DocumentMatch) []string {
	var out []string
	for field, terms := range h.Locations {
		for term, locs := range terms {
			for _, l := range locs {
				out = append(out, fmt.Sprintf("%s:%s@%d[%d:%d]", field, term, l.Pos, l.Start, l.End))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// A paragraph that holds every bigram of a word, but apart, does not match
// the word, whether positions come with the search or from locate.
func TestPhraseBigramsApart(t *testing.T) {
	s := serviceOver(t, "800_apart.txt", "バラバラ", "",
		"カメラを見た。ラトビアの首都。トニックを飲む。ニンジンを食べる。",
		"",
		"メラトニンは睡眠のホルモンです。")
	for _, apart := range []int{locateApartAbove, -1} {
		s.locateApartAbove = apart
		res, err := s.Search(context.Background(), Request{Q: "メラトニン"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 || len(res.Hits) != 1 || !strings.Contains(res.Hits[0].Highlight, "<mark>メラトニン</mark>") {
			t.Errorf("locateApartAbove %d: %d hits %+v; want the one paragraph that says メラトニン, marked", apart, res.Total, res.Hits)
		}
	}
}

// A word is found on the text as the analyzers see it (NFKC), when the
// search asks for no positions and checks the word on the text: half-width
// ﾒﾗﾄﾆﾝ is メラトニン.
func TestPhraseOnFoldedText(t *testing.T) {
	s := serviceOver(t, "900_folded.txt", "半角の記事", "", "ﾒﾗﾄﾆﾝの話です。", "", "メラトニンの話です。", "", "メラ、トニンの話です。")
	slots := positionSlots(s.mapping.AnalyzerNamed(index.AnalyzerJAQuery).Analyze([]byte("メラトニン")))
	q := newPhraseQuery(slots, index.FieldJA)
	if w := q.(*phraseQuery).word; w != "メラトニン" {
		t.Fatalf("word %q, want メラトニン: the search would not check the text", w)
	}
	ours, theirs := run(t, s, q, false), run(t, s, query.NewMultiPhraseQuery(slots, index.FieldJA), false)
	if ours != theirs || strings.Count(ours, ";") != 2 {
		t.Errorf("ours %s, bleve %s: want the same two paragraphs", ours, theirs)
	}
}
