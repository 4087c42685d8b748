package search

import (
	"slices"
	"testing"
)

func TestParseGlossary(t *testing.T) {
	g := parseGlossary("# comment\nメラトニン | Melatonin\n\n不眠 | insomnia => 入眠困難 | nighttime awakenings\n")
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
