package search

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"nmnsearch/index"
)

func TestParseGlossary(t *testing.T) {
	g, err := parseGlossary("g.txt", []byte("# comment\nメラトニン | Melatonin\n\n不眠 | insomnia => 入眠困難 | nighttime awakenings\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		want []string
	}{
		{"melatonin", []string{"メラトニン"}},
		{"メラトニン", []string{"Melatonin"}},
		{"insomnia", []string{"不眠", "入眠困難", "nighttime awakenings"}},
		{"不眠", []string{"insomnia", "入眠困難", "nighttime awakenings"}},
		// One way: a kind does not search its kind, nor the other kinds.
		{"入眠困難", nil},
		{"nighttime awakenings", nil},
	} {
		if got := g[glossaryKey(tt.name)]; !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	// Typos and prefixes reach a name; too short a prefix does not.
	if got := g.near("insomia", 1, false); !slices.Contains(got, "不眠") {
		t.Errorf("near(insomia) = %q, want 不眠 among them", got)
	}
	if got := g.near("inso", 0, true); !slices.Contains(got, "不眠") {
		t.Errorf("near(inso, prefix) = %q, want 不眠 among them", got)
	}
	if got := g.near("ins", 0, true); got != nil {
		t.Errorf("near(ins, prefix) = %q, want none", got)
	}
	if got := defaultGlossary.near("dries", 1, false); slices.Contains(got, "drip therapy") {
		t.Errorf("near(dries) = %q: drip is two edits away", got)
	}
}

func TestParseSynonymsErrors(t *testing.T) {
	for _, tt := range []struct{ file, want string }{
		{"眠れない | 不眠\nひとつ\n", "s.txt:2: a line needs two names or more"},
		{"a | b => c => d\n", "s.txt:1: more than one =>"},
		{"a | b =>\n", "s.txt:1: a => b needs names on both sides"},
		{" => c\n", "s.txt:1: a => b needs names on both sides"},
		{"a | \xff\n", "s.txt: not valid UTF-8"},
		{"#" + strings.Repeat("x", maxSynonymsBytes), "s.txt: larger than"},
		{strings.Repeat("a | b\n", maxSynonymNames/2+1), "more than 100000 names"},
	} {
		_, err := ParseSynonyms("s.txt", []byte(tt.file))
		if _, ok := errors.AsType[*index.FileError](err); !ok || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%.30q: err = %v, want %q", tt.file, err, tt.want)
		}
	}
}

// An operator's synonyms file: 夜ふかし also searches 不眠, which the
// built-in glossary does not know.
func TestServiceWithSynonyms(t *testing.T) {
	ix, err := index.Build(fstest.MapFS{"a.txt": {Data: []byte("不眠の話\n不眠に悩む人は多いです。")}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	syn, err := ParseSynonyms("s.txt", []byte("夜ふかし | 不眠\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		s    *Service
		want uint64
	}{{New(ix, nil), 0}, {New(ix, syn), 2}} {
		res, err := tt.s.Search(context.Background(), Request{Q: "夜ふかし"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != tt.want {
			t.Errorf("夜ふかし: %d hits, want %d", res.Total, tt.want)
		}
	}
}
