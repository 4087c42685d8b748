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
//
// # Text files
//
// A text file in the seeds' format holds one block of the page a line, blank
// lines ignored, the furniture included. A line longer than
// MaxParagraphRunes (a page flattened to one line) is cut into paragraphs of
// at most that, at the end of a sentence where one stands in the second
// half, else at a space. A short line that does not end like a sentence is a
// heading. The title is found among the short blocks above the article's
// first paragraph, bylines and banners between: the one that shares most
// words with the article's text, since a title names what the text is
// about and a site's banner, menu or an author's credentials do not. What
// stands above the title, other than prose, is the page's head.
//
// # HTML pages
//
// go-readability finds the main content; h1 to h6 become headings,
// paragraphs, list items and table cells blocks (a row of short data cells
// one block), and navigation, asides, forms, captions and alt text stay out.
// The title is the page's h1 when its og:title or <title> names it, else
// those less their "| Site name"; the canonical link, when there is one, is
// the article's URL. A page in which readability finds no main content is
// refused (ErrNoContent): it is a page of menus and links, not an article.
//
// # Patterns of the genre, not of a site
//
// The rules hold on any site rather than name one site's furniture (a list
// of one site's lines fits the sample and fails the next site). Besides the
// per-block evidence of length, stop words and sentences, patterns of the
// genre decide some blocks outright: bylines, dates and review credits;
// photo credits and captions; addresses, phone numbers and booking calls;
// tables of contents (after 目次 or Contents, or lines listed again lower on
// the page); related-article lists; interface labels (MENU, Share, Back to
// top); copyright and disclaimers.
//
// # A site's template
//
// A line that other pages of the same site also print (same host; text
// files ingested together count as one site), other than a heading over text
// of its own, a sentence or a list item, is the site's template. Package
// index groups the pages; a page stored before its site's other pages keeps
// such lines until a reindex, which parses every page against all of its
// site's. HTML pages take no part: readability has left their template out
// already.
//
// # Test pages and measurements
//
// testdata holds pages of our own writing in both formats, each with a .tsv
// of its lines labelled content or chrome (wp-ja.txt and wp-ja.tsv are a
// full example of a scraped page). The figures on real pages of many sites,
// labelled by hand and kept outside the repository, and the command that
// measures them (go run ./.bench/extract -dir DEVSET) are in
// .bench/README.md.
package extract
