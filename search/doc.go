// Package search owns the meaning of a search: the Request and Result types,
// turning user text into a bleve query (every term required, "phrases",
// -exclusions, symbols literal), filters, paging, disjunctive topic and
// language facets, and highlighted snippets; and the admin writes
// (PutArticle, DeleteArticle, Reindex) in the terms its callers see. It
// never sees HTTP.
package search
