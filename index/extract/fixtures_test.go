package extract

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A fixture is a page of testdata/: NAME.txt (a scraped text) and/or
// NAME.html, and NAME.tsv, its blocks labelled C (the article's) or X (the
// site's), with the topics of each (see labelled).
type fixture struct {
	name   string
	title  string // #title
	titleE string // #title.en
	url    string // #url
	rows   []row
}

type row struct {
	content bool
	topics  string
	text    string
}

func readFixture(t *testing.T, name string) fixture {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name+".tsv"))
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{name: name}
	for _, line := range strings.Split(strings.TrimRight(string(raw), "\n"), "\n") {
		cols := strings.SplitN(line, "\t", 3)
		switch {
		case cols[0] == "#title":
			f.title = cols[1]
		case cols[0] == "#title.en":
			f.titleE = cols[1]
		case cols[0] == "#url":
			f.url = cols[1]
		case len(cols) == 3:
			f.rows = append(f.rows, row{cols[0] == "C", cols[1], cols[2]})
		default:
			t.Fatalf("%s.tsv: bad row %q", name, line)
		}
	}
	return f
}

// textFixtures are the pages that have a scraped text version.
var textFixtures = []string{"wp-ja", "wp-ja-2", "wp-en", "journal-en", "bilingual"}

// check compares what was kept with the labels: every content block kept,
// in order, and no furniture kept.
func (f fixture) check(t *testing.T, p Page) {
	t.Helper()
	var want, got []string
	for _, r := range f.rows {
		if r.content && !slices.Contains(want, r.text) {
			want = append(want, r.text)
		}
	}
	for _, b := range p.Kept {
		if slices.Contains(want, b.Text) {
			got = append(got, b.Text)
		}
	}
	if len(got) == len(want) && !slices.Equal(got, want) {
		t.Errorf("%s: content out of order:\n got %q\nwant %q", f.name, got, want)
	}
	kept := map[string]bool{}
	for _, b := range p.Kept {
		kept[b.Text] = true
	}
	reasons := map[string]string{}
	for _, d := range p.Dropped {
		reasons[d.Text] = d.Reason
	}
	content := map[string]bool{}
	for _, r := range f.rows {
		if r.content {
			content[r.text] = true
		}
	}
	for _, r := range f.rows {
		switch {
		case r.content && !kept[r.text]:
			t.Errorf("%s: content dropped (%s): %q", f.name, reasons[r.text], r.text)
		case !r.content && kept[r.text] && !content[r.text]:
			t.Errorf("%s: furniture kept: %q", f.name, r.text)
		}
	}
}

func TestTextFixtures(t *testing.T) {
	for _, name := range textFixtures {
		f := readFixture(t, name)
		raw, err := os.ReadFile(filepath.Join("testdata", name+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		p := Text(string(raw), Options{})
		f.check(t, p)
		if p.Title != f.title {
			t.Errorf("%s: title %q, want %q", name, p.Title, f.title)
		}
	}
}

// htmlFixtures are the pages that have an HTML version.
var htmlFixtures = []string{"wp-ja", "wp-ja-2", "wp-en", "journal-en", "bilingual", "skin-ja"}

func TestHTMLFixtures(t *testing.T) {
	for _, name := range htmlFixtures {
		f := readFixture(t, name)
		file, err := os.Open(filepath.Join("testdata", name+".html"))
		if err != nil {
			t.Fatal(err)
		}
		p, err := HTML(file, nil, Options{})
		file.Close()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		f.check(t, p.Page)
		if p.Title != f.title {
			t.Errorf("%s: title %q, want %q", name, p.Title, f.title)
		}
		if f.titleE != "" && !slices.ContainsFunc(p.Kept, func(b Block) bool { return b.Heading && b.Text == f.titleE }) {
			t.Errorf("%s: the English title %q is not a heading kept", name, f.titleE)
		}
		if p.URL != f.url {
			t.Errorf("%s: url %q, want %q", name, p.URL, f.url)
		}
	}
}

// A page of menus, links and a footer has no article: ErrNoContent.
func TestHTMLNoContent(t *testing.T) {
	for _, page := range []string{"no-content.html", ""} {
		var r io.Reader = strings.NewReader("")
		if page != "" {
			file, err := os.Open(filepath.Join("testdata", page))
			if err != nil {
				t.Fatal(err)
			}
			defer file.Close()
			r = file
		}
		if _, err := HTML(r, nil, Options{}); !errors.Is(err, ErrNoContent) {
			t.Errorf("%q: err = %v, want ErrNoContent", page, err)
		}
	}
}

// A short note with no furniture is kept whole, a heading it prints twice
// included; a page's signature above and below its text is not.
func TestTextNotesAndRepeats(t *testing.T) {
	note := "睡眠とNMN\nNMNの話をします。\n不眠の話\nまとめ\n夜に何度も目が覚めます。\n血糖の話\nまとめ\n食後に数値が上がります。"
	p := Text(note, Options{})
	if len(p.Kept) != 8 || len(p.Dropped) != 0 {
		t.Errorf("note: kept %d, dropped %v", len(p.Kept), p.Dropped)
	}
	signed := "山田 花子\nNMNと睡眠について、外来でよく聞かれることをまとめました。夜に目が覚める方は多く、年齢とともに増えます。\n" +
		"朝の光を浴びると体内時計が整い、夜に自然な眠気が来やすくなります。毎朝同じ時刻に起きることから始めましょう。\n山田 花子"
	p = Text(signed, Options{})
	for _, d := range p.Dropped {
		if d.Text != "山田 花子" || d.Reason != ReasonByline {
			t.Errorf("signed: dropped %v", p.Dropped)
		}
	}
	if len(p.Dropped) != 2 || len(p.Kept) != 2 {
		t.Errorf("signed: kept %d, dropped %d", len(p.Kept), len(p.Dropped))
	}
}

// The words of furniture in the author's sentences or headings do not drop
// them: a section headed "Recommended …", a sentence that says to book.
func TestFurnitureWordsInText(t *testing.T) {
	page := strings.Join([]string{
		"How much sleep do adults need?",
		"Most adults need seven to nine hours of sleep a night, and older adults often sleep less deeply than they did.",
		"Recommended amounts of sleep",
		"Teenagers need more sleep than adults, and their body clock runs later, which is why early school starts are hard on them.",
		"Schedule a sleep study if you snore loudly.",
		"受診の前に予約が必要です。",
		"Napping for longer than thirty minutes in the afternoon can make it harder to fall asleep at night, so keep naps short.",
	}, "\n")
	p := Text(page, Options{})
	if len(p.Dropped) != 0 {
		t.Errorf("dropped %v", p.Dropped)
	}
}

// A site's logo in an h1 is not the article's title; the h1 of the main
// content that <title> names is.
func TestHTMLTitleNotTheLogo(t *testing.T) {
	page := `<html><head><title>How much sleep do adults need? | Sunrise Clinic</title>
<meta property="og:site_name" content="Sunrise Clinic"></head><body>
<header><h1 class="logo">Sunrise Clinic</h1><nav><a href="/">Home</a> <a href="/blog">Blog</a></nav></header>
<main><article><h1>How much sleep do adults need?</h1>
<p>Most adults need seven to nine hours of sleep a night, and many get less than that on work days.</p>
<p>Older adults often sleep less deeply, and wake more often in the night, than they did when younger.</p>
<p>Keeping the same wake-up time every day, weekends included, is the simplest way to steady the body clock.</p>
</article></main><footer>© 2024 Sunrise Clinic</footer></body></html>`
	p, err := HTML(strings.NewReader(page), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "How much sleep do adults need?" {
		t.Errorf("title %q", p.Title)
	}
	if slices.ContainsFunc(p.Kept, func(b Block) bool { return b.Text == "Sunrise Clinic" }) {
		t.Errorf("the logo kept: %v", p.Kept)
	}
}

// A headline's deck, the line below it, is no title though it shares more
// words with the text: it stays, as the article's first paragraph.
func TestTextTitleAboveItsDeck(t *testing.T) {
	page := strings.Join([]string{
		"Sunrise Clinic",
		"Why Naps Help",
		"From short afternoon rests to planned naps before night shifts, what the research on naps and memory shows",
		"Short afternoon naps help memory: in several studies, a rest of twenty minutes improved recall of what was learned that morning.",
		"Longer naps, past thirty minutes, reach deep sleep, and waking from it leaves people groggy, so planned naps before night shifts are kept short.",
		"The research on naps and memory is still young, and most studies were small, but the short afternoon rest is a safe habit to try.",
	}, "\n")
	p := Text(page, Options{})
	if p.Title != "Why Naps Help" {
		t.Errorf("title %q, want the headline above its deck", p.Title)
	}
	if !slices.ContainsFunc(p.Kept, func(b Block) bool { return strings.HasPrefix(b.Text, "From short afternoon") }) {
		t.Errorf("the deck dropped: %v", p.Dropped)
	}
}
