package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A topics or synonyms file that does not parse stops every command that
// takes it before anything is opened, naming the file and line.
func TestRunRefusesBadDataFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	badTopics := write("topics.txt", "[sleep]\nja = 睡眠\nfr = Sommeil\n")
	badSynonyms := write("synonyms.txt", "# ok\n眠れない | 不眠\nひとつだけ\n")
	huge := write("huge.txt", strings.Repeat("#", maxDataFileBytes+1))
	data := filepath.Join(dir, "data")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"nmnsearch", "-addr", "127.0.0.1:0", "-topics", badTopics}, badTopics + `:3: unknown key "fr"`},
		{[]string{"nmnsearch", "-addr", "127.0.0.1:0", "-synonyms", badSynonyms}, badSynonyms + ":3: a line needs two names or more"},
		{[]string{"nmnsearch", "-addr", "127.0.0.1:0", "-topics", filepath.Join(dir, "missing.txt")}, "-topics: open"},
		{[]string{"nmnsearch", "-addr", "127.0.0.1:0", "-synonyms", huge}, "larger than"},
		{[]string{"nmnsearch", "ingest", "-data", data, "-topics", badTopics, badTopics}, badTopics + ":3:"},
		{[]string{"nmnsearch", "reindex", "-data", data, "-topics", badTopics}, "not a data directory"},
		{[]string{"nmnsearch", "publish", "-data", data, "-topics", badTopics, filepath.Join(dir, "pub")}, ""},
	} {
		err := run(context.Background(), tc.args, fakeEnv(nil), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run %q = %v, want an error containing %q", tc.args[1:], err, tc.want)
		}
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("a command refused for its topics file made %s: %v", data, err)
	}
}
