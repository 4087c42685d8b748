package relevance

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"nmnsearch/index"
	"nmnsearch/search"
	"nmnsearch/seeds"
)

var update = flag.Bool("update", false, "rewrite testdata/scores.txt with the current scores")

// TestJudgedSet runs the judged set through the service, prints the table,
// and fails when any class's nDCG@10, recall@10 or MRR, or the share of
// absent queries that find nothing, drops below testdata/scores.txt.
// go test ./search/relevance -update records improvements.
func TestJudgedSet(t *testing.T) {
	qs, err := Judged()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Build(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	svc := search.New(ix, nil)
	checkIDs(t, svc, qs)

	rs, err := Run(context.Background(), Service(svc), qs)
	if err != nil {
		t.Fatal(err)
	}
	sums := Summarize(rs)
	t.Logf("nDCG@10 / recall@10 / MRR\n%s", Table([]string{"nmnsearch"}, [][]Summary{sums}))
	for _, r := range rs {
		if r.Query.Class == ClassAbsent && !r.Scores.Empty {
			t.Errorf("%s: %q must find nothing, found %v", r.Query.Name, r.Query.Q, r.Ranked)
		}
	}

	path := filepath.Join("testdata", "scores.txt")
	got := formatScores(sums, rs)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./search/relevance -update writes it)", err)
	}
	floor := parseScores(t, string(raw))
	for _, s := range sums {
		want, ok := floor[s.Class]
		if !ok {
			t.Errorf("class %q has no golden scores: run with -update", s.Class)
			continue
		}
		for i, got := range []float64{s.NDCG, s.Recall, s.MRR, s.Empty} {
			// Finding nothing is a virtue only where nothing is relevant.
			absentOnly := i == 3
			if absentOnly != (s.Class == ClassAbsent) {
				continue
			}
			if got < want[i]-0.0005 {
				t.Errorf("%s: %s fell from %.3f to %.3f", s.Class, scoreNames[i], want[i], got)
			}
		}
	}
	if got != string(raw) && !t.Failed() {
		t.Logf("scores changed without falling; review and record with -update:\n%s", got)
	}
}

var scoreNames = []string{"nDCG@10", "recall@10", "MRR", "found-nothing"}

// formatScores is the golden: one line per class, then per query, so that a
// change shows which queries moved.
func formatScores(sums []Summary, rs []Result) string {
	var b strings.Builder
	b.WriteString("# class queries nDCG@10 recall@10 MRR found-nothing\n")
	for _, s := range sums {
		fmt.Fprintf(&b, "%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\n", s.Class, s.Queries, s.NDCG, s.Recall, s.MRR, s.Empty)
	}
	b.WriteString("# per query: name nDCG@10 recall@10 MRR, then the first hits (grade:id)\n")
	for _, r := range rs {
		fmt.Fprintf(&b, "%s\t%.3f\t%.3f\t%.3f\t", r.Query.Name, r.NDCG, r.Recall, r.MRR)
		for i, id := range r.Ranked[:min(5, len(r.Ranked))] {
			if i > 0 {
				b.WriteString(" ")
			}
			fmt.Fprintf(&b, "%d:%s", r.Query.Grades[id], id)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func parseScores(t *testing.T, s string) map[string][4]float64 {
	out := map[string][4]float64{}
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, "# per query") {
			break
		}
		f := strings.Split(line, "\t")
		if strings.HasPrefix(line, "#") || len(f) != 6 {
			continue
		}
		var v [4]float64
		for i := range v {
			x, err := strconv.ParseFloat(f[2+i], 64)
			if err != nil {
				t.Fatalf("scores.txt: %q: %v", line, err)
			}
			v[i] = x
		}
		out[f[0]] = v
	}
	return out
}

// checkIDs fails on a judgment naming a paragraph the seeds do not have: a
// change to chrome stripping renumbers paragraphs and must re-judge.
func checkIDs(t *testing.T, svc *search.Service, qs []Query) {
	t.Helper()
	known := map[string]bool{}
	for _, a := range svc.Articles() {
		for _, p := range a.Paragraphs {
			known[p.ID] = true
		}
	}
	for _, q := range qs {
		for id := range q.Grades {
			if !known[id] {
				t.Errorf("%s: judged paragraph %s is not in the seeds", q.Name, id)
			}
		}
	}
}

func TestScore(t *testing.T) {
	q := Query{Grades: map[string]int{"a": About, "b": Mention, "c": About}}
	ideal := 3 + 3/math.Log2(3) + 1/math.Log2(4)
	for _, c := range []struct {
		ranked           []string
		ndcg, recall, rr float64
	}{
		{[]string{"a", "c", "b"}, 1, 1, 1},
		{[]string{"c", "a", "b", "x"}, 1, 1, 1},
		{[]string{"x", "b", "a"}, (1/math.Log2(3) + 3/math.Log2(4)) / ideal, 2.0 / 3, 1.0 / 3},
		{[]string{"b", "b", "b"}, 1 / ideal, 1.0 / 3, 0}, // a repeat gains once
		{nil, 0, 0, 0},
	} {
		got := Score(q, c.ranked)
		if math.Abs(got.NDCG-c.ndcg) > 1e-9 || math.Abs(got.Recall-c.recall) > 1e-9 || math.Abs(got.MRR-c.rr) > 1e-9 {
			t.Errorf("Score(%v) = %+v, want nDCG %.4f recall %.4f MRR %.4f", c.ranked, got, c.ndcg, c.recall, c.rr)
		}
	}
	// Recall is over the first K: 12 graded paragraphs, all 10 slots right.
	many := Query{Grades: map[string]int{}}
	var ranked []string
	for i := range 12 {
		id := fmt.Sprint(i)
		many.Grades[id] = About
		ranked = append(ranked, id)
	}
	if got := Score(many, ranked); got.Recall != 1 || math.Abs(got.NDCG-1) > 1e-9 {
		t.Errorf("12 relevant, first 10 returned: %+v, want recall 1 and nDCG 1", got)
	}
}

func TestParse(t *testing.T) {
	good := "# comment\nname: a\nclass: ja\nq: 眠\ntopics: sleep depression\nlang: ja\n2: p-1 p-2\n1: p-3\n\nname: b\nclass: absent\nq: x\n"
	qs, err := Parse(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 2 || qs[0].Grades["p-2"] != About || qs[0].Grades["p-3"] != Mention ||
		len(qs[0].Topics) != 2 || qs[0].Lang != "ja" || qs[1].Class != ClassAbsent {
		t.Errorf("Parse = %+v", qs)
	}
	for _, bad := range []string{
		"name: a\nclass: ja\nq: x\n",                                         // nothing graded
		"name: a\nclass: absent\nq: x\n2: p-1\n",                             // absent with grades
		"name: a\nclass: ja\nq: x\n2: p-1\n1: p-1\n",                         // graded twice
		"name: a\nclass: ja\nq: x\n3: p-1\n",                                 // no such grade
		"name: a\nq: x\n2: p-1\n",                                            // no class
		"name: a\nclass: ja\nq: x\n2: p\n\nname: a\nclass: ja\nq: y\n2: p\n", // name twice
	} {
		if _, err := Parse(strings.NewReader(bad)); err == nil {
			t.Errorf("Parse(%q) = nil error", bad)
		}
	}
}
