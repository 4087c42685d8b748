// Package index owns everything bleve needs to store the articles: parsing the
// scraped article files into paragraphs (dropping site chrome), assigning
// topics, the analyzers and mapping, and building the bleve index, in memory
// or durable in a data directory beside a bbolt store of the articles as
// ingested, from which it can always be rebuilt.
//
// It never imports package seeds: callers hand it an fs.FS of article files.
package index
