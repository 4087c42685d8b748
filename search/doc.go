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
//     kagome's base forms and compound words, hiragana read as katakana;
//     typos and prefixes.
//   - glossary.go: the synonyms file, which names a concept in both
//     languages.
//   - bleveq/facets.go: topic and language counts, taken while the hits
//     stream past, and the topic and lang filters applied in the same pass
//     (request.go turns the request into that filter and the counts into
//     Facets).
//   - group.go: with group=article, the hits grouped by article, a
//     matching heading lifting its section's paragraphs; the page cut.
//   - marks.go, highlight.go: which tokens matched (marks), their positions
//     in the returned hits (locate), and the snippet with <mark>.
//   - didyoumean.go: for a query that found nothing, its words replaced by
//     the nearest the articles use.
//
// Beside it: articlemarks.go marks a whole article for its page; suggest.go
// completes a prefix from the index's words; admin.go writes; errors.go is
// the one error type the server maps to statuses. The queries and searchers
// that bleve runs for the query build.go makes are in package bleveq.
//
// # The bleve layer
//
// Package bleveq (search/bleveq) holds the queries and searchers written
// against bleve's public search API where bleve's own cost too much or
// scored otherwise: phrases checked in time linear in a paragraph's
// positions and Japanese words scored by their own frequency (NewPhrase),
// their matches in a page of hits (OnPage), disjunctions that leave out
// what the snapshot lacks (NewAnyOf), per-field BM25 statistics
// (WithStats), and the facet count, filter and reading order
// (NewFacetQuery). Its doc says which bleve version it was checked against
// (v2.6.3, zapx v17), which of bleve's internals it relies on, and which
// tests are its tripwires. This package passes it what it has when it
// builds a query (the tables, the page, the statistics) as arguments.
//
// # What a query means
//
// As Meilisearch and Google users expect: every whitespace-separated term
// must match; "quoted words" match as a phrase; -term excludes. Nothing else
// is syntax: NAD+, IL-6, HbA1c and a:b are text, and unbalanced quotes, a
// lone +, * or \ are searched as text or ignored, never an error, because a
// search box's users type text, not a query language. The query is
// NFKC-folded first, as the indexed text is, and its limits (MaxQueryRunes,
// MaxTerms) count it as it is searched. English stop words are ignored, not
// required. A query of exclusions only returns every paragraph
// without them; a term that analyzes to nothing excludes nothing, and a
// query left with nothing finds nothing.
//
// A Japanese term matches as a whole word-piece, its bigrams in a row (a
// phrase), so that メラトニン does not find a paragraph that only shares ニン,
// and it scores by how often the word stands in the paragraph, as Lucene
// scores a phrase: the メラ of メラニン elsewhere adds nothing. It also
// matches its dictionary forms through index.FieldJABase at baseFormBoost,
// so 整う finds 整い and the typed form ranks first; a word that is its own
// dictionary form and cannot conjugate (one morpheme ending in a kanji or
// katakana) is searched in the bigrams alone, since its base form would find
// nothing more (TestUnconjugatedWordNeedsNoBaseForm). A kanji or kana that
// the bigram analyzer leaves alone is searched predictively, as Groonga
// does: the character alone or any indexed bigram that starts with it, or,
// for a one-character query, ends with it (at most MaxPrefixTerms bigrams);
// only the character is marked.
//
// An unquoted English word may have one typo from OneTypoRunes letters and
// two from TwoTypoRunes, never in the first letter, counted on the word as
// written; the last word is also a prefix, for search as you type. The
// words found are searched by their stems, each weighted as if it were as
// common as the most common of them (Lucene's blended rewrite), so that a
// rare form does not outrank the usual one. Typos score at fuzzyBoost and
// completions at prefixBoost of the exact word; quoted words and words with
// digits or symbols match exactly.
//
// Paragraphs with every term come first; paragraphs with only some of them
// follow at relaxedWeight, as Meilisearch's matching strategy does. A
// Japanese compound relaxes to the words kagome splits it into, a glossary
// name to its words; never to a single character, never a word the
// dictionary holds whole, never when a term is quoted.
//
// # The glossary
//
// The synonyms file (glossary.txt built in, or the operator's) names a
// concept in both languages. A term or a run of terms equal to one name also
// finds the concept's other names: in the typed language at synonymWeight,
// in the other at glossaryWeight, so that paragraphs in the typed language
// come first. A misspelt or half-typed word reaches its concept too.
// "a | b => c | d" lines are one way, as in Elasticsearch's synonym files:
// insomnia finds its three kinds, which do not find each other. Symbols such
// as NAD+ and SIRT1 need no entry: they match in both languages as they are.
//
// # Ranking
//
// BM25, with each field's own statistics (index, "BM25 statistics"); it was
// chosen over bleve's default tf-idf on the first relevance suite
// (search/relevance/README.md). Equal scores go in reading order (article,
// then paragraph), through the per-snapshot table below
// (bleveq.NewParagraphOrder), without reading any field of a hit.
//
// # Facets and filters
//
// Facets are disjunctive: topic counts ignore the topic filter (each is what
// choosing that topic instead would give), lang counts ignore the lang
// filter; topics are OR within the list. Both come from one keyword per
// paragraph (index.FieldFacet), counted while the hits stream past: a table
// per index snapshot (bleveq.Tables) maps bleve's document numbers to their
// facet key and to their reading order, built once from the keyword fields'
// posting lists; a wrapper around the query's searcher
// (bleveq.NewFacetQuery) counts each hit's key and drops the hits the
// filters exclude, so that one pass gives the page, the total and both
// facets. bleve's facet builder and a sort on article and
// paragraph number would read doc values for every hit, which at scale
// costs more than the rest of the search.
//
// # Positions and highlights
//
// In a small index match positions come with the search; above
// locateApartAbove paragraphs a second search restricted to the page's hits
// finds them (locate), since reading positions for thousands of hits costs
// more than running the query again over ten. There a Japanese word is
// marked where it stands in the hits' NFKC text, mapped back to their own
// bytes (bleveq.OnPage, index.Paragraph.Unfold). Highlight builds the
// snippet itself rather than with bleve's fragmenter: overlapping bigrams
// merge into one <mark> (bleve's HTML formatter skips a location that
// starts inside the previous one, leaving a long katakana word's tail
// unmarked), the window of SnippetRunes characters is placed where most
// matches fall and cut at a sentence or word boundary, and the text between
// marks is escaped.
//
// # A Japanese word in a large index
//
// A word's bigrams stand in a row in the bigram field exactly where the
// word stands in the paragraph's NFKC text. So when no positions are asked
// for, bleveq's word searcher reads the postings of the rarest bigram
// alone, without positions, and looks for the word in each candidate's
// text (kept by document number in the per-snapshot table), as zoekt
// checks its trigram candidates on a file's content. The scan starts from the last byte of the
// word's first character (the lead byte of nearly every kana is the same)
// and stops once it has found as many occurrences as that bigram has. The
// count is the word's frequency, which scores the match (in both modes).
// Query alternatives (a term in each language's field, a concept's other
// names) are bleveq.NewAnyOf, which drops the alternatives the snapshot
// holds nothing for when one is left, while keeping bleve's scores.
//
// # One snapshot per search
//
// Statistics, expansions and hits all come from the snapshot a search runs
// on. Service.Search and MarkArticle look their hits up in that snapshot;
// when the index changed between two of their searches they run again (the
// retry reads every hit's positions in its one search), and a last try
// holds writes off (index.Index.ViewBetweenWrites). Typo and prefix
// expansions are cached per snapshot.
//
// # Article pages and admin writes
//
// MarkArticle marks a query on a whole article for its page: each positive
// term is looked for on its own, filtered to the article, so that every
// NAD+ and every 睡眠 is marked after a hit for "NAD+ 睡眠"; the spans merge as
// Highlight merges them. It returns the article version its searches ran
// on, since marks are offsets into that text and a write may replace the
// article meanwhile. PutArticle, DeleteArticle and Reindex turn the index's
// answers into codes (invalid_article, not_found) and are made one at a
// time, so that "created or replaced" and the article returned are those of
// that write.
package search
