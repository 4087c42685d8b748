// Command nmnsearch serves the search API over the clinic blog articles
// embedded in package seeds, on -addr (or $NMNSEARCH_ADDR), until SIGINT or
// SIGTERM.
package main
