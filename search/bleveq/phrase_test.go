package bleveq

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"

	"nmnsearch/index"
)

// NewPhrase finds the paragraphs bleve's multi-phrase query finds, with
// the same scores and the same positions to highlight, for phrases cut from
// the seeds' own paragraphs (so that they match), the same with an extra
// term in a slot, with a slot left empty, and with a word order swapped
// (so that most do not match). A tripwire: bleve's phrase searcher is the
// reference.
func TestPhraseQueryAsBleve(t *testing.T) {
	f := seeds(t)
	rng := rand.New(rand.NewPCG(7, 7))
	var paras []*index.Paragraph
	for _, a := range f.ix.Articles() {
		for i := range a.Paragraphs {
			paras = append(paras, &a.Paragraphs[i])
		}
	}
	type phrase struct {
		field string
		slots [][]string
		toks  analysis.TokenStream // as package search passes them: those of a word, if its bigrams spell one
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
		toks := f.analyze(analyzer, cut)
		slots := Slots(toks)
		// A character cut off from its neighbours is not indexed alone.
		for len(slots) > 0 && utf8.RuneCountInString(slots[len(slots)-1][0]) == 1 && field == index.FieldJA {
			slots = slots[:len(slots)-1]
		}
		if len(slots) < 2 {
			continue
		}
		var kept analysis.TokenStream
		if field == index.FieldJA {
			kept = slices.DeleteFunc(slices.Clone(toks), func(tok *analysis.Token) bool {
				return tok.Position-toks[0].Position >= len(slots)
			})
		}
		phrases = append(phrases, phrase{field, slots, kept})
		switch rng.IntN(4) {
		case 0: // another term may stand in a slot
			alt := slices.Clone(slots)
			i := rng.IntN(len(alt))
			alt[i] = append(slices.Clone(alt[i]), slots[rng.IntN(len(slots))]...)
			phrases = append(phrases, phrase{field, alt, nil})
		case 1: // any term may stand in an inner slot
			if len(slots) > 2 {
				gap := slices.Clone(slots)
				gap[1+rng.IntN(len(gap)-2)] = nil
				phrases = append(phrases, phrase{field, gap, nil})
			}
		case 2: // swapped: mostly no match
			sw := slices.Clone(slots)
			sw[0], sw[1] = sw[1], sw[0]
			phrases = append(phrases, phrase{field, sw, nil})
		}
	}
	matched, below, same := 0, 0, 0
	for _, p := range phrases {
		word := wordOf(p.toks) != ""
		var scores [2]string
		for i, withLocations := range []bool{true, false} {
			// Without positions asked for, as the main search of a large index.
			ours := f.run(t, NewPhrase(p.slots, p.field, p.toks, &f.tables), withLocations)
			theirs := f.run(t, query.NewMultiPhraseQuery(p.slots, p.field), withLocations)
			// A word scores by its own frequency (wordScorer), at most what
			// bleve's conjunction of its bigrams gives.
			if show(ours, !word) != show(theirs, !word) {
				t.Errorf("phrase %q in %s, positions %v:\n ours   %s\n bleve  %s", p.slots, p.field, withLocations, show(ours, true), show(theirs, true))
				continue
			}
			for j := range ours {
				if word && ours[j].score > theirs[j].score+1e-9 {
					t.Errorf("word %q: %s scores %f, above bleve's %f", wordOf(p.toks), ours[j].id, ours[j].score, theirs[j].score)
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

// A word is found on the text as the analyzers see it (NFKC), when the
// search asks for no positions and checks the word on the text: half-width
// ﾒﾗﾄﾆﾝ is メラトニン.
func TestPhraseOnFoldedText(t *testing.T) {
	f := over(t, "900_folded.txt", "半角の記事", "", "ﾒﾗﾄﾆﾝの話です。", "", "メラトニンの話です。", "", "メラ、トニンの話です。")
	toks := f.analyze(index.AnalyzerJAQuery, "メラトニン")
	slots := Slots(toks)
	if w := wordOf(toks); w != "メラトニン" {
		t.Fatalf("word %q, want メラトニン: the search would not check the text", w)
	}
	q := NewPhrase(slots, index.FieldJA, toks, &f.tables)
	ours, theirs := show(f.run(t, q, false), false), show(f.run(t, query.NewMultiPhraseQuery(slots, index.FieldJA), false), false)
	if ours != theirs || strings.Count(ours, ";") != 2 {
		t.Errorf("ours %s, bleve %s: want the same two paragraphs", ours, theirs)
	}
}

// A term is a word when its bigrams each start one character after the one
// before: bigrams across a break in the query (睡眠・眠気, "睡眠 眠気") are
// not taken for one word (睡眠気), nor Latin words; a word whose bigram
// repeats (ウト of ウトウト) is one.
func TestWordOf(t *testing.T) {
	f := seeds(t)
	for text, want := range map[string]string{
		"睡眠・眠気": "", "睡眠 眠気": "", "AB BC": "", "ウトウト": "ウトウト", "メラトニン": "メラトニン",
	} {
		if got := wordOf(f.analyze(index.AnalyzerJAQuery, text)); got != want {
			t.Errorf("%s: searched as the word %q, want %q", text, got, want)
		}
	}
}
