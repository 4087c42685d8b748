// Command nmnsearch serves the search API, the embeddable search box
// (/widget.js) and the search and article pages on -addr (or
// $NMNSEARCH_ADDR), from the index in the data directory -data (default
// ./data; "" keeps it in memory), built there from the articles embedded in
// package seeds on first start and opened on the next, until SIGINT or
// SIGTERM, when it lets the requests in flight finish and closes the index.
// Each flag falls back to an NMNSEARCH_* variable: -cors-origins lists the
// origins whose pages may read the read-only API (default * for any); -rate
// and -burst limit each client; -max-concurrent-searches caps the searches
// running at once; -trust-proxy takes the client from X-Forwarded-For; and
// -metrics-addr serves /metrics on a listener of its own. With
// $NMNSEARCH_ADMIN_TOKEN (or -admin-token-file) set, the admin API writes
// articles.
//
// "nmnsearch ingest FILE|DIR..." adds or replaces articles from files in the
// seeds' format, and "nmnsearch reindex" rebuilds the index: in the data
// directory, or through the admin API of the server that has it open.
package main
