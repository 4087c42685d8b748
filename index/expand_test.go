package index

import (
	"os"
	"slices"
	"testing"
)

// Typos and prefixes reach the stems of indexed words; the answer is kept
// in the snapshot, and the cache stays bounded.
func TestEnglishExpansions(t *testing.T) {
	ix, err := Build(os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	stems := func(exps []Expansion) []string {
		var out []string
		for _, e := range exps {
			out = append(out, e.Stem)
		}
		return out
	}
	typo, err := ix.EnglishExpansions("melatonn", 1, false, 10)
	if err != nil || !slices.Contains(stems(typo), "melatonin") {
		t.Fatalf("melatonn, one typo: %v %v; want melatonin", stems(typo), err)
	}
	prefix, err := ix.EnglishExpansions("insul", 0, true, 10)
	if err != nil || !slices.Contains(stems(prefix), "insulin") || !prefix[slices.Index(stems(prefix), "insulin")].Prefix {
		t.Fatalf("insul, prefix: %+v %v; want insulin as a prefix", prefix, err)
	}

	s := ix.snap()
	if _, ok := s.expansions.get(expansionKey{"melatonn", 1, false, 10}); !ok {
		t.Error("melatonn's expansions were not kept")
	}
	again, err := ix.EnglishExpansions("melatonn", 1, false, 10)
	if err != nil || !slices.Equal(stems(again), stems(typo)) {
		t.Errorf("melatonn again: %v %v; want %v", stems(again), err, stems(typo))
	}
	for i := range maxCachedExpansions + 10 {
		s.expansions.put(expansionKey{"w", i, false, 1}, nil)
	}
	if n := len(s.expansions.m); n > maxCachedExpansions {
		t.Errorf("%d expansions kept, want at most %d", n, maxCachedExpansions)
	}
}
