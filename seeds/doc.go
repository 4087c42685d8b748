// Package seeds embeds the three clinic blog articles the service ships with.
//
// The files are the scraped pages as they are, site chrome included; package
// index decides what of them is article text. cmd hands FS to index, so that
// index itself never depends on this package.
package seeds

import "embed"

// FS holds the article files, one *.txt per article.
//
//go:embed *.txt
var FS embed.FS
