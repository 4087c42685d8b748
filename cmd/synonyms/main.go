// Command synonyms converts Sudachi's synonym dictionary to nmnsearch's
// synonyms format (that of search/glossary.txt), for
// `nmnsearch serve -synonyms FILE`:
//
//	go run ./cmd/synonyms -from sudachi [-domain 医療] [-words FILE] synonyms.txt > my-synonyms.txt
//	go run ./cmd/synonyms -from sudachi-json [...] sudachi-synonyms-dictionary.json > my-synonyms.txt
//
// -from sudachi reads SudachiDict's src/main/text/synonyms.txt
// (https://github.com/WorksApplications/SudachiDict, described in its
// docs/synonyms.md): CSV, one entry a line, its groups apart by blank lines;
// columns 0 group number, 1 体言/用言, 2 expansion flag, 3 vocabulary number
// in the group, 4 form kind (対訳, 別称, 旧称, 誤用), 5 abbreviation kind,
// 6 spelling kind (アルファベット表記, 異表記, 誤表記), 7 fields, "(IT/ビジネス)",
// 8 the headword. -from sudachi-json reads the same data as the npm package
// sudachi-synonyms-dictionary ships it (one JSON array).
//
// Each group becomes one line of its headwords, "a | b | c", in the file's
// order without repeats. The expansion flag decides where a headword goes:
// 0 (expands and is expanded to) before "=>", 1 (only expanded to: 理由 in a
// group of 経緯) after it, 2 (never: Sudachi's record of removed words)
// nowhere. A group that is left with no name before "=>", or with fewer than
// two names, is dropped. -domain keeps the groups with a headword of that
// field; -words keeps those with a headword listed in FILE (one a line, #
// comments; letters compared without case). The output is under
// SudachiDict's licence, Apache-2.0: its first lines say so.
package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Bounds of an input file: Sudachi's synonyms.txt is about 3 MB with lines
// of under 500 bytes, its npm JSON 15 MB.
const (
	maxFileBytes = 64 << 20
	maxLineBytes = 64 << 10
)

// attribution is the notice the output carries (SudachiDict's README and
// LICENSE): Apache-2.0 asks that it go with the data, and that a changed
// file say it was changed.
const attribution = `# Synonyms from Sudachi's synonym dictionary, SudachiDict (https://github.com/WorksApplications/SudachiDict),
# converted to nmnsearch's synonyms format by nmnsearch's cmd/synonyms.
# Copyright (c) 2017 Works Applications Co., Ltd.
# Licensed under the Apache License, Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0).
`

// An entry is one headword of a group.
type entry struct {
	group  string
	expand int      // 0 expands and is expanded to; 1 only expanded to; 2 never
	fields []string // 医療, IT, ...; none for everyday words
	name   string
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("synonyms", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "sudachi", "input format: sudachi (synonyms.txt) or sudachi-json (npm's sudachi-synonyms-dictionary.json)")
	domain := fs.String("domain", "", "keep only the groups with a headword of this field (医療, IT, 料理...)")
	wordsFile := fs.String("words", "", "keep only the groups with a headword listed in this file (one a line, # comments)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: synonyms -from sudachi|sudachi-json [-domain FIELD] [-words FILE] SYNONYMS")
		return 2
	}
	err := convert(fs.Arg(0), *from, *domain, *wordsFile, stdout, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "synonyms:", err)
		return 1
	}
	return 0
}

func convert(path, from, domain, wordsFile string, stdout, stderr io.Writer) error {
	var read func(string, []byte) ([]entry, error)
	switch from {
	case "sudachi":
		read = readSudachi
	case "sudachi-json":
		read = readSudachiJSON
	default:
		return fmt.Errorf("unknown -from %q: want sudachi or sudachi-json", from)
	}
	var words map[string]bool
	if wordsFile != "" {
		var err error
		if words, err = readWords(wordsFile); err != nil {
			return err
		}
	}
	data, err := readFile(path)
	if err != nil {
		return err
	}
	entries, err := read(path, data)
	if err != nil {
		return err
	}

	w := bufio.NewWriter(stdout)
	fmt.Fprint(w, attribution)
	// (the base name only: a path would tell the operator's directories)
	fmt.Fprintf(w, "# From %s", filepath.Base(path))
	if domain != "" {
		fmt.Fprintf(w, ", its groups of field %s", domain)
	}
	if wordsFile != "" {
		fmt.Fprintf(w, ", its groups with a word of %s", filepath.Base(wordsFile))
	}
	fmt.Fprint(w, ".\n\n")
	groups, lines, names := 0, 0, 0
	for _, g := range groupEntries(entries) {
		groups++
		if line, n := groupLine(g, domain, words); n > 0 {
			fmt.Fprintln(w, line)
			lines++
			names += n
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "synonyms: %d of %d groups written, %d names\n", lines, groups, names)
	return nil
}

// groupEntries splits entries by group, the groups in the order they first
// appear (the format keeps a group's lines together, but does not say so).
func groupEntries(entries []entry) [][]entry {
	var groups [][]entry
	at := map[string]int{}
	for _, e := range entries {
		i, ok := at[e.group]
		if !ok {
			i = len(groups)
			at[e.group] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], e)
	}
	return groups
}

// groupLine returns a group's line and its number of names, or 0 names when
// the group is to be dropped.
func groupLine(g []entry, domain string, words map[string]bool) (string, int) {
	var both, to []string // before and after "=>"
	inDomain, hasWord := domain == "", words == nil
	for _, e := range g {
		if e.expand == 2 || !usable(e.name) {
			continue
		}
		inDomain = inDomain || slices.Contains(e.fields, domain)
		hasWord = hasWord || words[strings.ToLower(e.name)]
		if e.expand == 0 && !slices.Contains(both, e.name) {
			both = append(both, e.name)
		} else if e.expand == 1 && !slices.Contains(to, e.name) {
			to = append(to, e.name)
		}
	}
	// (a name listed with both flags expands: keep it before "=>" only)
	to = slices.DeleteFunc(to, func(n string) bool { return slices.Contains(both, n) })
	if !inDomain || !hasWord || len(both) == 0 || len(both)+len(to) < 2 {
		return "", 0
	}
	line := strings.Join(both, " | ")
	if len(to) > 0 {
		line += " => " + strings.Join(to, " | ")
	}
	return line, len(both) + len(to)
}

// usable tells whether a name can stand in a synonyms line: the parser
// splits names at every "|", takes the first "=>" as the arrow, and a line
// that starts with "#" as a comment.
func usable(name string) bool {
	return name != "" && !strings.HasPrefix(name, "#") &&
		!strings.ContainsAny(name, "|\r\n") && !strings.Contains(name, "=>")
}

// readSudachi parses synonyms.txt: one entry a CSV line (RFC 4180, as
// docs/synonyms.md says), blank lines between groups.
func readSudachi(path string, data []byte) ([]entry, error) {
	var entries []entry
	err := eachLine(path, data, func(n int, line string) error {
		if line == "" {
			return nil
		}
		r := csv.NewReader(strings.NewReader(line))
		r.FieldsPerRecord = -1 // columns 9 and 10 are reserved, and may be missing
		rec, err := r.Read()
		if err != nil {
			return fmt.Errorf("%s:%d: %v", path, n, err)
		}
		if len(rec) < 9 {
			return fmt.Errorf("%s:%d: %d fields, want at least 9 (group,...,fields,headword)", path, n, len(rec))
		}
		e := entry{group: rec[0], name: strings.TrimSpace(rec[8])}
		if rec[2] != "" { // an empty flag is 0
			if e.expand, err = strconv.Atoi(rec[2]); err != nil || e.expand < 0 || e.expand > 2 {
				return fmt.Errorf("%s:%d: expansion flag %q, want 0, 1 or 2", path, n, rec[2])
			}
		}
		if f := strings.Trim(rec[7], "()"); f != "" {
			e.fields = strings.Split(f, "/")
		}
		entries = append(entries, e)
		return nil
	})
	return entries, err
}

// readSudachiJSON parses npm's sudachi-synonyms-dictionary.json: the
// groups of synonyms.txt, each {"id", "items": [{"expandControl", "bunya",
// "midashi", ...}]}. It is one line: only the file's size is bounded.
func readSudachiJSON(path string, data []byte) ([]entry, error) {
	var groups []struct {
		ID    string
		Items []struct {
			ExpandControl int
			Bunya         []string
			Midashi       string
		}
	}
	if err := json.Unmarshal(data, &groups); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	var entries []entry
	for _, g := range groups {
		for _, it := range g.Items {
			if it.ExpandControl < 0 || it.ExpandControl > 2 {
				return nil, fmt.Errorf("%s: group %s: expandControl %d, want 0, 1 or 2", path, g.ID, it.ExpandControl)
			}
			entries = append(entries, entry{g.ID, it.ExpandControl, it.Bunya, strings.TrimSpace(it.Midashi)})
		}
	}
	return entries, nil
}

// readWords reads a -words file, one word a line, into lower-case keys.
func readWords(path string) (map[string]bool, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	words := map[string]bool{}
	err = eachLine(path, data, func(_ int, line string) error {
		if line != "" && !strings.HasPrefix(line, "#") {
			words[strings.ToLower(line)] = true
		}
		return nil
	})
	return words, err
}

// readFile reads a file of at most maxFileBytes.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// (read one byte past the bound rather than trust Stat: a pipe has no size)
	data, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileBytes {
		return nil, fmt.Errorf("%s: larger than %d MiB", path, maxFileBytes>>20)
	}
	return data, nil
}

// eachLine calls fn with each line of data, numbered from 1 and trimmed of
// spaces and of a leading byte-order mark, refusing lines over maxLineBytes.
func eachLine(path string, data []byte, fn func(n int, line string) error) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxLineBytes)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if err := fn(n, line); err != nil {
			return err
		}
	}
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		return fmt.Errorf("%s:%d: line longer than %d KiB", path, n+1, maxLineBytes>>10)
	}
	return sc.Err()
}
