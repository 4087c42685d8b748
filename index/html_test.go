package index

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"nmnsearch/index/extract"
)

func readPage(t *testing.T, name string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("extract", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// An HTML page comes in as its article: the title from its head, the
// canonical URL, its headings as sections, no furniture, and what was left
// out listed with the reasons.
func TestParseHTML(t *testing.T) {
	a, err := Source{ID: "wp-ja", HTML: readPage(t, "wp-ja.html")}.Parse()
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "睡眠の質を高めるために今夜からできること" || a.URL != "https://clinic-a.example.jp/column/sleep-quality/" {
		t.Errorf("title %q, url %q", a.Title, a.URL)
	}
	if p := a.Paragraphs[0]; !p.Heading || p.Text != a.Title {
		t.Errorf("first paragraph %+v, want the title as a heading", p)
	}
	var texts []string
	for _, p := range a.Paragraphs {
		texts = append(texts, p.Text)
		if p.Text == "体内時計のずれ" && !p.Heading {
			t.Errorf("h3 %q is no heading", p.Text)
		}
		if p.Section == "" {
			t.Errorf("paragraph %d has no section", p.N)
		}
	}
	for _, chrome := range []string{"目次", "┗ 体内時計のずれ", "寝室はできるだけ暗く、静かに保つのが理想です", "シェア", "ご予約はこちら"} {
		if slices.Contains(texts, chrome) {
			t.Errorf("furniture %q kept", chrome)
		}
	}
	reasons := map[string]string{}
	for _, d := range a.Dropped {
		reasons[d.Text] = d.Reason
	}
	if reasons["目次"] == "" || reasons["寝室はできるだけ暗く、静かに保つのが理想です"] == "" {
		t.Errorf("dropped lines lack the contents or the caption: %v", a.Dropped)
	}
	// Topics per paragraph: the one on stress and low mood is about
	// depression; the one on dull skin is not, in this sleep article.
	for _, p := range a.Paragraphs {
		if strings.HasPrefix(p.Text, "仕事や家庭のストレスが続くと") && !slices.Contains(p.Topics, "depression") {
			t.Errorf("the low-mood paragraph lacks depression: %+v", p.Topics)
		}
		if strings.Contains(p.Text, "肌のくすみ") && slices.Contains(p.Topics, "depression") {
			t.Errorf("the skin paragraph carries depression: %+v", p.Topics)
		}
	}

	// A bilingual page has a title per language.
	b, err := Source{ID: "bi", HTML: readPage(t, "bilingual.html")}.Parse()
	if err != nil {
		t.Fatal(err)
	}
	if b.TitleIn(LangJA) != "NMNと気分の落ち込み――うつ症状と睡眠への影響" || b.TitleIn(LangEN) != "NMN and Low Mood: Effects on Depressive Symptoms and Sleep" {
		t.Errorf("titles %q / %q", b.TitleIn(LangJA), b.TitleIn(LangEN))
	}

	// A page with no article is refused, saying so.
	_, err = Source{ID: "nothing", HTML: readPage(t, "no-content.html")}.Parse()
	if err == nil || !strings.Contains(err.Error(), "no main content") {
		t.Errorf("no-content page: %v", err)
	}
	// The canonical link wins over the address a page was found at; a page
	// with none keeps that address. Text and html together are refused.
	c, err := Source{ID: "c", URL: "https://mirror.example/p", HTML: readPage(t, "wp-en.html")}.Parse()
	if err != nil || c.URL != "https://www.brightwell.example.com/health/blood-sugar-type-2-diabetes" {
		t.Errorf("canonical url: %q, %v", c.URL, err)
	}
	noCanonical := strings.Replace(readPage(t, "skin-ja.html"), `rel="canonical"`, `rel="alternate"`, 1)
	if d, err := (Source{ID: "d", URL: "https://mirror.example/skin", HTML: noCanonical}).Parse(); err != nil || d.URL != "https://mirror.example/skin" {
		t.Errorf("no canonical link: %q, %v", d.URL, err)
	}
	if _, err := (Source{ID: "d", Text: "x", HTML: "<p>y</p>"}).Parse(); err == nil {
		t.Error("text and html together accepted")
	}
	if _, err := (Source{ID: "e", HTML: strings.Repeat("<p>a</p>", MaxHTMLBytes/8+1)}).Parse(); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Errorf("an html of %d bytes: %v", MaxHTMLBytes+8, err)
	}
}

// A text over MaxTextBytes is refused before it is classified.
func TestParseTextLimit(t *testing.T) {
	if _, err := (Source{ID: "t", Text: strings.Repeat("a", MaxTextBytes)}).Parse(); err != nil {
		t.Errorf("a text of %d bytes: %v", MaxTextBytes, err)
	}
	if _, err := (Source{ID: "t", Text: strings.Repeat("a", MaxTextBytes+1)}).Parse(); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Errorf("a text of %d bytes: %v", MaxTextBytes+1, err)
	}
}

// A text of no line breaks is cut into paragraphs of at most
// extract.MaxParagraphRunes, in order, under the same section.
func TestLongParagraphSplit(t *testing.T) {
	long := strings.Repeat("メラトニンは夜に増えます。", 3000)
	a, err := Source{ID: "long", Text: "メラトニンの話\n" + long}.Parse()
	if err != nil {
		t.Fatal(err)
	}
	var joined strings.Builder
	for i, p := range a.Paragraphs[1:] {
		if n := len([]rune(p.Text)); n > extract.MaxParagraphRunes {
			t.Errorf("paragraph %d: %d characters", i+2, n)
		}
		if p.Section != "メラトニンの話" || p.N != i+2 {
			t.Errorf("paragraph %d: section %q, N %d", i+2, p.Section, p.N)
		}
		joined.WriteString(p.Text)
	}
	if joined.String() != long || len(a.Paragraphs) < 1+len([]rune(long))/extract.MaxParagraphRunes {
		t.Errorf("%d paragraphs do not make the text again", len(a.Paragraphs))
	}
}

// ingest reads regular files only: no device, FIFO or link out of a
// directory, and no file over an article's size, refused before reading.
func TestReadArticleFilesRefuses(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret.txt")
	os.WriteFile(secret, []byte("Secret\nA paragraph nobody should publish."), 0o600)
	os.WriteFile(filepath.Join(dir, "ok.txt"), []byte("Fine\nA paragraph of the article."), 0o644)
	if err := os.Symlink(secret, filepath.Join(dir, "link.txt")); err != nil {
		t.Skip(err)
	}
	arts, err := ReadArticleFiles(dir)
	if err != nil || len(arts) != 1 || arts[0].ID != "ok" {
		t.Errorf("a directory with a link out of it: %v, %d articles", err, len(arts))
	}
	big := filepath.Join(dir, "big.txt")
	if err := os.WriteFile(big, []byte(strings.Repeat("a", MaxTextBytes+1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadArticleFiles(big); err == nil || !strings.Contains(err.Error(), "over the") {
		t.Errorf("a file over %d bytes: %v", MaxTextBytes, err)
	}
	for _, special := range []string{"/dev/zero", "/dev/null"} {
		if _, err := os.Stat(special); err != nil {
			continue
		}
		if _, err := ReadArticleFiles(special); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("%s: %v", special, err)
		}
	}
}

// The pieces of a cut paragraph are paragraphs, never headings: a short
// last piece does not become a section or the title.
func TestSplitTailIsNoHeading(t *testing.T) {
	long := strings.Repeat("NMN turns into NAD+ in the body, and NAD+ falls with age in many cells. ", 28) + "Ask our clinic about NMN and sleep"
	a, err := Source{ID: "tail", Text: "NMN and sleep\n" + long}.Parse()
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Paragraphs) < 3 || a.Title != "NMN and sleep" {
		t.Fatalf("%d paragraphs, title %q", len(a.Paragraphs), a.Title)
	}
	for _, p := range a.Paragraphs[1:] {
		if p.Heading || p.Section != "NMN and sleep" {
			t.Errorf("piece %d: heading %v, section %q", p.N, p.Heading, p.Section)
		}
	}
}
