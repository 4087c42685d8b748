// Package index owns everything bleve needs to store the articles: parsing the
// scraped article files into paragraphs (dropping site chrome), assigning
// topics, the analyzers and mapping, and building the bleve index.
//
// It never imports package seeds: callers hand it an fs.FS of article files.
package index
