package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"

	"nmnsearch/cmd/nmnsearch/internal/sitesync"
	"nmnsearch/index"
)

// localWriter is sync's writer into the data directory.
type localWriter struct{ ix *index.Index }

func (w localWriter) Put(ctx context.Context, src index.Source) (bool, error) {
	_, had := w.ix.Article(src.ID)
	err := w.ix.PutSource(src)
	if invalid := (*index.InvalidError)(nil); errors.As(err, &invalid) {
		return false, &sitesync.RejectedError{Err: err}
	}
	return !had && err == nil, err
}

func (w localWriter) Delete(ctx context.Context, id string) error { return w.ix.Delete(id) }

// adminWriter is sync's writer through a running server's admin API.
type adminWriter struct{ c *adminClient }

func (w adminWriter) Put(ctx context.Context, src index.Source) (bool, error) {
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false) // a page's < and > as they are, not six bytes each against the body limit
	if err := enc.Encode(articleBody{URL: src.URL, HTML: src.HTML}); err != nil {
		return false, err
	}
	status, resp, err := w.c.do(ctx, clientTimeout, "PUT", "/api/articles/"+url.PathEscape(src.ID), body.Bytes())
	switch {
	case err != nil:
		return false, err
	case status == http.StatusCreated:
		return true, nil
	case status == http.StatusOK:
		return false, nil
	case status == http.StatusBadRequest || status == http.StatusRequestEntityTooLarge || status == http.StatusUnsupportedMediaType:
		return false, &sitesync.RejectedError{Err: w.c.refusal(status, resp)} // this article's, not the server's
	}
	return false, w.c.refusal(status, resp)
}

func (w adminWriter) Delete(ctx context.Context, id string) error {
	status, resp, err := w.c.do(ctx, clientTimeout, "DELETE", "/api/articles/"+url.PathEscape(id), nil)
	switch {
	case err != nil:
		return err
	case status == http.StatusNoContent || status == http.StatusOK:
		return nil
	case status == http.StatusNotFound && bytes.Contains(resp, []byte(`"not_found"`)):
		return index.ErrNotFound
	}
	return w.c.refusal(status, resp)
}
