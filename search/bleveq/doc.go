// Package bleveq holds the queries and searchers package search runs where
// bleve's own cost too much or score otherwise. Each is written against
// bleve's public search API (a query.Query whose Searcher makes a
// search.Searcher), and each has a test that runs it beside bleve's own on
// the same index.
//
// # The pieces
//
//   - NewPhrase (phrase.go): bleve's multi-phrase query, with a leaner
//     check of positions. bleve's phrase searcher turns every candidate's
//     positions into maps of maps and walks every path through them; a
//     Japanese word is a phrase of bigrams, and one paragraph of the same
//     character made that take seconds without a look at the context.
//     Here the positions stay in a sorted slice, each path is one walk
//     forward, the context is looked at every contextEvery positions, a
//     phrase longer than maxPhraseSlots is a conjunction of phrases that
//     overlap, and a term the phrase repeats is read a few times, not once
//     a slot. Slops and fuzziness are not supported.
//   - A Japanese word, NewPhrase of a word's bigrams (word.go): its matches
//     score by how often the word stands in the paragraph, as Lucene scores
//     a phrase (wordScorer), so that the メラ of メラニン adds nothing to
//     メラトニン; bleve scores the conjunction of the bigrams by each
//     bigram's own frequency. In a search that asks for no positions it
//     reads the postings of its rarest bigram alone and checks the word on
//     the candidate's NFKC text (wordSearcher), as zoekt checks its trigram
//     candidates on a file's content.
//   - OnPage (page.go): the second search that finds where the matches of a
//     page of hits stand; there a word is found on the hits' text
//     (pageWordSearcher), not read from every bigram's term vectors.
//   - NewAnyOf (disjunction.go): bleve's disjunction, whose searcher leaves
//     out the alternatives the snapshot holds nothing for when one is left
//     (loneSearcher): each level of bleve's disjunction costs every hit
//     passing through it. What it leaves out still counts in the weight and
//     the coordination factor, so scores are bleve's.
//   - WithStats (fieldstats.go): a query scored with its field's own BM25
//     statistics, which bleve reads from the searcher's context; without
//     them it guesses a field's average length from its dictionary.
//   - BoostLeaves (boost.go): bleve applies the boost of a term or phrase
//     query, not that of a disjunction or conjunction.
//   - Tables, NewFacetCount, NewFacetQuery, NewParagraphOrder (facets.go):
//     topic and language counts and filters taken in the one pass over the
//     hits, and equal scores in reading order, read from a table per index
//     reader (each document number's facet key, its article and paragraph
//     number, its Japanese text), built once from the keyword fields'
//     posting lists. bleve's facet builder and a sort on fields read doc
//     values for every hit, more than the rest of a search at 100,000
//     paragraphs.
//   - filterSearcher (filter.go): passes on the matches a predicate keeps,
//     for the facet query and the phrase check.
//
// # Checked against bleve v2.6.3 and zapx v17
//
// Written and tested against bleve v2.6.3 (bleve_index_api v1.4.1) with
// scorch and zapx v17 segments. Besides bleve's public API they rely on:
//
//   - word.go: scoreMetrics copies bleve's unexported
//     searcher.bm25ScoreMetrics (document count and the field's average
//     length, from the search.BM25Stats in the context or from the
//     reader), and wordScorer scores a word through bleve's
//     scorer.TermQueryScorer of one bigram: at one frequency and norm, each
//     bigram's BM25 score stands to its Weight, (boost × idf)², in the same
//     ratio, so the sum over the bigrams is one score times a ratio of
//     weights.
//   - disjunction.go and phrase.go: how bleve's disjunction scores (the
//     sum times the share of its searchers that matched, a query norm of
//     1/√weight) and the query norm bleve's phrase searcher sets on its
//     conjunction.
//   - facets.go: scorch's internal ids are 8-byte big-endian document
//     numbers, unique within a reader and renumbered by a merge (so a
//     table, and a page, hold for one reader); a field's dictionary lists
//     its terms in order; a numeric field's full-precision terms are those
//     of shift 0. An id of another length makes the table fail ("not a
//     scorch index"), not guess.
//
// # Tripwires
//
// These tests fail if bleve changes under the package; run them after
// upgrading bleve or zapx:
//
//   - TestAnyOfScoresAsBleve: NewAnyOf gives bleve's disjunction's hits and
//     scores, for trees of the shapes package search builds, with and
//     without alternatives left out.
//   - TestPhraseQueryAsBleve: NewPhrase against bleve's own phrase searcher
//     (query.MultiPhraseQuery) on 400 phrases cut from the seeds: the same
//     hits, scores and positions; a word's score at most bleve's, and
//     bleve's where its bigrams stand only in it.
//   - TestWordScoresByItsFrequency: a word scores by its own frequency, the
//     same with positions and without.
//
// With them: TestPhraseOnFoldedText, TestWordOf, TestOccurrences,
// TestFacetTablesKept and TestPhraseLooksAtContextInsideAParagraph.
//
// # What the context carries
//
// bleve hands a query's Searcher a context, a reader, the mapping and the
// options, and its own conjunction, disjunction and boolean searchers pass
// down nothing else. What the caller has when it builds a query goes in
// the constructor: the tables a word is checked on (NewPhrase), the page
// (OnPage), the statistics (WithStats), the facet count (NewFacetQuery).
// The context carries only:
//
//   - index.Searched, the snapshot the reader is the state of, set by
//     index.Snapshot.Search: which reader, and so which snapshot, a search
//     runs on is known only when bleve calls Searcher, after a write may
//     have moved the index on. The table of that reader is looked up in
//     Tables with the reader itself, by the facet query and by each word.
//   - the page of OnPage (unexported): the words it is for stand below
//     bleve's own searchers, in a query tree package search builds once per
//     snapshot for the main search too, which must not see the page.
//   - bleve's own keys: search.BM25StatsKey, which WithStats sets and
//     bleve's term searchers read, and the scoring model bleve sets.
package bleveq
