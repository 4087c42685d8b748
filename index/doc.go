// Package index owns everything bleve needs to store the articles: parsing the
// scraped article files into paragraphs (dropping site chrome), assigning
// topics, the analyzers and mapping, and building the bleve index, in memory
// or durable in a data directory beside a bbolt store of the articles as
// ingested, from which it can always be rebuilt.
//
// It never imports package seeds: callers hand it an fs.FS of article files.
//
// # Articles and paragraphs
//
// An article comes in as a Source: a text file in the seeds' format, an HTML
// page, or a list of paragraphs taken as given. Package extract finds the
// article in a text file or a page and drops the site's furniture; what is
// left becomes Paragraphs, each with its number, its section (the heading
// above it), its language (by script) and its topics. Every paragraph is one
// bleve document; an article is the set of documents whose article field
// names it, written and replaced in one batch.
//
// # Fields and analyzers
//
// Japanese text goes into FieldJA through bleve's cjk chain (width folding,
// lower case, bigrams) and again into FieldJABase as kagome's dictionary
// forms, particles and endings left out, so that a word also finds its other
// forms. English goes into FieldEN through bleve's en chain (possessives,
// stop words, Porter stems) and again into FieldENWord as lower-case words,
// whose dictionary is only read, to look typos and prefixes up on the word as
// a person types it rather than on its stem. The keyword fields FieldTopic,
// FieldLang and FieldArticle filter, and FieldFacet holds one keyword per
// paragraph for its topic set and language ("depression+sleep|ja"): counting
// it over the query without the topic and lang filters gives both
// disjunctive facets at once.
//
// Every chain runs over the NFKC form of the text, and maps token offsets
// back to the original bytes, so that ＮＡＤ＋ is NAD+, half-width ﾃﾞｰﾀ is
// データ, and highlights still mark the characters as written. (A bleve char
// filter cannot do this: bleve computes offsets from term lengths.) The
// tokenizer keeps the '+' of NAD+, which both of bleve's analyzers drop; the
// index analyzers also index the bare "nad" at the same position, so NAD
// finds NAD+ while NAD+ finds only NAD+.
//
// kagome's IPA dictionary is kept to what the analyzers read (part of speech
// and base form), packed into a few arrays, which shrinks the live heap the
// collector walks. LoadDictionary loads it once; a server calls it in the
// background at start, and the first Japanese search waits for it.
//
// # BM25 statistics
//
// bleve v2.6.3 takes a field's average length to be the size of its term
// dictionary over the number of documents in the whole index
// (searcher.bm25ScoreMetrics). For bigram fields that is far shorter than a
// paragraph, so long paragraphs were scored as if many times too long, and
// the two languages on different scales. The index counts every text
// field's tokens and paragraphs itself and hands the true figures to bleve,
// one field at a time, through the query's context (search.BM25StatsKey).
//
// # Topics
//
// Topics are data: a Topics file (the built-in topics.txt, or the operator's)
// names each topic, its labels and its keywords. Keywords match words, not
// substrings: kagome's dictionary forms in Japanese (眠れない finds 眠れる),
// Porter stems in English (sleep finds sleepless, mental does not find
// environmental). A paragraph carries a topic when its own words name it,
// unless the word is in passing (named less than half as often as the
// paragraph's main topic, and fewer than three times); when its section's
// heading names it; when it is an item of a list whose lead names it; or when
// the paragraphs on both sides carry it. An article's topics are those its
// title names and those of a quarter of its paragraphs, unless its author
// gave them. A data directory keeps the topics file it was last given; a
// different file re-tags every article at the next open, and a topic an
// article was PUT with that the new file lacks is left out until a file has
// it again.
//
// # The data directory
//
// A data directory holds articles.db, a bbolt file with every article as it
// was given (its Source: the source of truth), and index-N/, the scorch index
// built from it, besides the topics file. Open builds the index on first
// start, from the seeds it is handed; later it opens what is there, and
// rebuilds from articles.db only when IndexVersion, the mapping or the seeds
// change. (IndexVersion is bumped with any change to analysis, extraction or
// the document mapping: a changed analyzer keeps its name, and only the
// version tells an old index from a new one.) An article put or deleted
// under a seed's id stays as it was left when the seeds change. One process
// at a time has a directory open: bbolt's lock refuses a second at once
// rather than waiting.
//
// The default is ./data (the command's -data), not $XDG_DATA_HOME: it needs
// no home directory, which a service account or a container may lack; it
// sits beside the clone that made it, whose IndexVersion matches; and it is
// where one looks, as with Meilisearch's ./data.ms.
//
// # Writes and durability
//
// A write commits to articles.db first (fsync), then applies one bleve batch
// that also records the write's sequence number (SetInternal). scorch may
// then persist in its own time (unsafe_batch): an open re-applies whatever
// writes the index lacks, so an acknowledged write survives kill -9, and a
// clean Close persists everything, leaving nothing to re-apply. A whole
// article is one batch, so a search sees the old article or the new one,
// never a mix. MaxParagraphs bounds an article, so that one write's batch
// stays short.
//
// What can go wrong on disk, and what Open or the running index does:
//
//   - An index that cannot be opened (a damaged segment or root.bolt) is
//     rebuilt from articles.db at open, logged at WARN. One found damaged
//     while serving (bleve fails or panics reading it) is rebuilt the same
//     way at once; meanwhile Healing reports it and searches fail with
//     ErrDamaged (the server's 503 not_ready). A read-only replica rebuilds
//     in memory.
//   - A full disk: writes fail, nothing written, and Writable reports false
//     for ten seconds after the last write that found the disk full;
//     scorch's own retries are paced (once a second) rather than spinning a
//     CPU, and Close does not wait for them.
//   - An index that holds writes articles.db lacks (the store came back
//     older: a torn last transaction, a restored backup) is kept aside as
//     aside-index-N-<time>/, the store rebuilt into a new index, and the
//     lost writes (the index keeps the last 16) written again from
//     it, logged at ERROR with the article ids.
//   - An index beside a missing or empty articles.db is refused, saying what
//     to do, rather than re-seeded over; so is an articles.db bbolt cannot
//     read, left as it is.
//
// # Snapshots: searches without locks
//
// Searches read an immutable Snapshot (the bleve index and the article maps
// that go with it) and take no lock, so a search never waits for a write:
// until a batch is in, searches answer from the articles before it. Each
// batch also sets an internal key to a token naming its snapshot, and
// Snapshot.Search reads that key from the bleve state the search ran on, to
// return the snapshot whose paragraphs its hits are (the last few are kept
// findable). View runs a function on the current snapshot;
// ViewBetweenWrites also holds writes off, for a caller that met a write
// too often.
//
// Reindex builds a new index from a consistent read of the store, applies
// the writes made meanwhile, and swaps it in (an IndexAlias keeps callers of
// Bleve on the current one); it stops between batches when its context ends,
// removing what it built, and the index in use stays.
//
// # Merging segments
//
// scorch keeps writes in segments, merged by tiers, and a search looks up and
// walks every query term in each. Compact merges them into one, as
// Elasticsearch's _forcemerge does for an index done being written: a build,
// a rebuild, a reindex and the ingest command compact what they wrote;
// single writes through a running server are left to scorch's own merging.
// Figures in .bench/README.md.
//
// # Read-only replicas
//
// Publish copies a data directory as of its last write: articles.db in one
// bbolt read transaction, the index through bleve's online copy (segments
// not yet on disk included), both while writes wait, and a PUBLISHED file
// (when, from where, the write's sequence number, IndexVersion). It writes
// under a temporary name beside the destination, fsyncs, then renames, so
// that a replica never opens half a copy; the destination must not exist,
// since a replica may still hold the last copy open.
//
// OpenReadOnly opens such a copy as it is: bbolt and scorch's root bolt
// read-only under shared locks, so that any number of replica processes open
// one directory at once and a writer's open of it is refused while they do.
// Nothing in it is written. It never rebuilds, seeds or re-applies: a
// directory of another IndexVersion, or whose index lacks writes its store
// holds, is refused, saying to open it with the writer of this version and
// publish again. A writer (Open) refuses a directory with a PUBLISHED file;
// removing the file makes the copy a writer's directory.
package index
