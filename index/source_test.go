package index

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
)

// Put refuses an invalid article with an *InvalidError naming the field,
// and changes nothing; Delete refuses an invalid or unknown id.
func TestPutValidates(t *testing.T) {
	ok := Source{ID: "x-1", Title: "T", URL: "https://example.com/x", Topics: []string{"sleep"}, Text: "Heading\nSome text."}
	tests := []struct {
		name  string
		edit  func(s *Source)
		field string
	}{
		{"upper-case id", func(s *Source) { s.ID = "X-1" }, "id"},
		{"id with a dot", func(s *Source) { s.ID = "x.txt" }, "id"},
		{"empty id", func(s *Source) { s.ID = "" }, "id"},
		{"long id", func(s *Source) { s.ID = strings.Repeat("a", 65) }, "id"},
		{"unknown topic", func(s *Source) { s.Topics = []string{"sleep", "nad"} }, "topics"},
		{"text and paragraphs", func(s *Source) { s.Paragraphs = []string{"p"} }, "text"},
		{"no text", func(s *Source) { s.Text = "" }, "text"},
		{"blank paragraphs", func(s *Source) { s.Text, s.Paragraphs = "", []string{" ", ""} }, "text"},
		{"only chrome", func(s *Source) { s.Text = "TEL 06-6375-5888\n〒531-0072" }, "text"},
		{"invalid UTF-8", func(s *Source) { s.Text = "Heading\n\xff" }, "text"},
		{"javascript URL", func(s *Source) { s.URL = "javascript:alert(1)" }, "url"},
		{"relative URL", func(s *Source) { s.URL = "/blog/1" }, "url"},
		{"two-line title", func(s *Source) { s.Title = "a\nb" }, "title"},
		{"long title", func(s *Source) { s.Title = strings.Repeat("長", maxTitleRunes+1) }, "title"},
	}
	ix, err := Open("", os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	before := fingerprint(t, ix)
	for _, tt := range tests {
		s := ok.clone()
		tt.edit(&s)
		_, err := s.Parse()
		var ie *InvalidError
		if !errors.As(err, &ie) || !errors.Is(err, errInvalid) || ie.Field != tt.field {
			t.Errorf("%s: Parse = %v, want an *InvalidError on %s", tt.name, err, tt.field)
			continue
		}
		if tt.name == "text and paragraphs" || tt.name == "only chrome" {
			continue // faults of a Source only: paragraphs have no chrome rules
		}
		// A hand-built article with the same fault fails Put alike.
		a := Article{ID: s.ID, Title: s.Title, URL: s.URL, Topics: s.Topics}
		for _, p := range append(strings.Split(s.Text, "\n"), s.Paragraphs...) {
			a.Paragraphs = append(a.Paragraphs, Paragraph{Text: p})
		}
		if err := ix.Put(a); !errors.Is(err, errInvalid) {
			t.Errorf("%s: Put = %v, want errInvalid", tt.name, err)
		}
		t.Logf("%s: %v", tt.name, err)
	}
	if _, err := ok.Parse(); err != nil {
		t.Errorf("valid source: %v", err)
	}
	for _, id := range []string{"X", "a b", ""} {
		if err := ix.Delete(id); !errors.Is(err, errInvalid) {
			t.Errorf("Delete(%q) = %v, want errInvalid", id, err)
		}
	}
	if err := ix.Delete("no-such-article"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Delete of an unknown id = %v, want ErrNotFound", err)
	}
	if got := fingerprint(t, ix); got != before {
		t.Error("a refused write changed the index")
	}
}

// A Source parses the same way every time: a Source parses
// to the same article as ParseArticle of its text, with an explicit title
// and URL on top; an article keeps its source, and Put of a hand-built
// article indexes its paragraphs as they are written.
func TestSourceParse(t *testing.T) {
	raw, err := os.ReadFile("testdata/002_d25f1ed27a07bf50.txt")
	if err != nil {
		t.Fatal(err)
	}
	want, err := ParseArticle("002-d25f1ed27a07bf50", raw)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Source{ID: "002-d25f1ed27a07bf50", Text: string(raw)}.Parse()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(got.Paragraphs, want.Paragraphs, func(a, b Paragraph) bool {
		return a.ID == b.ID && a.Text == b.Text && a.Section == b.Section && slices.Equal(a.Topics, b.Topics)
	}) || got.Title != want.Title {
		t.Error("Source.Parse and ParseArticle differ")
	}
	if src := want.Source(); src.Text != string(raw) || src.ID != want.ID || src.Title != "" {
		t.Errorf("ParseArticle's source = %+v", src)
	}

	titled, err := Source{ID: "t", Title: " My title ", URL: "http://example.com/t", Topics: []string{"sleep", "diabetes"},
		Paragraphs: []string{" First line. ", "", "Second heading", "Text under it."}}.Parse()
	if err != nil {
		t.Fatal(err)
	}
	if titled.Title != "My title" || titled.URL != "http://example.com/t" || len(titled.Paragraphs) != 3 ||
		titled.Paragraphs[0].Text != "First line." || titled.Paragraphs[2].Section != "Second heading" ||
		!slices.Equal(titled.Topics, []string{"diabetes", "sleep"}) {
		t.Errorf("parsed %+v", titled)
	}

	// A title taken from the text keeps an explicit one's rules: one line,
	// cut to maxTitleRunes. As many paragraphs as allowed parse.
	for _, tc := range []struct {
		paragraphs []string
		want       string
	}{
		{[]string{"Two\nlines", "Text."}, "Two lines"},
		{[]string{"Nul\x00and\x1bescape", "Text."}, "Nul and escape"},
		{[]string{strings.Repeat("長", maxTitleRunes+100), "Text."}, strings.Repeat("長", maxTitleRunes-1) + "…"},
	} {
		a, err := Source{ID: "derived", Paragraphs: tc.paragraphs}.Parse()
		if err != nil || a.Title != tc.want {
			t.Errorf("title from %.40q: %q, %v; want %.40q", tc.paragraphs[0], a.Title, err, tc.want)
		}
	}

	// A hand-built article: its paragraphs' texts are its source.
	ix, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	hand := Article{ID: "hand", Title: "Hand made", Paragraphs: []Paragraph{{Text: "Hand made"}, {Text: "Melatonin at night."}}}
	if err := ix.Put(hand); err != nil {
		t.Fatal(err)
	}
	a, ok := ix.Article("hand")
	if !ok || len(a.Paragraphs) != 2 || a.Paragraphs[1].ID != "hand-2" || a.Paragraphs[1].Lang != LangEN ||
		!slices.Equal(a.Topics, []string{"sleep"}) {
		t.Errorf("put %+v", a)
	}
	if hits := wordHits(t, ix.Bleve(), "melatonin"); !slices.Equal(hits, []string{"hand-2"}) {
		t.Errorf("melatonin finds %v", hits)
	}
}

func TestReadArticleFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		t.Helper()
		p := dir + "/" + name
		if err := os.MkdirAll(p[:strings.LastIndex(p, "/")], 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	one := write("in/010_One.txt", "One\nThe first article.")
	write("in/011_two.txt", "Two\nThe second article.")
	write("in/notes.md", "ignored in a directory")
	three := write("other/012_three", "Three\nThe third article.") // a file is read whatever its name
	odd := write("odd/Three.text", "Three\nAn id with a dot.")
	write("empty/readme.md", "no txt here")
	dup := write("dup/010_one.txt", "One again\nA duplicate id.")
	bad := write("bad/bad.txt", "TEL 06-6375-5888")

	arts, err := ReadArticleFiles(dir+"/in", three)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range arts {
		ids = append(ids, a.ID)
		if a.Source().Text == "" {
			t.Errorf("%s keeps no source text", a.ID)
		}
	}
	if !slices.Equal(ids, []string{"010-one", "011-two", "012-three"}) {
		t.Errorf("ids %v", ids)
	}
	for _, tt := range []struct {
		name  string
		paths []string
		want  string
	}{
		{"missing", []string{dir + "/nope"}, "no such file"},
		{"empty directory", []string{dir + "/empty"}, "no *.txt or *.html article files"},
		{"duplicate id", []string{one, dup}, "are both article 010-one"},
		{"chrome only", []string{bad}, "no text after removing site chrome"},
		{"bad id", []string{odd}, "must match [a-z0-9-]"},
	} {
		if _, err := ReadArticleFiles(tt.paths...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an error with %q", tt.name, err, tt.want)
		}
	}
}
