package relevance

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// An Engine returns the ids of the paragraphs it ranks first for q, best
// first (at least K when it has them).
type Engine func(ctx context.Context, q Query) ([]string, error)

// Result is one query's ranking and its scores.
type Result struct {
	Query  Query
	Ranked []string
	Scores
}

// Run asks e every query of qs.
func Run(ctx context.Context, e Engine, qs []Query) ([]Result, error) {
	out := make([]Result, 0, len(qs))
	for _, q := range qs {
		ranked, err := e(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("%s (%q): %w", q.Name, q.Q, err)
		}
		out = append(out, Result{Query: q, Ranked: ranked, Scores: Score(q, ranked)})
	}
	return out, nil
}

// Summary is the mean of the scores of a class of queries. For
// ClassAbsent only Empty counts: the share of its queries that found nothing.
type Summary struct {
	Class   string
	Queries int
	Scores  // means; Empty is unused
	Empty   float64
}

// AllClasses names the summary over every judged (not absent) query.
const AllClasses = "all judged"

// Summarize returns one Summary per class, in the order classes first
// appear, then ClassAbsent, then AllClasses.
func Summarize(rs []Result) []Summary {
	var order []string
	by := map[string]*Summary{}
	add := func(class string, r Result) {
		s, ok := by[class]
		if !ok {
			s = &Summary{Class: class}
			by[class] = s
			order = append(order, class)
		}
		s.Queries++
		s.NDCG += r.NDCG
		s.Recall += r.Recall
		s.MRR += r.MRR
		if r.Scores.Empty {
			s.Empty++
		}
	}
	for _, r := range rs {
		add(r.Query.Class, r)
	}
	for _, r := range rs {
		if r.Query.Class != ClassAbsent {
			add(AllClasses, r)
		}
	}
	// absent and the total go last
	slices.SortStableFunc(order, func(a, b string) int {
		return rankOf(a) - rankOf(b)
	})
	out := make([]Summary, 0, len(order))
	for _, c := range order {
		s := *by[c]
		n := float64(s.Queries)
		s.NDCG, s.Recall, s.MRR, s.Empty = s.NDCG/n, s.Recall/n, s.MRR/n, s.Empty/n
		out = append(out, s)
	}
	return out
}

func rankOf(class string) int {
	switch class {
	case ClassAbsent:
		return 1
	case AllClasses:
		return 2
	}
	return 0
}

// Table formats summaries of one or more engines side by side as a Markdown
// table: nDCG@10 / recall@10 / MRR per class, and for ClassAbsent the share
// of queries that found nothing.
func Table(names []string, sums [][]Summary) string {
	var b strings.Builder
	b.WriteString("| class | queries |")
	for _, n := range names {
		fmt.Fprintf(&b, " %s |", n)
	}
	b.WriteString("\n|---|---:|")
	for range names {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	if len(sums) == 0 {
		return b.String()
	}
	for i, s := range sums[0] {
		fmt.Fprintf(&b, "| %s | %d |", s.Class, s.Queries)
		for _, es := range sums {
			e := es[i]
			if e.Class == ClassAbsent {
				fmt.Fprintf(&b, " found nothing: %.0f%% |", 100*e.Empty)
			} else {
				fmt.Fprintf(&b, " %.3f / %.3f / %.3f |", e.NDCG, e.Recall, e.MRR)
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}
