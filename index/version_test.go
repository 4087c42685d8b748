package index

import (
	"context"
	"os"
	"testing"
)

// Every snapshot swap gives a new, larger Version: a response cache keyed
// by it must never see two index states under one version.
func TestVersionChangesOnEveryWrite(t *testing.T) {
	ix, err := Build(os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	a, err := ParseArticle("099-version", []byte("Version article\n\nA paragraph.\n"), "sleep")
	if err != nil {
		t.Fatal(err)
	}
	last := ix.Version()
	if last == 0 {
		t.Fatal("Version 0 after Build")
	}
	for _, step := range []struct {
		name string
		do   func() error
	}{
		{"Put", func() error { return ix.Put(a) }},
		{"Put again", func() error { return ix.Put(a) }},
		{"Delete", func() error { return ix.Delete(a.ID) }},
		{"Reindex", func() error { return ix.Reindex(context.Background()) }},
	} {
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		v := ix.Version()
		if v <= last {
			t.Errorf("%s: Version %d, want more than %d", step.name, v, last)
		}
		last = v
	}
	// A failed write swaps nothing.
	if err := ix.Delete("no-such-article"); err == nil {
		t.Fatal("Delete of an unknown article succeeded")
	}
	if v := ix.Version(); v != last {
		t.Errorf("a failed Delete moved Version %d -> %d", last, v)
	}
}
