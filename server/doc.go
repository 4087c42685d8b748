// Package server owns HTTP and nothing else: routes, parameter parsing, JSON
// encoding, the mapping of error codes to statuses, access logging and
// Prometheus metrics, the limits of the http.Server and of each client (a
// token bucket per address) and of all of them (a cap on searches at once),
// CORS for the read-only API, the admin API (bearer token, same origin
// only) that writes articles, and serving what package web embeds: the
// <nmn-search> box (/widget.js), the search page and the article pages.
// What a search means is package search's concern.
package server
