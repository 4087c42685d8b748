package index

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// paraWant is what one paragraph, picked by N, must look like.
type paraWant struct {
	n       int
	text    string // the paragraph's text, or a prefix of it ending in "…"
	lang    string
	heading bool
	section string
	topics  []string
}

func (w paraWant) matchText(got string) bool {
	if prefix, ok := strings.CutSuffix(w.text, "…"); ok {
		return strings.HasPrefix(got, prefix)
	}
	return got == w.text
}

const (
	title000   = "Summary of recent NMN human clinical trials (4)"
	paper000   = "Nicotinamide mononucleotide increases muscle insulin sensitivity in prediabetic women"
	title001   = "NMN点滴はうつ症状などの精神症状にも有効か?その根拠は?、大阪の美容皮膚科医が解説"
	title001EN = "Is NMN Drip Therapy Effective for Depression and Other Mental Symptoms? Explained by a Cosmetic Dermatologist in Osaka"
	sleepJA001 = "4. 睡眠の質の向上と精神症状"
	sleepEN001 = "4. Improvement in Sleep Quality and Mental Health"
	title002   = "入眠困難、熟眠障害、中途覚醒に対し、NMN点滴は有効性を発揮するか?大阪の美容皮膚科医が解説"
	title002EN = "Does NMN IV Therapy Improve Sleep Quality for Difficulty Falling Asleep, Poor Sleep, and Nighttime Awakenings? Explained by a Dermatologist in Osaka"
)

var (
	topicsDiabetes   = []string{"diabetes"}
	topicsDepression = []string{"depression"}
	topicsSleep      = []string{"sleep"}
	topicsDepSleep   = []string{"depression", "sleep"}
)

var parseSeedTests = []struct {
	file, id string
	title    string
	topics   []string
	count    int // number of paragraphs
	firstEN  int // N of the first English paragraph; all before it are Japanese, all after English
	paras    []paraWant
}{
	{
		file: seedFile000, id: "000-5f7a80a9702da62d",
		title: title000, topics: topicsDiabetes, count: 17, firstEN: 1,
		paras: []paraWant{
			{1, title000, LangEN, true, title000, nil},
			{2, "At our clinic, we began to hear from patients…", LangEN, false, title000, topicsDiabetes},
			{4, "Moreover, this research has become…", LangEN, false, title000, nil},
			{5, paper000, LangEN, true, paper000, topicsDiabetes},
			{6, "Science.\u00a02021;372(6547):1224-1229.", LangEN, false, paper000, topicsDiabetes},
			{8, "About ten years ago, Associate Professor Jun Yoshino…", LangEN, false, paper000, topicsDiabetes},
			{17, "In this way, the effects of NMN on humans have become clear.", LangEN, false, paper000, topicsDiabetes},
		},
	},
	{
		file: seedFile001, id: "001-c2c3b5d23e0135b4",
		title: title001, topics: topicsDepression, count: 49, firstEN: 26,
		paras: []paraWant{
			{1, title001, LangJA, true, title001, topicsDepression},
			{2, "こんにちは、A&Oクリニック大阪中津、美容皮膚科医の加藤晃司です。", LangJA, false, title001, nil},
			{6, "1. NAD+と神経機能の関連", LangJA, true, "1. NAD+と神経機能の関連", nil},
			{8, "神経伝達物質の生成: NAD+は…", LangJA, false, "1. NAD+と神経機能の関連", topicsDepression},
			{16, "サーチュインの役割: …", LangJA, false, "3. ストレス耐性の向上と精神的健康", topicsDepression},
			{17, sleepJA001, LangJA, true, sleepJA001, topicsDepSleep},
			{18, "NAD+は、体内のサーカディアンリズム…", LangJA, false, sleepJA001, topicsDepSleep},
			{19, "NMNの睡眠改善効果: …", LangJA, false, sleepJA001, topicsDepSleep},
			{20, "5. 現時点でのエビデンスと限界", LangJA, true, "5. 現時点でのエビデンスと限界", nil},
			{22, "まとめ", LangJA, true, "まとめ", nil},
			{25, "精神科薬を使わない、…", LangJA, false, "まとめ", topicsDepression},
			{26, title001EN, LangEN, true, title001EN, topicsDepression},
			{27, "Hello, I’m Dr. Koji Kato, a cosmetic dermatologist at A&O Clinic Osaka Nakatsu.", LangEN, false, title001EN, nil},
			{31, "1. Connection Between NAD+ and Brain Function", LangEN, true, "1. Connection Between NAD+ and Brain Function", nil},
			{41, "Role of Sirtuins: …", LangEN, false, "3. Enhanced Stress Resilience and Mental Health", topicsDepression},
			{42, sleepEN001, LangEN, true, sleepEN001, topicsDepSleep},
			{43, "NAD+ is also crucial for regulating…", LangEN, false, sleepEN001, topicsDepSleep},
			{44, "NMN’s Potential Sleep-Improving Effects: …", LangEN, false, sleepEN001, topicsDepSleep},
			{45, "5. Current Evidence and Limitations", LangEN, true, "5. Current Evidence and Limitations", nil},
			{47, "Conclusion", LangEN, true, "Conclusion", nil},
			{49, "Psychiatric medications often come with side effects…", LangEN, false, "Conclusion", topicsDepression},
		},
	},
	{
		file: seedFile002, id: "002-d25f1ed27a07bf50",
		title: title002, topics: topicsSleep, count: 94, firstEN: 48,
		paras: []paraWant{
			{1, title002, LangJA, true, title002, topicsSleep},
			{2, "こんにちは、A&Oクリニック大阪中津、美容皮膚科医の加藤晃司です。", LangJA, false, title002, nil},
			{5, "1. NMNの作用メカニズムと睡眠への影響", LangJA, true, "1. NMNの作用メカニズムと睡眠への影響", topicsSleep},
			{7, "a. 体内時計の調整", LangJA, true, "a. 体内時計の調整", topicsSleep},
			{9, "特に、夜間のメラトニン分泌が…", LangJA, false, "a. 体内時計の調整", topicsSleep},
			{38, "即効性:NMN点滴は即効性があるわけではなく…", LangJA, false, "5. NMN点滴の睡眠改善における注意点", topicsSleep},
			{41, "まとめ", LangJA, true, "まとめ", nil},
			{43, "体内時計の調整:NAD+の補充により、体内時計が整い、スムーズな入眠をサポート。", LangJA, false, "まとめ", topicsSleep},
			{47, "NMN点滴は、睡眠の質を高め…", LangJA, false, "まとめ", topicsSleep},
			{48, title002EN, LangEN, true, title002EN, topicsSleep},
			{49, "Hello, I’m Dr. Koji Kato, a dermatologist at A&O Clinic Osaka Nakatsu.", LangEN, false, title002EN, nil},
			{56, "Effect: This may improve melatonin secretion…", LangEN, false, "a. Regulation of the Body Clock", topicsSleep},
			{60, "c. Stress Reduction", LangEN, true, "c. Stress Reduction", nil},
			{88, "Summary", LangEN, true, "Summary", nil},
			{94, "NMN IV therapy may be an effective addition…", LangEN, false, "Summary", topicsSleep},
		},
	},
}

func TestParseArticleSeeds(t *testing.T) {
	for _, tt := range parseSeedTests {
		t.Run(tt.id, func(t *testing.T) {
			if got := articleIDFromFile(tt.file); got != tt.id {
				t.Fatalf("articleIDFromFile(%q) = %q, want %q", tt.file, got, tt.id)
			}
			raw := readSeedFile(t, tt.file)
			a, err := ParseArticle(tt.id, raw)
			if err != nil {
				t.Fatal(err)
			}
			if a.ID != tt.id {
				t.Errorf("ID = %q, want %q", a.ID, tt.id)
			}
			if a.Title != tt.title {
				t.Errorf("Title\n got %q\nwant %q", a.Title, tt.title)
			}
			if !slices.Equal(a.Topics, tt.topics) {
				t.Errorf("Topics = %v, want %v", a.Topics, tt.topics)
			}
			if len(a.Paragraphs) != tt.count {
				t.Fatalf("%d paragraphs, want %d", len(a.Paragraphs), tt.count)
			}

			// Paragraphs are strip's kept lines, in order.
			kept, _ := strip(string(raw))
			section := ""
			for i, p := range a.Paragraphs {
				n := i + 1
				if p.N != n {
					t.Errorf("paragraph %d: N = %d", n, p.N)
				}
				if want := fmt.Sprintf("%s-%d", tt.id, n); p.ID != want {
					t.Errorf("paragraph %d: ID = %q, want %q", n, p.ID, want)
				}
				if p.Article != tt.id {
					t.Errorf("paragraph %d: Article = %q, want %q", n, p.Article, tt.id)
				}
				if p.Text != kept[i] {
					t.Errorf("paragraph %d: Text = %q, want kept line %q", n, p.Text, kept[i])
				}
				wantLang := LangJA
				if n >= tt.firstEN {
					wantLang = LangEN
				}
				if p.Lang != wantLang {
					t.Errorf("paragraph %d: Lang = %q, want %q (%q)", n, p.Lang, wantLang, p.Text)
				}
				if p.Heading {
					section = p.Text
				}
				if p.Section != section {
					t.Errorf("paragraph %d: Section = %q, want nearest heading above %q", n, p.Section, section)
				}
			}
			if !a.Paragraphs[0].Heading || a.Paragraphs[0].Text != a.Title {
				t.Errorf("first paragraph %q is not the title heading", a.Paragraphs[0].Text)
			}
			// A bilingual article has a title per language: its English
			// half's heading.
			if first := a.Paragraphs[tt.firstEN-1]; tt.firstEN > 1 && a.TitleIn(LangEN) != first.Text {
				t.Errorf("English title %q, want %q", a.TitleIn(LangEN), first.Text)
			}
			if a.TitleIn(LangJA) != a.Title {
				t.Errorf("title in the first language %q, want %q", a.TitleIn(LangJA), a.Title)
			}

			for _, w := range tt.paras {
				if w.n < 1 || w.n > len(a.Paragraphs) {
					t.Errorf("no paragraph %d", w.n)
					continue
				}
				p := a.Paragraphs[w.n-1]
				if !w.matchText(p.Text) {
					t.Errorf("paragraph %d: Text\n got %q\nwant %q", w.n, p.Text, w.text)
				}
				if p.Lang != w.lang {
					t.Errorf("paragraph %d: Lang = %q, want %q", w.n, p.Lang, w.lang)
				}
				if p.Heading != w.heading {
					t.Errorf("paragraph %d: Heading = %v, want %v (%q)", w.n, p.Heading, w.heading, p.Text)
				}
				if p.Section != w.section {
					t.Errorf("paragraph %d: Section\n got %q\nwant %q", w.n, p.Section, w.section)
				}
				if !slices.Equal(p.Topics, w.topics) {
					t.Errorf("paragraph %d: Topics = %v, want %v", w.n, p.Topics, w.topics)
				}
			}
		})
	}
}

// TestParseArticleStable: parsing the same file twice gives the same
// article, so paragraph ids survive a rebuild of the index.
func TestParseArticleStable(t *testing.T) {
	for _, tt := range parseSeedTests {
		raw := readSeedFile(t, tt.file)
		a1, err1 := ParseArticle(tt.id, raw)
		a2, err2 := ParseArticle(tt.id, raw)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v, %v", tt.id, err1, err2)
		}
		if !reflect.DeepEqual(a1, a2) {
			t.Errorf("%s: two parses differ", tt.id)
		}
		seen := map[string]bool{}
		for i := range a1.Paragraphs {
			id1, id2 := a1.Paragraphs[i].ID, a2.Paragraphs[i].ID
			if id1 != id2 {
				t.Errorf("%s: paragraph %d id %q then %q", tt.id, i+1, id1, id2)
			}
			if seen[id1] {
				t.Errorf("%s: paragraph id %q used twice", tt.id, id1)
			}
			seen[id1] = true
		}
		for _, id := range []string{tt.id + "-1", fmt.Sprintf("%s-%d", tt.id, tt.count)} {
			if !seen[id] {
				t.Errorf("%s: no paragraph %q", tt.id, id)
			}
		}
	}
}

// TestParseArticleExplicitTopics: topics passed in are the article's, and
// every paragraph carries them beside the topics detected for it.
func TestParseArticleExplicitTopics(t *testing.T) {
	tests := []struct {
		file   string
		topics []string
		want   []string // Article.Topics
	}{
		{seedFile000, []string{"sleep"}, []string{"sleep"}},
		{seedFile002, []string{"depression"}, []string{"depression"}},
		{seedFile001, []string{"sleep", "depression"}, topicsDepSleep},
		// A topic outside the known list is kept and sorts after known ones.
		{seedFile000, []string{"nad", "diabetes"}, []string{"diabetes", "nad"}},
	}
	for _, tt := range tests {
		raw := readSeedFile(t, tt.file)
		detected, err := ParseArticle(articleIDFromFile(tt.file), raw)
		if err != nil {
			t.Fatal(err)
		}
		explicit := slices.Clone(tt.topics)
		a, err := ParseArticle(articleIDFromFile(tt.file), raw, explicit...)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a.Topics, tt.want) {
			t.Errorf("%s %v: Topics = %v, want %v", tt.file, tt.topics, a.Topics, tt.want)
		}
		for i, p := range a.Paragraphs {
			want := defaultTopics().sort(append(slices.Clone(detected.Paragraphs[i].Topics), tt.topics...))
			if !slices.Equal(p.Topics, want) {
				t.Errorf("%s %v: paragraph %d Topics = %v, want %v", tt.file, tt.topics, p.N, p.Topics, want)
			}
		}
		// The caller's slice is not shared with the article.
		explicit[0] = "changed"
		if !slices.Equal(a.Topics, tt.want) {
			t.Errorf("%s %v: Topics changed with the caller's slice: %v", tt.file, tt.topics, a.Topics)
		}
	}
}

func TestParseArticleErrors(t *testing.T) {
	valid := readSeedFile(t, seedFile000)
	tests := []struct {
		name, id string
		raw      []byte
	}{
		{"uppercase id", "000-ABC", valid},
		{"underscore id", "000_5f7a80a9702da62d", valid},
		{"65-char id", strings.Repeat("a", 65), valid},
		{"empty id", "", valid},
		{"space in id", "000 abc", valid},
		{"non-ASCII id", "記事-1", valid},
		{"invalid UTF-8", "bad-utf8", []byte("Title\n\xff\xfe text.\n")},
		{"empty file", "empty", nil},
		{"blank lines", "blank", []byte("\n \r\n\t\n")},
		{"all chrome", "chrome", []byte(strings.Join([]string{
			"大阪市北区 梅田 中津|A&O 美容クリニック",
			"blogブログ",
			"HOME > ブログ > 記事",
			"Director's blog",
			"武本 重毅",
			"武本 重毅", // a byline is printed above and below the post
			"A&Oクリニック大阪中津でのNMN点滴はこちら",
			"https://wako-skin-clinic.com/nmn.html",
			"お気軽にご予約くださいませ",
			"A&Oクリニック大阪中津(美容皮膚科・美容外科)",
			"〒531-0072",
			"大阪府大阪市北区豊崎3丁目13-6",
			"フジテラス大阪梅田5階(河合塾大阪校隣り)",
			"阪急梅田駅より徒歩7分",
			"TEL 06-6375-5888",
			"LINE ID @671vfvts",
			"最新のブログ記事",
			"別の記事",
			"別の記事 こんにちは…",
		}, "\n"))},
	}
	for _, tt := range tests {
		a, err := ParseArticle(tt.id, tt.raw)
		if err == nil {
			t.Errorf("%s: ParseArticle(%q) = %d paragraphs, want an error", tt.name, tt.id, len(a.Paragraphs))
		}
	}

	// The limits themselves are accepted.
	for _, id := range []string{strings.Repeat("a", 64), "a", "0", "-", "000-5f7a80a9702da62d"} {
		if _, err := ParseArticle(id, valid); err != nil {
			t.Errorf("ParseArticle(%q): %v", id, err)
		}
	}
}

func TestArticleIDFromFile(t *testing.T) {
	tests := []struct{ name, want string }{
		{"000_5f7a80a9702da62d.txt", "000-5f7a80a9702da62d"},
		{"001_c2c3b5d23e0135b4.txt", "001-c2c3b5d23e0135b4"},
		{"002_D25F1ED27A07BF50.txt", "002-d25f1ed27a07bf50"},
		{"003_abc", "003-abc"},
		{"Clinic_Note.TXT", "clinic-note"},
	}
	for _, tt := range tests {
		if got := articleIDFromFile(tt.name); got != tt.want {
			t.Errorf("articleIDFromFile(%q) = %q, want %q", tt.name, got, tt.want)
		}
		if !validArticleID(articleIDFromFile(tt.name)) {
			t.Errorf("articleIDFromFile(%q) is not a valid id", tt.name)
		}
	}
}

func TestDetectLang(t *testing.T) {
	tests := []struct{ text, want string }{
		{"NMNは体内でNAD+に変換されます。", LangJA},
		{"1. NAD+と神経機能の関連", LangJA},
		{"NMN converts into NAD+ in the body.", LangEN},
		{"In Japan it is called ニコチンアミドモノヌクレオチド, a long name for a small molecule that the body turns into NAD+ when it needs energy.", LangEN},
		{"SIRT1", LangEN},
	}
	for _, tt := range tests {
		if got := detectLang(tt.text); got != tt.want {
			t.Errorf("detectLang(%q) = %s, want %s", tt.text, got, tt.want)
		}
	}
}
