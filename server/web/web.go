// Package web embeds the browser side of the service: the <nmn-search>
// custom element, the stylesheet and script of its own pages, and their HTML
// templates. Package server serves them; nothing here is built or bundled.
package web

import "embed"

// Static holds the files served under content-hashed names below /static/.
//
//go:embed static
var Static embed.FS

// Templates holds the HTML pages, html/template files.
//
//go:embed templates
var Templates embed.FS
