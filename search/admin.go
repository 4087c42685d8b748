package search

import (
	"context"
	"errors"
	"fmt"
	"time"

	"nmnsearch/index"
)

// Source is an article as a caller gives it, before parsing: the index's
// type, re-exported so that the server need not import index.
type Source = index.Source

// Dropped is a line of an article's source left out as its site's
// furniture, with the reason: the index's type, re-exported.
type Dropped = index.Dropped

// ErrClosed is the answer of a write or Reindex once the index is closed,
// as when the service is shutting down.
var ErrClosed = index.ErrClosed

// ErrDamaged is the answer of a read or write while the index rebuilds
// itself after a damaged file was found (index.ErrDamaged).
var ErrDamaged = index.ErrDamaged

// CodeInvalidArticle is the code of an article that does not parse: a bad
// id, topic, url, title or text. Nothing was written.
const CodeInvalidArticle = "invalid_article"

// PutArticle parses src and stores it in place of the article with its id,
// all its paragraphs at once. It returns the article as stored and whether
// the id was new. On disk it returns once the write is durable. An article
// that does not parse is an *Error with CodeInvalidArticle, and nothing
// changes.
//
// Admin writes are made one at a time, so that created and the article
// returned are those of this write, not of one racing it; the index makes
// its writes one at a time anyway.
//
// A ctx that ends before the write begins (the service is stopping) writes
// nothing.
func (s *Service) PutArticle(ctx context.Context, src Source) (a *Article, created bool, err error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	_, existed := s.ix.Article(src.ID)
	if err := s.ix.PutSource(src); err != nil { // parsed once, by the write
		return nil, false, adminError(err)
	}
	stored, ok := s.ix.Article(src.ID)
	if !ok {
		return nil, false, fmt.Errorf("put %s: not in the index after the write", src.ID)
	}
	return stored, !existed, nil
}

// DeleteArticle removes the article with this id, durably as PutArticle.
// An unknown id is an *Error with CodeNotFound, an invalid one with
// CodeInvalidArticle.
func (s *Service) DeleteArticle(ctx context.Context, id string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.ix.Delete(id)
	if errors.Is(err, index.ErrNotFound) {
		// Worded as GET /api/articles/{id} words its 404.
		return &Error{Code: CodeNotFound, Message: fmt.Sprintf("no article %q", id)}
	}
	return adminError(err)
}

// Reindex rebuilds the index from the stored articles and swaps it in while
// searches go on (see index.Index.Reindex), returning how long it took.
// When ctx ends first, the index in use stays.
func (s *Service) Reindex(ctx context.Context) (time.Duration, error) {
	began := time.Now()
	if err := s.ix.Reindex(ctx); err != nil {
		return 0, adminError(err)
	}
	return time.Since(began), nil
}

// adminError turns the index's answers to a write into the codes a caller
// sees: its own mistakes; ErrClosed and the rest come back as they are.
// (ErrNotFound, Delete's alone, DeleteArticle words with the id.)
func adminError(err error) error {
	if err == nil {
		return nil
	}
	if e, ok := errors.AsType[*index.InvalidError](err); ok {
		return &Error{Code: CodeInvalidArticle, Message: e.Error()}
	}
	return err
}
