package relevance

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// judgedSet is the reviewed judged set; see its header for the grades.
//
//go:embed judged.txt
var judgedSet string

// Grades a paragraph can have for a query. Unlisted paragraphs are 0.
const (
	Mention = 1 // a passing mention, or the other language
	About   = 2 // the paragraph is about what the query asks
)

// ClassAbsent holds queries that must find nothing: site chrome and words
// the articles do not contain.
const ClassAbsent = "absent"

// Query is one judged query.
type Query struct {
	Name   string
	Class  string
	Q      string
	Topics []string
	Lang   string
	Need   string         // what the person typing Q wants, in words
	Grades map[string]int // paragraph id -> Mention or About
}

// Judged returns the judged set shipped with the package.
func Judged() ([]Query, error) { return Parse(strings.NewReader(judgedSet)) }

// Parse reads a judged set: blocks of "key: value" lines separated by blank
// lines, # comments ignored.
func Parse(r io.Reader) ([]Query, error) {
	var (
		qs   []Query
		cur  *Query
		line int
	)
	end := func() error {
		if cur == nil {
			return nil
		}
		switch {
		case cur.Name == "" || cur.Class == "" || cur.Q == "":
			return fmt.Errorf("line %d: a query needs name, class and q", line)
		case cur.Class == ClassAbsent && len(cur.Grades) > 0:
			return fmt.Errorf("%s: an %s query has no grades", cur.Name, ClassAbsent)
		case cur.Class != ClassAbsent && len(cur.Grades) == 0:
			return fmt.Errorf("%s: no paragraph is graded", cur.Name)
		}
		for _, q := range qs {
			if q.Name == cur.Name {
				return fmt.Errorf("%s: name used twice", cur.Name)
			}
		}
		qs = append(qs, *cur)
		cur = nil
		return nil
	}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(text, "#") {
			continue
		}
		if text == "" {
			if err := end(); err != nil {
				return nil, err
			}
			continue
		}
		key, value, ok := strings.Cut(text, ":")
		if !ok {
			return nil, fmt.Errorf("line %d: want key: value, got %q", line, text)
		}
		value = strings.TrimSpace(value)
		if cur == nil {
			cur = &Query{Grades: map[string]int{}}
		}
		switch key {
		case "name":
			cur.Name = value
		case "class":
			cur.Class = value
		case "q":
			cur.Q = value
		case "topics":
			cur.Topics = strings.Fields(value)
		case "lang":
			cur.Lang = value
		case "need":
			cur.Need = value
		case "1", "2":
			g, _ := strconv.Atoi(key)
			for _, id := range strings.Fields(value) {
				if _, dup := cur.Grades[id]; dup {
					return nil, fmt.Errorf("line %d: %s graded twice", line, id)
				}
				cur.Grades[id] = g
			}
		default:
			return nil, fmt.Errorf("line %d: unknown key %q", line, key)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if err := end(); err != nil {
		return nil, err
	}
	return qs, nil
}
