package index

// An Option sets how an index parses the articles written to it.
type Option func(*Index)

// WithTopics makes the index tag paragraphs with topics instead of
// DefaultTopics. A data directory built with other topics is re-tagged
// when Open opens it.
func WithTopics(t *Topics) Option {
	return func(ix *Index) {
		if t != nil {
			ix.topics = t
		}
	}
}

func (ix *Index) withOptions(opts []Option) *Index {
	ix.topics = DefaultTopics()
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
