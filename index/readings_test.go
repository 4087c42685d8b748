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

// A write counts the vocabulary from the snapshot before by the articles it
// changes: the counts are those a count of every article gives.
func TestVocabCountedByWrite(t *testing.T) {
	ix := openT(t, t.TempDir(), "testdata")
	steps := []func() error{
		func() error {
			return ix.PutSource(Source{ID: "900-a", Text: "Quokka sleep\nQuokkas sleep by day, and quokka babies sleep more."})
		},
		func() error { return ix.PutSource(Source{ID: "900-a", Text: "Quokka rest\nQuokkas rest by day."}) },
		func() error {
			return ix.PutSource(Source{ID: "900-b", Text: "睡眠の話\n睡眠とメラトニンの関係を書きます。"})
		},
		func() error { return ix.Delete("900-b") },
		func() error { return ix.Delete("000-5f7a80a9702da62d") },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		s := ix.snap()
		want := sortedVocab(buildVocab(s.articles))
		got := s.vocab
		same := len(got) == len(want)
		for j := 0; same && j < len(got); j++ {
			same = got[j].Key == want[j].Key && got[j].Paragraphs == want[j].Paragraphs
		}
		if !same {
			t.Fatalf("step %d: the vocabulary counted by the write (%d words) is not the one counted from every article (%d)", i, len(got), len(want))
		}
	}
}
