package index

import (
	"slices"
	"testing"

	"github.com/ikawaha/kagome-dict/dict"
	"github.com/ikawaha/kagome-dict/ipa"
)

// compactDictionary keeps every entry's parts of speech and base form where
// kagome's Token.FeatureAt finds them, and only those.
func TestCompactDictionary(t *testing.T) {
	contents := [][]string{
		{"五段・カ行促音便", "連用タ接続", "行く", "イッ", "イッ"},
		{"*", "*", "公園", "コウエン", "コーエン"},
		{"五段・カ行促音便", "基本形", "行く", "イク", "イク"},
		{}, // no features at all
	}
	pos := []dict.POS{{1, 2}, {3}, {1, 2, 4, 5}, nil}
	d := &dict.Dict{Contents: slices.Clone(contents), POSTable: dict.POSTable{POSs: slices.Clone(pos)}}
	r := packReadings(d)
	for i, want := range []string{"イッ", "コウエン", "イク", ""} {
		if got := r.reading(i); got != want {
			t.Errorf("entry %d: reading %q, want %q", i, got, want)
		}
	}
	compactDictionary(d)
	at := ipa.BaseForm - ipa.POSHierarchy
	for i, want := range []string{"行く", "公園", "行く", "*"} {
		if got := d.Contents[i]; len(got) != at+1 || got[at] != want || slices.ContainsFunc(got[:at], func(f string) bool { return f != "" }) {
			t.Errorf("entry %d: features %q, want only the base form %q at %d", i, got, want, at)
		}
		if !slices.Equal(d.POSTable.POSs[i], pos[i]) {
			t.Errorf("entry %d: parts of speech %v, want %v", i, d.POSTable.POSs[i], pos[i])
		}
	}
	// Entries with one base form share its slice.
	if &d.Contents[0][0] != &d.Contents[2][0] {
		t.Error("entries 0 and 2 (both 行く) do not share their features")
	}
}
