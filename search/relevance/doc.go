// Package relevance measures ranking quality on a judged set of queries over
// the seed articles (judged.txt): nDCG@10, recall@10 and MRR per query class,
// for this service and, through the same scoring, for a peer engine run as a
// command (Groonga in ../shared/peers), so the two are compared on equal terms.
package relevance
