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
	"github.com/blevesearch/bleve/v2/analysis"
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
		word  string // as jaPhrase sets it: the cut's word, if its bigrams spell one
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
		toks := s.mapping.AnalyzerNamed(analyzer).Analyze([]byte(cut))
		slots := positionSlots(toks)
		// A character cut off from its neighbours is not indexed alone.
		for len(slots) > 0 && utf8.RuneCountInString(slots[len(slots)-1][0]) == 1 && field == index.FieldJA {
			slots = slots[:len(slots)-1]
		}
		if len(slots) < 2 {
			continue
		}
		word := ""
		if field == index.FieldJA {
			kept := slices.DeleteFunc(slices.Clone(toks), func(tok *analysis.Token) bool {
				return tok.Position-toks[0].Position >= len(slots)
			})
			word = wordOf(kept)
		}
		phrases = append(phrases, phrase{field, slots, word})
		switch rng.IntN(4) {
		case 0: // another term may stand in a slot
			alt := slices.Clone(slots)
			i := rng.IntN(len(alt))
			alt[i] = append(slices.Clone(alt[i]), slots[rng.IntN(len(slots))]...)
			phrases = append(phrases, phrase{field, alt, ""})
		case 1: // any term may stand in an inner slot
			if len(slots) > 2 {
				gap := slices.Clone(slots)
				gap[1+rng.IntN(len(gap)-2)] = nil
				phrases = append(phrases, phrase{field, gap, ""})
			}
		case 2: // swapped: mostly no match
			sw := slices.Clone(slots)
			sw[0], sw[1] = sw[1], sw[0]
			phrases = append(phrases, phrase{field, sw, ""})
		}
	}
	matched, below, same := 0, 0, 0
	for _, p := range phrases {
		word := p.word != ""
		var scores [2]string
		for i, withLocations := range []bool{true, false} {
			// Without positions asked for, as the main search of a large index.
			ours := run(t, s, wordPhrase(p.slots, p.field, p.word), withLocations)
			theirs := run(t, s, query.NewMultiPhraseQuery(p.slots, p.field), withLocations)
			// A word scores by its own frequency (wordScorer), at most what
			// bleve's conjunction of its bigrams gives.
			if show(ours, !word) != show(theirs, !word) {
				t.Errorf("phrase %q in %s, positions %v:\n ours   %s\n bleve  %s", p.slots, p.field, withLocations, show(ours, true), show(theirs, true))
				continue
			}
			for j := range ours {
				if word && ours[j].score > theirs[j].score+1e-9 {
					t.Errorf("word %q: %s scores %f, above bleve's %f", p.word, ours[j].id, ours[j].score, theirs[j].score)
				}
				switch {
				case ours[j].score < theirs[j].score-1e-9:
					below++
				case word:
					same++
				}
			}
			scores[i] = show(withoutLocations(ours), true)
			if len(theirs) > 0 {
				matched++
			}
		}
		if scores[0] != scores[1] {
			t.Errorf("phrase %q: with positions %s, without %s", p.slots, scores[0], scores[1])
		}
	}
	if matched < len(phrases) {
		t.Errorf("only %d of %d phrases matched anything: the test is not testing", matched/2, len(phrases))
	}
	if below == 0 {
		t.Error("no word scored below bleve's conjunction: no bigram stood outside its word")
	}
	// Where a word's bigrams stand only in it, its score is bleve's.
	if same == 0 {
		t.Error("no word scored as bleve's conjunction does")
	}
}

// wordPhrase is the phrase query of slots in field, checked as word (see
// phraseQuery.word) when word is not "".
func wordPhrase(slots [][]string, field, word string) query.Query {
	q := newPhraseQuery(slots, field)
	if pq, ok := q.(*phraseQuery); ok {
		pq.word = word
	}
	return q
}

// hitRow is a hit as run returns it.
type hitRow struct {
	id    string
	score float64
	locs  []string // sorted, when asked for
}

// show prints rows, with their scores or not.
func show(rows []hitRow, scores bool) string {
	out := ""
	for _, r := range rows {
		out += r.id
		if scores {
			out += fmt.Sprintf(" %.9f", math.Round(r.score*1e9)/1e9)
		}
		if r.locs != nil {
			out += fmt.Sprint(" ", r.locs)
		}
		out += "; "
	}
	return out
}

func withoutLocations(rows []hitRow) []hitRow {
	out := slices.Clone(rows)
	for i := range out {
		out[i].locs = nil
	}
	return out
}

// run returns the hits of q by id: id, score and, with locations, the
// sorted positions of each. It searches as Search does, under a facetQuery
// that knows the snapshot (so a phraseQuery may check words on the text).
func run(t *testing.T, s *Service, q query.Query, withLocations bool) []hitRow {
	t.Helper()
	var sr *bleve.SearchResult
	err := s.ix.View(func(v *index.Snapshot) error {
		req := bleve.NewSearchRequestOptions(&facetQuery{q, &facetCount{tables: &s.facets}}, 1000, 0, false)
		req.IncludeLocations = withLocations
		req.SortBy([]string{"_id"})
		var err error
		sr, _, err = v.Search(context.Background(), req)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []hitRow
	for _, h := range sr.Hits {
		r := hitRow{id: h.ID, score: h.Score}
		if withLocations { // bleve's phrase searcher gives them unasked
			r.locs = locations(h)
		}
		out = append(out, r)
	}
	return out
}

func locations(h *bsearch.DocumentMatch) []string {
	out := []string{}
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

// A word scores by how often it stands in the paragraph, not by how often
// its bigrams do: メラニン's メラ and ニン add nothing to メラトニン, and a
// paragraph that says it twice ranks above one that says it once, at the
// same length; whether positions come with the search or from locate.
func TestWordScoresByItsFrequency(t *testing.T) {
	s := serviceOver(t, "800_word.txt", "語の頻度", "",
		"メラトニンの話。メラニン。", "", // A
		"メラトニンの話。ケラチン。", "", // B: as long, no メラ or ニン besides
		"メラトニンとメラトニン。", "", // C: twice
		"メラトニンとケラチンの。") // D: as long as C, once
	var byMode []map[string]float64
	for _, apart := range []int{locateApartAbove, -1} {
		s.locateApartAbove = apart
		res, err := s.Search(context.Background(), Request{Q: "メラトニン"})
		if err != nil {
			t.Fatal(err)
		}
		score := map[string]float64{}
		for _, h := range res.Hits {
			score[h.Text] = h.Score
		}
		if len(score) != 4 {
			t.Fatalf("locateApartAbove %d: %d hits, want the 4 paragraphs: %+v", apart, len(score), res.Hits)
		}
		a, b := score["メラトニンの話。メラニン。"], score["メラトニンの話。ケラチン。"]
		c, d := score["メラトニンとメラトニン。"], score["メラトニンとケラチンの。"]
		if math.Abs(a-b) > 1e-9 {
			t.Errorf("locateApartAbove %d: with メラニン %f, without %f: want the same", apart, a, b)
		}
		if c <= d {
			t.Errorf("locateApartAbove %d: twice %f, once %f: want twice above", apart, c, d)
		}
		byMode = append(byMode, score)
	}
	for text, sc := range byMode[0] {
		if math.Abs(sc-byMode[1][text]) > 1e-9 {
			t.Errorf("%s: %f with positions, %f without", text, sc, byMode[1][text])
		}
	}
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
	toks := s.mapping.AnalyzerNamed(index.AnalyzerJAQuery).Analyze([]byte("メラトニン"))
	slots := positionSlots(toks)
	if w := wordOf(toks); w != "メラトニン" {
		t.Fatalf("word %q, want メラトニン: the search would not check the text", w)
	}
	q := wordPhrase(slots, index.FieldJA, "メラトニン")
	ours, theirs := show(run(t, s, q, false), false), show(run(t, s, query.NewMultiPhraseQuery(slots, index.FieldJA), false), false)
	if ours != theirs || strings.Count(ours, ";") != 2 {
		t.Errorf("ours %s, bleve %s: want the same two paragraphs", ours, theirs)
	}
}

// occurrences counts as positions do: overlapping occurrences too,
// none that only share the anchor byte, and no more than asked for.
func TestOccurrences(t *testing.T) {
	tests := []struct {
		text, word string
		most, want int
	}{
		{"あああ", "ああ", 9, 2},
		{"メラトニンとメラトニン", "メラトニン", 9, 2},
		{"メラトニンとメラトニン", "メラトニン", 1, 1},
		{"メラニンとメラトニン", "メラトニン", 9, 1},
		{"メ", "メラ", 9, 0},        // the anchor byte at the very end
		{"ちラトニン", "メラトニン", 9, 0}, // ち ends in A1 as メ does
		{"", "メラ", 9, 0},
	}
	for _, tt := range tests {
		if got := occurrences(tt.text, tt.word, tt.most, nil); got != tt.want {
			t.Errorf("occurrences(%q, %q, %d) = %d, want %d", tt.text, tt.word, tt.most, got, tt.want)
		}
	}
}

// locate finds a Japanese word's spans on the page's text when its search
// reads the snapshot the main search read, and through the bigrams'
// positions when not (a merge between the two renumbers documents): the
// highlights are the same, half-width text included.
func TestLocateWordOnText(t *testing.T) {
	s := serviceOver(t, "900_locate.txt", "語の位置", "",
		"ﾒﾗﾄﾆﾝの話。メラトニンとメラトニン。", "", "メラトニンの話です。", "", "睡眠の話です。")
	text, _, mk := s.now().textQuery(Parse("メラトニン"))
	err := s.ix.View(func(v *index.Snapshot) error {
		fc := &facetCount{tables: &s.facets}
		sr, _, err := v.Search(context.Background(), bleve.NewSearchRequestOptions(&facetQuery{text, fc}, 10, 0, false))
		if err != nil {
			return err
		}
		if len(sr.Hits) != 2 {
			t.Fatalf("%d hits, want 2", len(sr.Hits))
		}
		onText, err := s.locate(context.Background(), v, fc.reader(), text, sr.Hits)
		if err != nil {
			return err
		}
		byPositions, err := s.locate(context.Background(), v, nil, text, sr.Hits)
		if err != nil {
			return err
		}
		for _, h := range sr.Hits {
			p, _ := v.Paragraph(h.ID)
			a, b := Highlight(p.Text, mk.spans(p.Text, onText[h.ID])), Highlight(p.Text, mk.spans(p.Text, byPositions[h.ID]))
			if a != b || !strings.Contains(a, "<mark>") {
				t.Errorf("%s: on the text %s, by positions %s", h.ID, a, b)
			}
			// pageWordSearcher gives no positions; bleve's start at 1.
			for _, locs := range onText[h.ID].Locations[index.FieldJA] {
				for _, l := range locs {
					if l.Pos != 0 {
						t.Errorf("%s: position %d: the word was not located on the text", h.ID, l.Pos)
					}
				}
			}
			for _, locs := range byPositions[h.ID].Locations[index.FieldJA] {
				for _, l := range locs {
					if l.Pos == 0 {
						t.Errorf("%s: located on the text, for a search on another reader", h.ID)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A word whose bigram repeats (ウト of ウトウト) scores by how often the
// word stands, with positions or without; and bigrams across a break in
// the query (睡眠・眠気) are not taken for one word (睡眠気).
func TestWordEdgeCases(t *testing.T) {
	s := serviceOver(t, "900_edges.txt", "語の端", "",
		"ウトウトした。", "", "昼にウトウトして、夜もウトウトした。", "", "睡眠・眠気の話。")
	for q, want := range map[string]struct {
		hits int
		mark string
	}{"ウトウト": {2, "<mark>ウトウト</mark>"}, "睡眠・眠気": {1, "<mark>睡眠"}} {
		var scores []map[string]float64
		for _, apart := range []int{locateApartAbove, -1} {
			s.locateApartAbove = apart
			res, err := s.Search(context.Background(), Request{Q: q})
			if err != nil {
				t.Fatal(err)
			}
			m := map[string]float64{}
			for _, h := range res.Hits {
				m[h.ID] = h.Score
				if !strings.Contains(h.Highlight, want.mark) {
					t.Errorf("%s, locateApartAbove %d: want %s in %s", q, apart, want.mark, h.Highlight)
				}
			}
			if len(m) != want.hits {
				t.Fatalf("%s, locateApartAbove %d: %d hits, want %d", q, apart, len(m), want.hits)
			}
			scores = append(scores, m)
		}
		for id, sc := range scores[0] {
			if math.Abs(sc-scores[1][id]) > 1e-9 {
				t.Errorf("%s, %s: %f with positions, %f without", q, id, sc, scores[1][id])
			}
		}
	}
	for q, want := range map[string][]string{
		"睡眠・眠気": nil, `"睡眠 眠気"`: nil, `"AB BC"`: nil, "ウトウト": {"ウトウト"}, "メラトニン": {"メラトニン"},
	} {
		text, _, _ := s.now().textQuery(Parse(q))
		if got := words(text); !slices.Equal(got, want) {
			t.Errorf("%s: searched as the words %q, want %q", q, got, want)
		}
	}
}

// words returns the words the phrases of q are checked as (phraseQuery.word).
func words(q query.Query) []string {
	var out []string
	switch q := q.(type) {
	case *phraseQuery:
		if q.word != "" {
			out = append(out, q.word)
		}
	case *anyOf:
		for _, d := range q.Disjuncts {
			out = append(out, words(d)...)
		}
	case *query.ConjunctionQuery:
		for _, c := range q.Conjuncts {
			out = append(out, words(c)...)
		}
	case *statsQuery:
		out = words(q.Query)
	}
	return out
}

// A query of one character typed over and over (a phrase of one bigram
// repeated) finds the paragraphs that hold that run, and none shorter:
// its term is read a few times, not once a slot, and a phrase longer than
// maxPhraseSlots is a conjunction of phrases that overlap.
func TestRepeatedCharacterPhrase(t *testing.T) {
	s := serviceOver(t, "a.txt", "眠の話", strings.Repeat("眠", 5000), strings.Repeat("眠眠眠 a ", 40))
	for _, tt := range []struct {
		n    int
		want uint64
	}{{3, 4}, {4, 3}, {64, 3}, {256, 3}} {
		res, err := s.Search(context.Background(), Request{Q: strings.Repeat("眠", tt.n)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != tt.want {
			t.Errorf("眠×%d: %d paragraphs, want %d", tt.n, res.Total, tt.want)
		}
	}
}
