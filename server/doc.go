// Package server owns HTTP and nothing else: routes, parameter parsing, JSON
// encoding, the mapping of error codes to statuses, access logging, the
// limits of the http.Server, CORS for the read-only API, and serving what
// package web embeds: the <nmn-search> box (/widget.js), the search page and
// the article pages. What a search means is package search's concern.
package server
