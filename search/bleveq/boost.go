package bleveq

import "github.com/blevesearch/bleve/v2/search/query"

// BoostLeaves multiplies the boost of every leaf of q by b: bleve applies
// the boost of a term or phrase query, not that of a disjunction or
// conjunction. (Multiplies, so a leaf boosted below its siblings stays
// below them.)
func BoostLeaves(q query.Query, b float64) {
	switch q := q.(type) {
	case *anyOf:
		for _, d := range q.Disjuncts {
			BoostLeaves(d, b)
		}
	case *query.ConjunctionQuery:
		for _, c := range q.Conjuncts {
			BoostLeaves(c, b)
		}
	case *statsQuery:
		BoostLeaves(q.Query, b)
	case query.BoostableQuery:
		q.SetBoost(q.Boost() * b)
	}
}
