package index

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// Seed files in testdata, shared by the chrome and article tests.
const (
	seedFile000 = "000_5f7a80a9702da62d.txt"
	seedFile001 = "001_c2c3b5d23e0135b4.txt"
	seedFile002 = "002_d25f1ed27a07bf50.txt"
)

// readSeedFile returns the raw bytes of one seed file in testdata.
func readSeedFile(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// nonEmptyLines counts the lines Strip looks at.
func nonEmptyLines(raw string) int {
	n := 0
	for _, l := range strings.Split(raw, "\n") {
		if strings.TrimSpace(l) != "" {
			n++
		}
	}
	return n
}

// The footer every Japanese article of the clinic ends with, in the order it
// appears in the seeds (001 has two more URL lines than 002 and no Instagram).
var (
	footerPointer = []Dropped{
		{"A&Oクリニック大阪中津でのNMN点滴はこちら", "link-label"},
		{"https://wako-skin-clinic.com/nmn.html", "url"},
		{"当院では無料でスタッフカウンセリングを行なっております。", "booking"},
		{"お気軽にご予約くださいませ", "booking"},
		{"A&Oクリニック大阪中津(美容皮膚科・美容外科)", "clinic-name"},
	}
	footerAddress = []Dropped{
		{"〒531-0072", "postal-code"},
		{"大阪府大阪市北区豊崎3丁目13-6", "address"},
		{"フジテラス大阪梅田5階(河合塾大阪校隣り)", "building"},
		{"御堂筋線中津駅 4 番出口より徒歩 2 分", "access"},
		{"阪急梅田駅より徒歩7分", "access"},
		{"TEL 06-6375-5888", "phone"},
		{"お問い合わせ、ご予約LINEからも可能です。", "booking"},
		{"友達追加は↓", "booking"},
	}
)

func concatDropped(parts ...[]Dropped) []Dropped {
	var out []Dropped
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var stripSeedTests = []struct {
	file    string
	dropped []Dropped // every dropped line, in file order
	keep    []string  // lines that must be kept, each exactly once
	kept    int       // number of kept lines
}{
	{
		file: seedFile000,
		dropped: []Dropped{
			{"Director's blog", "blog-label"},
			{"武本 重毅", "author"},
			{"武本 重毅", "author"},
		},
		keep: []string{
			// "clinical" is not the clinic's name.
			"Summary of recent NMN human clinical trials (4)",
			// Long article text that mentions the clinic stays.
			"At our clinic, we began to hear from patients who continue to take NMN (nicotinamide mononucleotide) supplements that “blood sugar levels have decreased” and “HbA1c levels have decreased.”",
			"This time, we will introduce the results of a clinical trial on diabetes.",
			"Nicotinamide mononucleotide increases muscle insulin sensitivity in prediabetic women",
			"Science.\u00a02021;372(6547):1224-1229.", // a no-break space in the file
			// Indented in the file: kept, trimmed.
			"About ten years ago, Associate Professor Jun Yoshino and Professor Shinichiro Imai demonstrated the effects of NMN administration on diabetic mice.",
			"In this clinical trial, 25 pre-diabetic (pre-diabetic), obese, postmenopausal women aged 55-75 years were randomized into two groups, 13 receiving 250mg of NMN per day, 12 People took a placebo orally for 10 weeks.",
			"In this way, the effects of NMN on humans have become clear.",
		},
		kept: 17,
	},
	{
		file: seedFile001,
		dropped: concatDropped(
			[]Dropped{
				{"大阪市北区 梅田 中津|A&O 美容クリニック 大阪市北区 梅田 中津|A&O 美容クリニック", "site-header"},
				{"blogブログ", "blog-label"},
				{"HOME > ブログ > NMN点滴はうつ症状などの精神症状にも有効か?その根拠は?、大阪の美容皮膚科医が解説", "breadcrumb"},
				{"NMN点滴はうつ症状などの精神症状にも有効か?その根拠は?、大阪の美容皮膚科医が解説", "duplicate-title"},
			},
			footerPointer,
			[]Dropped{{"https://wako-skin-clinic.com/", "url"}},
			footerAddress,
			[]Dropped{
				{"https://lin.ee/i0jVwIB", "url"},
				{"LINE ID @671vfvts", "booking"},
				{"最新のブログ記事", "teasers"},
				{"ほくろ、イボはCO2レーザーできれいにとりましょう。CO2レーザーの特徴、機序、改善する症状について、大阪の美容皮膚科医が解説", "teasers"},
				{"ほくろ、イボはCO2レーザーできれいにとりましょう。CO2レーザーの特徴、機序、改善する症状について、大阪の美容皮膚科医が解説 こんにちは、A&Oクリニック大阪中津、美容皮膚科医の加藤晃司です。 今回は、ほくろ、イボはC…", "teasers"},
				{"全顔のシミ取りを行うことで、若返った印象を与えることができるか?ピコレーザー、M22、それぞれの特徴は?大阪の美容皮膚科医が解説", "teasers"},
				{"全顔のシミ取りを行うことで、若返った印象を与えることができるか?ピコレーザー、M22、それぞれの特徴は?大阪の美容皮膚科医が解説 こんにちは、A&Oクリニック大阪中津、美容皮膚科医の加藤晃司です。 今回は、全顔のシミ取り…", "teasers"},
			},
		),
		keep: []string{
			// The title once (its second copy is dropped).
			"NMN点滴はうつ症状などの精神症状にも有効か?その根拠は?、大阪の美容皮膚科医が解説",
			// The greeting names the clinic but is a sentence.
			"こんにちは、A&Oクリニック大阪中津、美容皮膚科医の加藤晃司です。",
			"今回は、NMN点滴はうつ症状などの精神症状にも有効か?その根拠は?について解説します。",
			"1. NAD+と神経機能の関連",
			"4. 睡眠の質の向上と精神症状",
			"5. 現時点でのエビデンスと限界",
			"まとめ",
			"精神科薬を使わない、もしくは減量しながら症状を改善させるのに、NMN点滴は有効である可能性があると思います。",
			"Is NMN Drip Therapy Effective for Depression and Other Mental Symptoms? Explained by a Cosmetic Dermatologist in Osaka",
			"Hello, I’m Dr. Koji Kato, a cosmetic dermatologist at A&O Clinic Osaka Nakatsu.",
			"1. Connection Between NAD+ and Brain Function",
			"4. Improvement in Sleep Quality and Mental Health",
			"Conclusion",
			"Psychiatric medications often come with side effects, and long-term use can make it difficult to discontinue them. For those seeking alternative approaches or a way to reduce medication while managing symptoms, NMN drip therapy may offer a promising option.",
		},
		kept: 49,
	},
	{
		file: seedFile002,
		dropped: concatDropped(
			footerPointer,
			footerAddress,
			[]Dropped{
				{"LINE ID @671vfvts", "booking"},
				{"24時間インターネットから予約可能です↓", "booking"},
				{"A&Oクリニック大阪中津インスタ↓", "booking"},
				{"https://www.instagram.com/aoclinic_?igsh=MWEydGVjajM4bmU3Zw%3D%3D&utm_source=qr", "url"},
				{"A&Oクリニック大阪中津 理事長インスタ↓", "booking"},
				{"https://www.instagram.com/aoclinic.katokoji?igsh=cHhiNnY0a3F5YzBy", "url"},
			},
		),
		keep: []string{
			"入眠困難、熟眠障害、中途覚醒に対し、NMN点滴は有効性を発揮するか?大阪の美容皮膚科医が解説",
			"こんにちは、A&Oクリニック大阪中津、美容皮膚科医の加藤晃司です。",
			"1. NMNの作用メカニズムと睡眠への影響",
			"a. 体内時計の調整",
			"c. ホルモンバランスの安定",
			"即効性:NMN点滴は即効性があるわけではなく、継続的な使用によって体内のNAD+が安定すると、効果がより実感されることが多いです。",
			"まとめ",
			"NMN点滴は、睡眠の質を高め、リズムの整った生活を送るために有用な治療法の一つとなり得ますが、睡眠の改善には生活環境の整備も併せて行うことが理想的です。",
			"Does NMN IV Therapy Improve Sleep Quality for Difficulty Falling Asleep, Poor Sleep, and Nighttime Awakenings? Explained by a Dermatologist in Osaka",
			"Hello, I’m Dr. Koji Kato, a dermatologist at A&O Clinic Osaka Nakatsu.",
			"1. NMN Mechanism and Its Potential Impact on Sleep",
			"a. Regulation of the Body Clock",
			"Summary",
			"NMN IV therapy may be an effective addition to improving sleep quality and achieving a balanced lifestyle. However, pairing NMN therapy with an optimized sleep environment and a healthy sleep routine is ideal.",
		},
		kept: 94,
	},
}

func TestStripSeeds(t *testing.T) {
	for _, tt := range stripSeedTests {
		t.Run(tt.file, func(t *testing.T) {
			raw := string(readSeedFile(t, tt.file))
			kept, dropped := Strip(raw)

			for i := 0; i < len(dropped) || i < len(tt.dropped); i++ {
				var got, want Dropped
				if i < len(dropped) {
					got = dropped[i]
				}
				if i < len(tt.dropped) {
					want = tt.dropped[i]
				}
				if got != want {
					t.Errorf("dropped[%d]\n got {%q, %s}\nwant {%q, %s}", i, got.Line, got.Rule, want.Line, want.Rule)
				}
			}
			if len(dropped) != len(tt.dropped) {
				t.Errorf("dropped %d lines, want %d", len(dropped), len(tt.dropped))
			}

			if len(kept) != tt.kept {
				t.Errorf("kept %d lines, want %d", len(kept), tt.kept)
			}
			if got, want := len(kept)+len(dropped), nonEmptyLines(raw); got != want {
				t.Errorf("kept+dropped = %d lines, want every non-empty line (%d)", got, want)
			}
			for _, want := range tt.keep {
				n := 0
				for _, l := range kept {
					if l == want {
						n++
					}
				}
				if n != 1 {
					t.Errorf("line kept %d times, want once: %q", n, want)
				}
			}
			for _, l := range kept {
				if l != strings.TrimSpace(l) || l == "" {
					t.Errorf("kept line not trimmed or empty: %q", l)
				}
			}
			if got := ContentLines(raw); strings.Join(got, "\n") != strings.Join(kept, "\n") {
				t.Errorf("ContentLines differs from Strip's kept lines")
			}
		})
	}
}

// TestChromeRules checks single lines against the rules: the first matching
// rule's name, or "" for a line that is article text.
func TestChromeRules(t *testing.T) {
	longJA := "ご予約の際には、これまでに服用しているお薬や、過去に点滴で体調を崩したことがあるかどうかを事前にお知らせいただくと、当日の診察がスムーズに進みます。"
	longEN := "Many patients tell us they prefer to send their questions through LINE because it lets them ask about side effects at any time of day."
	longBook := "If you would like to book an appointment, please tell us which supplements and medicines you are taking now so that we can prepare."
	tests := []struct {
		line, want string
	}{
		// site-header
		{"大阪市北区 梅田 中津|A&O 美容クリニック 大阪市北区 梅田 中津|A&O 美容クリニック", "site-header"},
		{"Home | Blog | Access", "site-header"},
		{"Dose 250mg | 10 weeks.", ""}, // a '|' in a sentence

		// blog-label
		{"Director's blog", "blog-label"},
		{"Director’s Blog", "blog-label"},
		{"blogブログ", "blog-label"},
		{"BLOG", "blog-label"},
		{"ブログ", "blog-label"},
		{"ブログを始めました", ""},
		{"Blog posts about sleep", ""},

		// breadcrumb
		{"HOME > ブログ > NMN点滴", "breadcrumb"},
		{"ホーム＞ブログ", "breadcrumb"},
		{"Home › Blog", "breadcrumb"},
		{"Home remedies for sleep", ""},

		// url
		{"https://wako-skin-clinic.com/", "url"},
		{"http://lin.ee/i0jVwIB", "url"},
		{"See https://example.com for the paper.", ""},

		// postal-code
		{"〒531-0072", "postal-code"},
		{"〒 5310072", "postal-code"},
		{"〒マーク", ""},

		// address
		{"大阪府大阪市北区豊崎3丁目13-6", "address"},
		{"東京都渋谷区神宮前1-2-3", "address"},
		{"大阪府の調査では", ""},

		// building
		{"フジテラス大阪梅田5階(河合塾大阪校隣り)", "building"},
		{"梅田ビル 3 階", "building"},
		{"当院はフジテラス大阪梅田5階にあり、エレベーターで上がれます。", ""},
		{"梅田ビル５階", "building"}, // full-width digit
		{"当院は中津駅から徒歩3分です。", ""},
		{"NAD+ Decline with Age", ""},    // LINE inside a word is not the app
		{"Baseline characteristics", ""}, // likewise
		{"LINEで予約", "booking"},

		// access
		{"阪急梅田駅より徒歩7分", "access"},
		{"御堂筋線中津駅 4 番出口より徒歩 2 分", "access"},
		{"徒歩で通える距離です。", ""},

		// phone
		{"TEL 06-6375-5888", "phone"},
		{"tel: 06-6375-5888", "phone"},
		{"電話：06-6375-5888", "phone"},
		{"06-6375-5888", "phone"},
		{"Science. 2021;372(6547):1224-1229.", ""},
		{"2021-12-01", ""},

		// booking
		{"お気軽にご予約くださいませ", "booking"},
		{"お問い合わせ、ご予約LINEからも可能です。", "booking"},
		{"当院では無料でスタッフカウンセリングを行なっております。", "booking"},
		{"LINE ID @671vfvts", "booking"},
		{"友達追加は↓", "booking"}, // booking wins over link-label
		{"A&Oクリニック大阪中津インスタ↓", "booking"},
		{"Follow us on Instagram", "booking"},
		{"Book an appointment", "booking"},
		{longJA, ""}, // a long sentence that mentions 予約 stays
		{longEN, ""}, // a long sentence that mentions LINE stays
		{longBook, ""},

		// link-label
		{"A&Oクリニック大阪中津でのNMN点滴はこちら", "link-label"},
		{"詳しくはこちら", "link-label"},
		{"論文↓", "link-label"},
		{"こちらをご覧ください。", ""},

		// clinic-name
		{"A&Oクリニック大阪中津(美容皮膚科・美容外科)", "clinic-name"},
		{"A&O Clinic Osaka Nakatsu", "clinic-name"},
		{"clinical trials", ""},
		{"Summary of recent NMN human clinical trials (4)", ""},
		{"こんにちは、A&Oクリニック大阪中津、美容皮膚科医の加藤晃司です。", ""},
		{"Hello, I’m Dr. Koji Kato, a cosmetic dermatologist at A&O Clinic Osaka Nakatsu.", ""},
		{"At our clinic, we began to hear from patients who continue to take NMN (nicotinamide mononucleotide) supplements that “blood sugar levels have decreased” and “HbA1c levels have decreased.”", ""},

		// author
		{"武本 重毅", "author"},
		{"加藤　晃司", "author"}, // ideographic space
		{"武本重毅", ""},
		{"まとめ", ""},

		// article text matched by no rule
		{"1. NAD+と神経機能の関連", ""},
		{"4. Improvement in Sleep Quality and Mental Health", ""},
		{"a. 体内時計の調整", ""},
		{"Conclusion", ""},
	}
	for _, tt := range tests {
		if got := chromeRuleFor(tt.line); got != tt.want {
			t.Errorf("chromeRuleFor(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}

	// Every rule has at least one line above that it drops.
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.want] = true
	}
	for _, r := range chromeRules {
		if !covered[r.name] {
			t.Errorf("rule %s has no positive case", r.name)
		}
	}

	// The "long sentence" cases must really be over the short-line limit.
	for _, l := range []string{longJA, longEN, longBook} {
		if n := utf8.RuneCountInString(l); n <= maxChromeRunes {
			t.Errorf("%d runes, want more than %d: %q", n, maxChromeRunes, l)
		}
	}
}

func TestChromeRuleNamesUnique(t *testing.T) {
	seen := map[string]bool{"teasers": true, "duplicate-title": true}
	for _, r := range chromeRules {
		if seen[r.name] {
			t.Errorf("rule name %q used twice", r.name)
		}
		seen[r.name] = true
		if r.reason == "" {
			t.Errorf("rule %s has no reason", r.name)
		}
	}
}

// TestStripTitleAndTeasers covers the two stateful parts of Strip on a small
// file: later copies of the title, and the "latest posts" box.
func TestStripTitleAndTeasers(t *testing.T) {
	raw := "\ufeffNMN and Sleep\r\n\r\n" +
		"  NMN and Sleep  \r\n" +
		"NMN may improve sleep quality.\r\n" +
		"1. Background\r\n" +
		"NMN and Sleep\r\n" +
		"最新のブログ記事\r\n" +
		"Another post\r\n" +
		"Another post それは…\r\n" +
		"Third post\r\n" +
		"Third post excerpt...\r\n" +
		"Back to the article.\r\n"
	kept, dropped := Strip(raw)
	wantKept := []string{"NMN and Sleep", "NMN may improve sleep quality.", "1. Background", "Back to the article."}
	wantDropped := []Dropped{
		{"NMN and Sleep", "duplicate-title"},
		{"NMN and Sleep", "duplicate-title"},
		{"最新のブログ記事", "teasers"},
		{"Another post", "teasers"},
		{"Another post それは…", "teasers"},
		{"Third post", "teasers"},
		{"Third post excerpt...", "teasers"},
	}
	if got, want := strings.Join(kept, "\n"), strings.Join(wantKept, "\n"); got != want {
		t.Errorf("kept\n got %q\nwant %q", kept, wantKept)
	}
	if len(dropped) != len(wantDropped) {
		t.Fatalf("dropped\n got %q\nwant %q", dropped, wantDropped)
	}
	for i := range dropped {
		if dropped[i] != wantDropped[i] {
			t.Errorf("dropped[%d] = %q, want %q", i, dropped[i], wantDropped[i])
		}
	}

	// Other markers of the box.
	for _, marker := range []string{"最新のブログ記事", "最新記事", "新着記事", "Latest posts", "recent blog posts"} {
		if !teaserMarker.MatchString(marker) {
			t.Errorf("teaserMarker does not match %q", marker)
		}
	}
	for _, notMarker := range []string{"最新の研究", "この記事では、睡眠について解説します。", "Latest research", "記事", "ブログ記事"} {
		if teaserMarker.MatchString(notMarker) {
			t.Errorf("teaserMarker matches %q", notMarker)
		}
	}
}

// A short heading shaped like a name stays when the page prints it once; the
// byline, printed twice, goes.
func TestStripAuthorOnlyWhenRepeated(t *testing.T) {
	kept, dropped := Strip("武本 重毅\n睡眠 改善\nNMNは睡眠を改善します。\n武本 重毅\n")
	if want := []string{"睡眠 改善", "NMNは睡眠を改善します。"}; strings.Join(kept, "|") != strings.Join(want, "|") {
		t.Errorf("kept %q, want %q", kept, want)
	}
	if len(dropped) != 2 || dropped[0].Rule != "author" || dropped[1].Rule != "author" {
		t.Errorf("dropped %q, want the byline twice", dropped)
	}
}
