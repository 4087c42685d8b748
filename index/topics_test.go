package index

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

func TestDefaultTopicsParse(t *testing.T) {
	// defaultTopics skips the check of every keyword's words: it is here
	if _, err := ParseTopics("topics.txt", defaultTopicsFile); err != nil {
		t.Fatal(err)
	}
	ts := defaultTopics()
	if got := ts.Names(); !slices.Equal(got, []string{"diabetes", "depression", "sleep"}) {
		t.Fatalf("Names() = %v", got)
	}
	if l := ts.List()[2].Labels; l.JA != "睡眠" || l.EN != "Sleep" {
		t.Errorf("sleep labels = %+v", l)
	}
	if ts.Hash() == "" {
		t.Error("no hash")
	}
}

func TestParseTopicsErrors(t *testing.T) {
	tests := []struct{ name, file, want string }{
		{"empty", "# nothing\n", "t.txt: no [topic] in the file"},
		{"bad name", "[Sleep]\nwords = x\n", "t.txt:1: a topic is [name]"},
		{"unclosed", "[sleep\nwords = x\n", "t.txt:1: a topic is [name]"},
		{"twice", "[a]\nwords = x\n[a]\nwords = y\n", `t.txt:3: topic "a" is named twice`},
		{"before", "words = x\n[a]\n", `t.txt:1: "words = x" comes before the first [topic]`},
		{"no equals", "[a]\nwords x\n", `t.txt:2: expected [topic] or key = value`},
		{"unknown key", "[a]\nfr = Sommeil\n", `t.txt:2: unknown key "fr"`},
		{"empty label", "[a]\nja =\nwords = x\n", "t.txt:2: empty ja label"},
		{"no words", "[a]\nen = A\n", `t.txt: topic "a" has no words`},
		{"bad utf8", "[a]\nwords = \xff\n", "t.txt: not valid UTF-8"},
		{"one", "[t]\nja = T\nen = T\nwords = x\n", ""},
	}
	for _, tt := range tests {
		_, err := ParseTopics("t.txt", []byte(tt.file))
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		var te *FileError
		if !errors.As(err, &te) || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q…", tt.name, err, tt.want)
		}
	}
}

func TestParseTopicsLimits(t *testing.T) {
	var b strings.Builder
	for i := range maxTopics + 1 {
		b.WriteString("[t" + strings.Repeat("x", i%5) + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "]\nwords = w\n")
	}
	if _, err := ParseTopics("t.txt", []byte(b.String())); err == nil || !strings.Contains(err.Error(), "more than 32 topics") {
		t.Errorf("%d topics: err = %v", maxTopics+1, err)
	}
	words := "[a]\nwords = " + strings.Repeat("w, ", maxTopicKeywords+1) + "\n"
	if _, err := ParseTopics("t.txt", []byte(words)); err == nil || !strings.Contains(err.Error(), "keywords in all") {
		t.Errorf("%d keywords: err = %v", maxTopicKeywords+1, err)
	}
	big := "[a]\nwords = x\n#" + strings.Repeat("x", maxTopicsBytes) + "\n"
	if _, err := ParseTopics("t.txt", []byte(big)); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("a file over %d bytes: err = %v", maxTopicsBytes, err)
	}
}

// Keywords match words, not substrings: dictionary forms in Japanese,
// stems (and longer words that start with them) in English.
func TestTopicKeywordsMatchWords(t *testing.T) {
	ts := defaultTopics()
	tests := []struct {
		text string
		want []string // topics with at least one keyword
	}{
		{"", nil},
		{"NMN点滴とNAD+", nil},
		{"NMNは血糖値とインスリン感受性を改善する", []string{"diabetes"}},
		{"Insulin lowers blood sugar in prediabetic women", []string{"diabetes"}},
		{"ＨｂＡ１ｃが下がった", []string{"diabetes"}}, // full-width, folded by NFKC
		{"不眠症に悩む人は多い", []string{"sleep"}},
		{"夜に眠れない日が続く", []string{"sleep"}},
		{"Sleepless nights and sleeping pills", []string{"sleep"}},
		{"抗うつ薬を飲んでいる", []string{"depression"}},
		{"うつ症状と不安、睡眠不足", []string{"depression", "sleep"}},
		{"4. Improvement in Sleep Quality and Mental Health", []string{"depression", "sleep"}},
		// Substrings of other words do not count.
		{"Environmental adjustments and fundamental supplemental care", nil},
		{"不安定な天気が続く", nil},
		{"うつくしい肌を保つ", nil},
		{"A napkin on the table", nil},
	}
	m := ts.matcher()
	for _, tt := range tests {
		hits := m.count(textTerms(tt.text), len(ts.list))
		var got []string
		for g, n := range hits {
			if n > 0 {
				got = append(got, ts.list[g].Name)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q: topics %v, want %v", tt.text, got, tt.want)
		}
	}
}

// Each paragraph carries its own topics and its section's, not the
// article's: a paragraph about skin in a sleep article carries none.
func TestTagPerParagraph(t *testing.T) {
	raw := strings.Join([]string{
		"NMNと睡眠の質", // title: names sleep, but is not a section
		"NMNは細胞のエネルギーを支えます。",          // none
		"2. 夜の眠りとの関係",                 // heading: sleep
		"寝る前の習慣を整えると、朝の目覚めが変わります。",    // sleep: its own word, and its section
		"朝の光を浴びることも大切です。",             // sleep: its section
		"3. 肌のくすみ",                    // heading: none
		"肌のくすみは血行の低下で目立ちます。",          // none
		"気分の落ち込みが続くときは医師に相談を。",        // depression
		"Better sleep may help mood.", // an English half of one paragraph is not a title
	}, "\n")
	a, err := ParseArticle("tagged", []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"sleep"}, nil, {"sleep"}, {"sleep"}, {"sleep"}, nil, nil, {"depression"}, {"depression", "sleep"}}
	for i, p := range a.Paragraphs {
		if !slices.Equal(p.Topics, want[i]) {
			t.Errorf("paragraph %d %q: topics %v, want %v", p.N, p.Text, p.Topics, want[i])
		}
	}
	// The title names sleep; depression has two of six body paragraphs
	// (at least minArticleShare), skin is no topic.
	if !slices.Equal(a.Topics, []string{"depression", "sleep"}) {
		t.Errorf("article topics %v, want [depression sleep]", a.Topics)
	}

	// An article about none of the topics has none, nor do its paragraphs.
	a, err = ParseArticle("skin", []byte("シミの治療\nシミはレーザーで薄くできます。\nUV care keeps spots from coming back."))
	if err != nil {
		t.Fatal(err)
	}
	if a.Topics != nil || slices.ContainsFunc(a.Paragraphs, func(p Paragraph) bool { return p.Topics != nil }) {
		t.Errorf("skin article: topics %v, paragraphs %+v", a.Topics, a.Paragraphs)
	}
}

// A topics file of the operator's: its topics are the ones PUT accepts and
// paragraphs carry.
func TestParseWithOtherTopics(t *testing.T) {
	ts, err := ParseTopics("mine.txt", []byte("[skin]\nja = 肌\nen = Skin\nwords = 肌, シミ, skin\n\n[fatigue]\nja = 疲労\nen = Fatigue\nwords = 疲労, fatigue\n"))
	if err != nil {
		t.Fatal(err)
	}
	src := Source{ID: "s", Topics: []string{"fatigue"}, Text: "シミの話\nシミはレーザーで薄くできます。\n睡眠も大切です。"}
	a, err := src.parseWith(ts)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Topics, []string{"fatigue"}) || !slices.Equal(a.Paragraphs[1].Topics, []string{"skin", "fatigue"}) ||
		!slices.Equal(a.Paragraphs[2].Topics, []string{"fatigue"}) {
		t.Errorf("topics: article %v, paragraphs %v %v", a.Topics, a.Paragraphs[1].Topics, a.Paragraphs[2].Topics)
	}
	src.Topics = []string{"sleep"}
	if _, err := src.parseWith(ts); !errors.Is(err, errInvalid) || !strings.Contains(err.Error(), `unknown topic "sleep" (known: skin, fatigue)`) {
		t.Errorf("a topic the file lacks: %v", err)
	}
}

// A data directory opened with another topics file is re-tagged from its
// stored sources: the new topic is searchable, the old one gone; opened
// again with the same file, nothing is rebuilt.
func TestOpenRetagsWhenTopicsChange(t *testing.T) {
	dir := t.TempDir()
	ix := openT(t, dir, "testdata")
	ix.Close()
	mine, err := ParseTopics("mine.txt", []byte("[mito]\nja = ミトコンドリア\nen = Mitochondria\nwords = ミトコンドリア, mitochondria, mitochondrial\n"))
	if err != nil {
		t.Fatal(err)
	}
	for round, want := range []string{"topics changed", ""} {
		ix, err := Open(dir, os.DirFS("testdata"), WithTopics(mine))
		if err != nil {
			t.Fatal(err)
		}
		if info := ix.OpenInfo(); info.Reason != want || info.Rebuilt != (want != "") {
			t.Errorf("open %d: rebuilt %v, reason %q; want %q", round+1, info.Rebuilt, info.Reason, want)
		}
		n, err := ix.Bleve().Search(bleve.NewSearchRequest(termQuery(FieldTopic, "mito")))
		if err != nil {
			t.Fatal(err)
		}
		old, err := ix.Bleve().Search(bleve.NewSearchRequest(termQuery(FieldTopic, "sleep")))
		if err != nil {
			t.Fatal(err)
		}
		if n.Total == 0 || old.Total != 0 {
			t.Errorf("open %d: %d paragraphs about mito, %d about sleep; want some and none", round+1, n.Total, old.Total)
		}
		ix.Close()
	}
}

func termQuery(field, term string) *query.TermQuery {
	q := bleve.NewTermQuery(term)
	q.SetField(field)
	return q
}

// A keyword's stem matches a longer word only with an ending that keeps its
// meaning (minPrefixStem, stemEndings).
func TestTopicKeywordEndings(t *testing.T) {
	ts, err := ParseTopics("t.txt", []byte("[calm]\nja = 安静\nen = Calm\nwords = restful, nap\n"))
	if err != nil {
		t.Fatal(err)
	}
	m := ts.matcher()
	for text, want := range map[string]int{
		"A restful night.":              1,
		"Restless legs keep him up.":    1,
		"Restricting carbohydrates.":    0,
		"The restaurant was closed.":    0,
		"A short nap after lunch.":      1,
		"Put a napkin on your lap.":     0,
		strings.Repeat("x", 1<<20) + "": 0, // one long word costs the longest keyword, not its length squared
	} {
		if got := m.count(textTerms(text), 1)[0]; got != want {
			t.Errorf("%.40q: %d, want %d", text, got, want)
		}
	}
}

// A keyword that is no word of its own would never match: the file is
// refused, naming the line.
func TestParseTopicsKeywordWithoutWords(t *testing.T) {
	for _, w := range []string{"の", "the", "・"} {
		_, err := ParseTopics("t.txt", []byte("[a]\nja = A\nwords = sleep, "+w+"\n"))
		if err == nil || !strings.Contains(err.Error(), "t.txt:3: keyword") {
			t.Errorf("keyword %q: %v", w, err)
		}
	}
}

// passingShare and minHitsAlone: a topic named in passing is not the
// paragraph's; named half as often as its main one, or minHitsAlone times,
// it is.
func TestTagWordsInPassing(t *testing.T) {
	ts := defaultTopics()
	for text, want := range map[string][]string{
		"Sleep, sleep and sleep again: insomnia keeps sleep short, and stress plays a part.":      {"sleep"},
		"Sleep and insomnia, low mood and anxiety: the two go together.":                          {"depression", "sleep"},
		"Insomnia, insomnia, insomnia, sleep and sleep; mood, anxiety and depression come along.": {"depression", "sleep"},
	} {
		a, err := Source{ID: "p", Paragraphs: []string{text}}.parseWith(ts)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.Paragraphs[0].Topics; !slices.Equal(got, want) {
			t.Errorf("%q: topics %v, want %v", text, got, want)
		}
	}
}

// minHalfParagraphs: an English half of fewer paragraphs is a quotation,
// not a second title's half.
func TestTitlePerLanguageNeedsAHalf(t *testing.T) {
	ja := "NMNと睡眠\nNMNは体内でNAD+に変わります。\n夜の眠りとの関係も研究されています。\n"
	short := ja + "NMN and sleep\nA short English note."
	half := ja + "NMN and sleep\nNMN turns into NAD+ in the body.\nIts link with sleep is studied."
	for raw, want := range map[string]string{short: "NMNと睡眠", half: "NMN and sleep"} {
		a, err := ParseArticle("h", []byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		if got := a.TitleIn(LangEN); got != want {
			t.Errorf("English title %q, want %q", got, want)
		}
	}
}

// A data directory keeps its topics file: opened without one (ingest,
// reindex, a restart), it goes on with its own rather than re-tagging with
// the built-in topics; an article PUT with a topic a later file lacks is
// indexed without it, not lost.
func TestDataDirKeepsItsTopics(t *testing.T) {
	dir := t.TempDir()
	mine, err := ParseTopics("mine.txt", []byte("[skin]\nja = 肌\nen = Skin\nwords = シミ, 肌, skin\n"))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir, os.DirFS("testdata"), WithTopics(mine))
	if err != nil {
		t.Fatal(err)
	}
	a, err := ix.Parse(Source{ID: "900-skin", Topics: []string{"skin"}, Text: "シミの話\nシミはレーザーで薄くできます。"})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(a); err != nil {
		t.Fatal(err)
	}
	ix.Close()

	ix, err = Open(dir, os.DirFS("testdata")) // no topics given
	if err != nil {
		t.Fatal(err)
	}
	if info := ix.OpenInfo(); info.Rebuilt || !ix.Topics().Has("skin") {
		t.Errorf("reopened without topics: rebuilt %v (%s), topics %v; want its own kept", info.Rebuilt, info.Reason, ix.Topics().Names())
	}
	ix.Close()

	// Another file, without skin: re-tagged, and the article kept.
	ix, err = Open(dir, os.DirFS("testdata"), WithTopics(defaultTopics()))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	stored, ok := ix.Article("900-skin")
	if info := ix.OpenInfo(); !info.Rebuilt || info.Reason != "topics changed" || !ok || slices.Contains(stored.Topics, "skin") {
		t.Errorf("with the built-in topics: %+v, article %v", info, stored)
	}
	if !slices.ContainsFunc(ix.OpenInfo().Skipped, func(s string) bool { return strings.HasPrefix(s, "900-skin: indexed without") }) {
		t.Errorf("no word of the topic dropped: %v", ix.OpenInfo().Skipped)
	}
}

func TestParseTopicsNeedsBothLabels(t *testing.T) {
	if _, err := ParseTopics("t.txt", []byte("[skin]\nja = 肌\nwords = 肌\n")); err == nil || !strings.Contains(err.Error(), `topic "skin" needs a label in each language`) {
		t.Errorf("a topic with no en label: %v", err)
	}
}
