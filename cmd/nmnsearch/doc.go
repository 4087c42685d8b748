// Command nmnsearch serves the search API, the embeddable search box
// (/widget.js) and the search and article pages over the clinic blog
// articles embedded in package seeds, on -addr (or $NMNSEARCH_ADDR), until
// SIGINT or SIGTERM. -cors-origins (or $NMNSEARCH_CORS_ORIGINS) lists the
// origins whose pages may read the read-only API; the default * allows any.
package main
