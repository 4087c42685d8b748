package analytics_test

import (
	"nmnsearch/server/servertest"
	"slices"
	"testing"
)

// TestSuggestAfterMinSuggestDays: a query is suggested once it has found
// something on MinSuggestDays different days, never before, however often
// it is searched in one day; one that found nothing never is.
func TestSuggestAfterMinSuggestDays(t *testing.T) {
	dir := t.TempDir()
	c := servertest.NewClock()
	s := open(t, dir, c, 0)
	suggest := func(q string, want ...string) {
		t.Helper()
		if got := s.Suggest(q); !slices.Equal(got, want) {
			t.Errorf("Suggest(%q) = %q, want %q", q, got, want)
		}
	}

	// Day 1: melatonin supplements found something, many times; a
	// reader's name found nothing, on every day below.
	for range 50 {
		search(t, s, "melatonin supplements", true)
	}
	search(t, s, "Hanako Yamada", false)
	suggest("mela")
	c.NextDay()
	// Day 2: again, under a topic filter: the same text, another day.
	search(t, s, "melatonin supplements", true, "sleep")
	search(t, s, "Hanako Yamada", false)
	suggest("mela")
	v := s.SuggestVersion()
	c.NextDay()
	// Day 3: a search that found nothing does not count the day...
	search(t, s, "melatonin supplements", false)
	search(t, s, "Hanako Yamada", false)
	suggest("mela")
	if s.SuggestVersion() == v {
		t.Error("SuggestVersion unchanged over a day")
	}
	v = s.SuggestVersion()
	// ...one that found something does.
	search(t, s, "melatonin supplements", true)
	if s.SuggestVersion() == v {
		t.Error("SuggestVersion unchanged when a query became a suggestion")
	}
	suggest("mela", "melatonin supplements")
	suggest("MELA", "melatonin supplements") // case aside
	suggest("sleep mela")                    // the whole query is the prefix
	suggest("melatonin s", "supplements")    // the last word completed
	suggest("melatonin supplements")         // nothing left to complete
	suggest("Hanako")                        // never found anything
	suggest("melatonin ")                    // no word to complete

	// A restart counts the past days from the file.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	c.NextDay()
	s = open(t, dir, c, 0)
	suggest("mela", "melatonin supplements")
	// Past the retention, the days no longer count.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir, c, 2)
	suggest("mela")
}

// TestSuggestOrder: the queries of the most days first, MaxSuggestions of
// them.
func TestSuggestOrder(t *testing.T) {
	c := servertest.NewClock()
	s := open(t, "", c, 0)
	for day := range 6 {
		for i, q := range []string{"sleep aid", "sleep apnea", "sleep quality", "sleep hygiene", "sleepless"} {
			if day < 3+i%4 {
				search(t, s, q, true)
			}
		}
		c.NextDay()
	}
	// days: aid 3, apnea 4, quality 5, hygiene 6, sleepless 3
	want := []string{"sleep hygiene", "sleep quality", "sleep apnea"}
	if got := s.Suggest("sle"); !slices.Equal(got, want) {
		t.Errorf("Suggest(sle) = %q, want %q", got, want)
	}
}
