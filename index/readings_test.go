package index

import (
	"os"
	"slices"
	"testing"
)

func TestReading(t *testing.T) {
	for word, want := range map[string]string{"睡眠": "スイミン", "糖尿病": "トウニョウビョウ", "メラトニン": "メラトニン"} {
		if got, ok := Reading(word); !ok || got != want {
			t.Errorf("Reading(%s) = %q, %v; want %q", word, got, ok, want)
		}
	}
}

// The vocabulary's kanji words are found by how they read: スイミン (a
// hiragana query, すいみん, in katakana) is 睡眠.
func TestWordsReading(t *testing.T) {
	ix, err := Build(os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	err = ix.View(func(s *Snapshot) error {
		ws := s.WordsReading("スイミン")
		if !slices.ContainsFunc(ws, func(w Word) bool { return w.Text == "睡眠" }) {
			t.Errorf("WordsReading(スイミン) = %v, want 睡眠 among them", ws)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
