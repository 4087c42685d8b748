package index

import (
	"log/slog"
	"path/filepath"
)

// An Option sets how an index parses the articles written to it.
type Option func(*Index)

// WithTopics makes the index tag paragraphs with topics. A data directory
// keeps the topics it was built with: without WithTopics, Open takes them
// again (defaultTopics for a new one); with other topics, it re-tags every
// article. nil is no option.
func WithTopics(t *Topics) Option {
	return func(ix *Index) {
		if t != nil {
			ix.topics, ix.topicsGiven = t, true
		}
	}
}

// storedTopics takes the topics the data directory was built with, unless
// the caller gave some.
func (ix *Index) storedTopics(m storeMeta) error {
	if ix.topicsGiven || m.topics == nil {
		return nil
	}
	t, err := parseTopics(filepath.Join(ix.dir, storeFile)+" (its topics)", m.topics, false)
	if err != nil {
		return err
	}
	ix.topics = t
	return nil
}

func (ix *Index) withOptions(opts []Option) *Index {
	ix.topics, ix.logger = defaultTopics(), slog.Default()
	for _, o := range opts {
		o(ix)
	}
	return ix
}

// Topics returns the topics the index tags paragraphs with.
func (ix *Index) Topics() *Topics { return ix.topics }

// Parse parses src as a write to the index would: with its topics, and
// with the lines the index's other articles of its site print as its
// site's template.
func (ix *Index) Parse(src Source) (Article, error) {
	return src.parse(ix.topics, sitesFor([]*Source{&src}, ix.snap().articles).options(&src))
}
