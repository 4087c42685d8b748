// Package server owns HTTP and nothing else: routes, parameter parsing, JSON
// encoding, the mapping of error codes to statuses, access logging and the
// limits of the http.Server. What a search means is package search's concern.
package server
