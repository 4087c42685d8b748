package relevance

import (
	"math"
	"slices"
)

// K is the depth every metric looks at: the first page of hits.
const K = 10

// Scores are one query's metrics over the first K hits.
type Scores struct {
	NDCG   float64 // gain 2^grade-1, log2 discount, over the ideal order of the judged grades
	Recall float64 // graded paragraphs found / min(K, graded paragraphs)
	MRR    float64 // 1/rank of the first paragraph with the query's best grade, 0 if none
	// Empty: nothing was found. Only what an absent query is scored on.
	Empty bool
}

// Score scores a ranking (paragraph ids, best first) for q. A paragraph
// returned twice (a peer indexing a title printed twice) gains only once.
func Score(q Query, ranked []string) Scores {
	s := Scores{Empty: len(ranked) == 0}
	if len(q.Grades) == 0 {
		return s
	}
	best := 0
	ideal := make([]int, 0, len(q.Grades))
	for _, g := range q.Grades {
		ideal = append(ideal, g)
		best = max(best, g)
	}
	slices.Sort(ideal)
	slices.Reverse(ideal)

	seen := map[string]bool{}
	var dcg float64
	found := 0
	for i, id := range ranked[:min(K, len(ranked))] {
		if seen[id] {
			continue
		}
		seen[id] = true
		g := q.Grades[id]
		if g == 0 {
			continue
		}
		dcg += gain(g, i)
		found++
		if g == best && s.MRR == 0 {
			s.MRR = 1 / float64(i+1)
		}
	}
	var idcg float64
	for i, g := range ideal[:min(K, len(ideal))] {
		idcg += gain(g, i)
	}
	s.NDCG = dcg / idcg
	s.Recall = float64(found) / float64(min(K, len(ideal)))
	return s
}

func gain(grade, i int) float64 {
	return (math.Pow(2, float64(grade)) - 1) / math.Log2(float64(i+2))
}
