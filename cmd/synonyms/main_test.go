package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixture is made-up groups in the format of Sudachi's synonyms.txt (none
// is from the dictionary), one for each rule.
const fixture = `
900001,1,0,1,0,0,0,(),あおぞら,,
900001,1,0,1,0,0,2,(),青空,,
900001,1,0,1,0,0,1,(),blue sky,,
900001,1,1,2,0,0,0,(),天空,,
900001,1,2,3,0,0,0,(),空模様,,
900001,1,0,1,0,0,2,(),青空,,

900002,1,0,1,0,0,0,(医療),ねむり病,,
900002,1,0,1,0,2,0,(医療/IT),ねむ病,,

900003,1,0,1,0,0,0,(),ひとり,,
900003,1,2,2,0,0,0,(),ふたり,,

900004,1,0,1,0,0,0,(),a|b,,
900004,1,0,2,0,0,0,(),c => d,,
900004,1,0,3,0,0,0,(),#tag,,
900004,1,0,4,0,0,0,(),みどり,,

900005,,,,,,,,"x, y",,
900005,,,,,,,,エックス,,

900006,1,1,1,0,0,0,(),ただ一つ,,
900006,1,1,2,0,0,0,(),唯一,,
`

// fixtureJSON is the first two groups of fixture as npm's
// sudachi-synonyms-dictionary.json has them (the fields read, and one not).
const fixtureJSON = `[
{"id":"900001","items":[
 {"taigenYogen":"体言","expandControl":0,"bunya":[],"midashi":"あおぞら"},
 {"expandControl":0,"bunya":[],"midashi":"青空"},
 {"expandControl":0,"bunya":[],"midashi":"blue sky"},
 {"expandControl":1,"bunya":[],"midashi":"天空"},
 {"expandControl":2,"bunya":[],"midashi":"空模様"}]},
{"id":"900002","items":[
 {"expandControl":0,"bunya":["医療"],"midashi":"ねむり病"},
 {"expandControl":0,"bunya":["医療","IT"],"midashi":"ねむ病"}]}
]`

var (
	lineSky   = "あおぞら | 青空 | blue sky => 天空"
	lineSleep = "ねむり病 | ねむ病"
	lineX     = "x, y | エックス"
)

func write(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// convertOK runs the command and returns its synonym lines, the comments
// left out, after checking that each is a line of the synonyms format.
func convertOK(t *testing.T, args ...string) []string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("run %q: exit %d: %s", args, code, stderr.String())
	}
	out := stdout.String()
	if !strings.HasPrefix(out, "# ") || !strings.Contains(out, "Works Applications") || !strings.Contains(out, "Apache License, Version 2.0") {
		t.Errorf("output does not start with the attribution:\n%s", out)
	}
	var lines []string
	for _, line := range strings.Split(out, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		checkLine(t, line)
		lines = append(lines, line)
	}
	return lines
}

// checkLine checks a line against the synonyms format: names apart by
// " | ", at most one " => " with names on both sides, two names at least.
func checkLine(t *testing.T, line string) {
	t.Helper()
	sides := strings.Split(line, " => ")
	if len(sides) > 2 {
		t.Errorf("more than one => in %q", line)
	}
	names := 0
	for _, side := range sides {
		for _, n := range strings.Split(side, " | ") {
			if n == "" || n != strings.TrimSpace(n) || strings.Contains(n, "|") || strings.Contains(n, "=>") || strings.HasPrefix(n, "#") {
				t.Errorf("bad name %q in %q", n, line)
			}
			names++
		}
	}
	if names < 2 {
		t.Errorf("fewer than two names in %q", line)
	}
}

func equal(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot\n%s\nwant\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestConvert(t *testing.T) {
	src := write(t, "synonyms.txt", fixture)
	// 900003, 900004: one name left; 900006: no name that expands.
	equal(t, "all", convertOK(t, "-from", "sudachi", src), []string{lineSky, lineSleep, lineX})
	equal(t, "default -from", convertOK(t, src), []string{lineSky, lineSleep, lineX})

	js := write(t, "dict.json", fixtureJSON)
	equal(t, "json", convertOK(t, "-from", "sudachi-json", js), []string{lineSky, lineSleep})
}

func TestDomain(t *testing.T) {
	src := write(t, "synonyms.txt", fixture)
	equal(t, "医療", convertOK(t, "-domain", "医療", src), []string{lineSleep})
	equal(t, "IT (one headword's)", convertOK(t, "-domain", "IT", src), []string{lineSleep})
	equal(t, "料理", convertOK(t, "-domain", "料理", src), nil)
	js := write(t, "dict.json", fixtureJSON)
	equal(t, "json 医療", convertOK(t, "-from", "sudachi-json", "-domain", "医療", js), []string{lineSleep})
}

func TestWords(t *testing.T) {
	src := write(t, "synonyms.txt", fixture)
	words := write(t, "words.txt", "# my topics\nBlue Sky\n\n  エックス  \n")
	equal(t, "words", convertOK(t, "-words", words, src), []string{lineSky, lineX})
	// A headword that does not expand, or was dropped, selects nothing.
	dropped := write(t, "dropped.txt", "空模様\nひとり\na|b\n")
	equal(t, "dropped words", convertOK(t, "-words", dropped, src), nil)
	both := write(t, "both.txt", "天空\nねむ病\n")
	equal(t, "with -domain", convertOK(t, "-words", both, "-domain", "医療", src), []string{lineSleep})
}

func fails(t *testing.T, wantErr string, args ...string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(args, &stdout, &stderr); code == 0 || !strings.Contains(stderr.String(), wantErr) {
		t.Errorf("run %q: exit %d, stderr %q; want an error with %q", args, code, stderr.String(), wantErr)
	}
}

func TestErrors(t *testing.T) {
	src := write(t, "synonyms.txt", fixture)
	fails(t, "unknown -from", "-from", "wordnet", src)
	fails(t, "usage", "-from", "sudachi")
	fails(t, "missing.txt", filepath.Join(t.TempDir(), "missing.txt"))
	fails(t, "x.txt:2: expansion flag \"7\"", write(t, "x.txt", "900001,1,0,1,0,0,0,(),あ,,\n900001,1,7,1,0,0,0,(),い,,\n"))
	fails(t, "x.txt:1: 3 fields", write(t, "x.txt", "900001,1,0\n"))
	fails(t, "dict.json", "-from", "sudachi-json", write(t, "dict.json", "{not json"))
}

func TestLimits(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.txt")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// (a sparse file: nothing of it is written)
	if err := f.Truncate(maxFileBytes + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	fails(t, "big.txt: larger than 64 MiB", big)
	fails(t, "big.txt: larger than 64 MiB", "-words", big, write(t, "synonyms.txt", fixture))

	long := "900001,1,0,1,0,0,0,(),あ,,\n900001,1,0,1,0,0,0,()," + strings.Repeat("い", maxLineBytes/3+1) + ",,\n"
	fails(t, "long.txt:2: line longer than 64 KiB", write(t, "long.txt", long))
	fails(t, "long.txt:2: line longer than 64 KiB", "-words", write(t, "long.txt", long), write(t, "synonyms.txt", fixture))

	// A file just under the bounds converts.
	ok := "900001,1,0,1,0,0,0,(),あ,,\n900001,1,0,1,0,0,0,()," + strings.Repeat("い", (maxLineBytes-100)/3) + ",,\n"
	if got := convertOK(t, write(t, "ok.txt", ok)); len(got) != 1 {
		t.Errorf("a line under the bound: got %d lines, want 1", len(got))
	}
}
