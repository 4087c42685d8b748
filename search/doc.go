// Package search owns the meaning of a search: the Request and Result types,
// turning user text into a bleve query (every term required, "phrases",
// -exclusions, symbols literal), filters, paging, disjunctive topic and
// language facets, and highlighted snippets; and the admin writes
// (PutArticle, DeleteArticle, Reindex) in the terms its callers see. It
// never sees HTTP.
//
// # One request, file by file
//
// A search goes through these files in this order, each once:
//
//   - request.go: Request, Result and Hit, the limits, and validate.
//   - parse.go: the query as the user typed it, normalized (NFKC) and cut
//     into Terms.
//   - search.go: Service.Search runs the search in a View of the index,
//     again if a write moved the snapshot on (view), and turns hits into
//     Hits.
//   - build.go: the text query, built when bleve asks for its searcher, from
//     the snapshot that searcher reads (textQuery), so that statistics,
//     expansions and hits come from one snapshot; every term must match,
//     partial matches follow at relaxedWeight.
//   - japanese.go, english.go: a term in each language: bigram phrases,
//     kagome's base forms and compound words; typos and prefixes.
//   - glossary.go: the synonyms file, which names a concept in both
//     languages.
//   - facets.go: topic and language counts, taken while the hits stream
//     past, and the topic and lang filters applied in the same pass.
//   - marks.go, highlight.go: which tokens matched (marks), their positions
//     in the returned hits (locate), and the snippet with <mark>.
//
// Beside it: articlemarks.go marks a whole article for its page; suggest.go
// completes a prefix from the index's words; admin.go writes; errors.go is
// the one error type the server maps to statuses.
//
// # The bleve layer
//
// phrase.go, word.go, disjunction.go, filter.go and fieldstats.go are
// searchers and queries written against bleve's public search API, where
// bleve's own cost too much or scored otherwise: a phrase checked on the
// positions of one conjunction, in time linear in a paragraph's positions
// (phrase.go); a Japanese word read through its rarest bigram (word.go); a
// disjunction scored as bleve's (disjunction.go); a searcher that drops
// the matches a predicate refuses (filter.go); BM25 statistics per field
// (fieldstats.go). They were checked against bleve v2.6.3 and zapx v17:
// word.go follows bleve's BM25 formula and facets.go scorch's 8-byte
// document numbers. Their tripwires, which fail if bleve changes under
// them: TestAnyOfScoresAsBleve (disjunction.go), TestPhraseQueryAsBleve
// (phrase.go against bleve's own phrase searcher), TestWordScoresByItsFrequency
// (word.go).
package search
