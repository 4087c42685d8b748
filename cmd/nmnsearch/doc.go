// Command nmnsearch serves the search API, the embeddable search box
// (/widget.js) and the search and article pages over the clinic blog
// articles embedded in package seeds, on -addr (or $NMNSEARCH_ADDR), until
// SIGINT or SIGTERM, when it lets the requests in flight finish. Each flag
// falls back to an NMNSEARCH_* variable: -cors-origins lists the origins
// whose pages may read the read-only API (default * for any); -rate and
// -burst limit each client; -max-concurrent-searches caps the searches
// running at once; -trust-proxy takes the client from X-Forwarded-For; and
// -metrics-addr serves /metrics on a listener of its own.
package main
