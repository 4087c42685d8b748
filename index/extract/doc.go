// Package extract finds the article in a page: the blocks of text its author
// wrote, not the site's furniture around them (menus, tables of contents,
// bylines, captions, share bars, related links, footers), and its title.
//
// It reads two kinds of page. HTML goes through go-readability (Mozilla's
// Readability, which finds the main content by the density of text and
// links), then its headings become headings and its paragraphs, list items
// and table cells become blocks. A scraped text file (one block a line,
// furniture included) is split into lines. Either way the blocks are then
// classified as jusText classifies paragraphs: first each on its own, by
// its length, its share of stop words (particles and kana for Japanese) and
// its punctuation, with patterns that hold on any site (dates and bylines,
// credits, contact details, a table of contents, copyright); then the
// short and doubtful ones by their neighbours, so that a short line between
// two paragraphs of the article stays and a run of short lines at the head
// or foot of the page goes. A line that other pages of the same site also
// print is the site's template.
//
// Every block dropped is returned with its reason, so that an operator can
// see what was left out and why.
package extract
