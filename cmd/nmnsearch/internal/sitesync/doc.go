// Package sitesync keeps an index in step with a clinic's site: it gathers
// the article URLs of sitemaps, feeds and pages, fetches those that may
// have changed as a polite client, writes the new and changed articles and
// deletes those that are gone, remembering per URL what it needs to do
// only that next time. Run(ctx, Config, Writer) is one run; the command
// (nmnsearch sync) and a scheduler share it, each with its Writer: the
// local index, or a running server's admin API.
//
// # Gathering
//
// A seed URL is fetched once and read by what it is: gzip by its first
// bytes (a sitemap.xml.gz served as it is), then a sitemap (urlset), a
// sitemap index (whose sitemaps are read in turn, maxSitemapDepth deep),
// an RSS 2.0 or 1.0 feed or an Atom feed by its root element, and any
// other HTML as a page, which is then the one page it lists. Article URLs
// are kept when they pass Config.Prefix and Config.Match; the first seed
// to list a URL is its seed. maxDocuments, maxDocBytes and maxPages bound
// what a run reads; past maxPages the run stops before writing anything.
//
// Sitemaps and feeds are parsed with encoding/xml, not a feed library:
// sync needs one link and one date per entry, the formats' elements for
// them are few, and a lenient decoder (HTML entities, x/net's charset
// readers for Shift_JIS and EUC-JP) reads what sites serve. gofeed, the
// well-kept choice, parses every item's content, enclosures and
// extensions and brings goquery with it, for nothing sync uses.
//
// # Only what changed
//
// The state (StateFile, sync.db beside articles.db) holds a record per
// URL: its article id, its seed, its ETag and Last-Modified, the
// sitemap's lastmod (or Atom's updated), the hash of its article's text,
// and whether sync created the article. A page is visited in three steps,
// each sparing the next: the same lastmod as recorded, and it is not
// asked for at all; If-None-Match and If-Modified-Since, and a 304 is the
// end of it; a 200 is parsed as the index will parse it (index.Source
// with the HTML and the URL) and its title, url and paragraphs hashed, so
// that a page whose template changed (a date in a sidebar, a new menu
// item, a nonce) but whose article did not is not written. An unchanged
// site thus costs one request per sitemap and per page, and no page body;
// with lastmods, no request per page.
//
// The state is a bbolt file of its own rather than a JSON file: each
// page's record commits on its own, so an interrupted run keeps what it
// did without rewriting every record per page; bbolt's lock keeps two
// runs of a directory apart (ErrBusy); bbolt is already the store's; and
// index/ is left alone, the state naming articles only by id.
//
// # What is written, what is deleted
//
// A new page is added, a changed one replaced (Writer.Put: atomic, as
// every write). A page is deleted when its sitemap no longer lists it or
// it answers 404 or 410, and only if sync created its article: a page
// whose id was an article already (put by hand, ingested) is replaced
// when it changes but never deleted; when sync cannot tell (a run cut off
// between a write and its record), it keeps. A page that left a feed is
// not deleted: a feed lists the latest few posts, so the page is asked
// for again, conditionally, each run, and deleted when it answers 404 or
// 410. A seed read in part (a child sitemap that failed) or listing no
// page deletes nothing: a broken sitemap must not empty the index.
//
// A page that fails (an error status, no answer within Config.Timeout,
// too many redirects, past Config.MaxBytes, not HTML, no article in it, a
// RejectedError from the Writer) is counted, reported with its reason,
// and neither written nor remembered, so the next run asks again. Any
// other Writer error, or a state error, stops the run: every page after
// it would fail the same way. When ctx ends, the run stops between
// pages; what it wrote is remembered.
//
// An article's id is Config.ArticleID of the URL the seed lists, not of
// where a redirect ends, so that it stays put when the site adds or drops
// a redirect; the page's url is where it was found, and the index takes
// the canonical link from the page as the article's url.
//
// # A polite client
//
// Every request, the redirects the client follows included, goes through
// one transport that asks the host's robots.txt first (fetched once a
// run, read by github.com/temoto/robotstxt, the group of Config.UserAgent;
// a 4xx allows all, a 5xx or no answer fails the host's pages for the
// run) and waits for the host's turn: requests to a host start
// Config.Delay apart, or its Crawl-delay (up to maxCrawlDelay), whatever
// the number of workers. Config.Concurrency workers (at most
// MaxConcurrency) are the cap on requests at once. A 429 or 503 with a
// Retry-After up to maxRetryAfter is waited out, the whole host held off
// meanwhile, maxRetries times; a longer one fails the page for this run.
//
// # For a scheduler
//
// Run is safe to call again and again from one process; a second run of
// the same state waits stateLockTimeout, then returns ErrBusy. Summary
// (JSON-tagged) has the counts per outcome, the requests, the page bodies
// fetched, the first maxFailures failures with their reasons, when it
// started and finished, and whether it was interrupted. Config.Progress
// hears of each page as it is done.
package sitesync
