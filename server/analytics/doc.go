// Package analytics counts what readers search for and open, by day, without
// keeping anything about the reader: the searches per day, those that found
// nothing, the queries searched most, and, from the queries that found
// something on several days, suggestions for other readers.
//
// # What is kept
//
// For each day (the date of the server's clock, in its zone):
//
//   - the number of searches, of searches that found nothing, and of hits
//     opened (clicks);
//   - at most TopK queries. A query is its text as the service normalized it
//     (search.Normalize: NFKC, spaces folded, at most search.MaxQueryRunes
//     characters) and its topic filter (known topic names, sorted). For each:
//     its searches, those that found nothing, the paragraphs they found in
//     all, its clicks, its searches with a click and the sum of the
//     positions of those first clicks, the articles opened from it (at most
//     MaxOpened, each with its clicks), and space-saving's count (below). On
//     which days a query is kept is what tells how many days it was
//     searched on.
//
// That is all, in memory and in FileName (a bbolt file beside articles.db,
// one key per day, holding that day as JSON). What the events also carry is
// checked and dropped: the lang filter and the number of articles found.
// Nothing about
// the person is received by this package, let alone kept: no IP address,
// cookie, user agent, referrer, session or any other id, and no time finer
// than the day. Searches are not linked to each other or to clicks, so no
// reader's sequence of searches can be rebuilt. The text of a query is kept
// as typed: a reader who types a name into the box leaves it in the report,
// which only the admin token reads; MinSuggestDays keeps it from other
// readers.
//
// # Bounded under a flood
//
// A day's queries are kept with the space-saving algorithm (Metwally et al.
// 2005): a new query in a full table replaces the query with the lowest
// count and starts from that count, so that every query searched more than
// 1/TopK of the day's searches is kept, each with its exact counts since it
// entered; the searches of the queries not kept are reported as other. A
// flood of unique queries therefore costs at most TopK entries of at most
// MaxQueryBytes each per day, in memory (today) and on disk (each day kept).
// Only today is held in memory with a data directory; past days are read
// from the file for a report, and their queries counted once a day for
// suggestions (only those already on MinSuggestDays-1 days are remembered).
//
// # Durability and retention
//
// Today is written every flushEvery and at Close, so that a restart or a
// crash loses at most that much; a day is read back at start when it is
// still today. Days older than RetentionDays (today included) are dropped
// at start and at every write, and never reported. Without a data directory
// the days live in memory only.
//
// # Suggestions
//
// A query is suggested when it found something (one of its searches had
// hits) on at least MinSuggestDays different days within the retention,
// whatever its topic filter; Suggest completes the last word of what is
// typed with the rest of such queries. Days, not searches, so that one person
// searching the same thing many times in a day never makes it public.
//
// # Clicks
//
// A click names the query it came from, not its search: it counts in the
// day's clicks and, when that query is in the table, in its clicks. It is
// taken as a first click while the query has fewer searches with a click
// than searches. That is exact when a reader opens one hit per search (the
// box leaves the page for it); a reader who opens two hits of one search,
// while other searches of the query had none, counts as two searches with a
// click. CTR is searches with a click over searches; the mean first position
// is over the searches with a click.
package analytics
