package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"nmnsearch/search"
)

// Error codes the server adds to those of package search. Every error the
// server writes is a *search.Error (or becomes one), so that one table below
// decides every status.
const (
	CodeMethodNotAllowed = "method_not_allowed"
	CodeNotReady         = "not_ready"
	CodeTimeout          = "timeout"            // the search ran past SearchTimeout
	CodeCanceled         = "canceled"           // the client went away first
	CodeOriginNotAllowed = "origin_not_allowed" // a preflight from an origin not in -cors-origins; an admin request from another origin
	CodeRateLimited      = "rate_limited"       // the client spent its tokens (-rate, -burst)
	CodeOverloaded       = "overloaded"         // every search slot stayed busy (-max-concurrent-searches)
	CodeBodyTooLarge     = "body_too_large"     // a body past MaxBodyBytes
	CodeReadOnly         = "read_only"          // a write sent to a read-only replica (WithReadOnly)
)

// StatusClientClosedRequest is the status logged when the client cancels
// before the answer is ready (nginx's 499). No client ever reads it; it keeps
// the access log from counting a client's hang-up as our failure.
const StatusClientClosedRequest = 499

// statusByCode maps every error code to its HTTP status. A code missing here
// is a bug and is answered as internal.
var statusByCode = map[string]int{
	search.CodeInvalid:   http.StatusBadRequest,
	search.CodeNotFound:  http.StatusNotFound,
	CodeMethodNotAllowed: http.StatusMethodNotAllowed,
	CodeNotReady:         http.StatusServiceUnavailable,
	CodeTimeout:          http.StatusGatewayTimeout, // this search ran out of time; the service is up
	CodeCanceled:         StatusClientClosedRequest,
	CodeOriginNotAllowed: http.StatusForbidden,
	CodeRateLimited:      http.StatusTooManyRequests,
	CodeOverloaded:       http.StatusServiceUnavailable,
	CodeBodyTooLarge:     http.StatusRequestEntityTooLarge,
	search.CodeInternal:  http.StatusInternalServerError,

	search.CodeInvalidArticle: http.StatusBadRequest,
	CodeInvalidBody:           http.StatusBadRequest,
	CodeUnsupportedMediaType:  http.StatusUnsupportedMediaType,
	CodeUnauthorized:          http.StatusUnauthorized,
	CodeInsufficientStorage:   http.StatusInsufficientStorage,
	CodeReadOnly:              http.StatusForbidden,
}

// Reasons a request is refused, the reason label of requests_rejected_total
// and the reason field of its access-log line.
const (
	ReasonBadRequest       = "bad_request"
	ReasonRateLimited      = "rate_limited"
	ReasonOverloaded       = "overloaded"
	ReasonBodyTooLarge     = "body_too_large"
	ReasonTimeout          = "timeout"
	ReasonMethodNotAllowed = "method_not_allowed"
	ReasonOriginNotAllowed = "origin_not_allowed"
	ReasonUnauthorized     = "unauthorized" // an admin request without the token
	ReasonReadOnly         = "read_only"    // a write sent to a read-only replica
)

// rejectionByCode says which error codes are refusals and why. A code not
// here (not_found, not_ready, canceled, internal) is an answer or a failure,
// not a refusal.
var rejectionByCode = map[string]string{
	search.CodeInvalid:   ReasonBadRequest,
	CodeRateLimited:      ReasonRateLimited,
	CodeOverloaded:       ReasonOverloaded,
	CodeBodyTooLarge:     ReasonBodyTooLarge,
	CodeTimeout:          ReasonTimeout,
	CodeMethodNotAllowed: ReasonMethodNotAllowed,
	CodeOriginNotAllowed: ReasonOriginNotAllowed,

	search.CodeInvalidArticle: ReasonBadRequest,
	CodeInvalidBody:           ReasonBadRequest,
	CodeUnsupportedMediaType:  ReasonBadRequest,
	CodeUnauthorized:          ReasonUnauthorized,
	CodeReadOnly:              ReasonReadOnly,
}

// internalMessage is all a caller learns of an internal error.
const internalMessage = "internal error"

// errorBody is the JSON shape of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// errorf returns a *search.Error with code and a formatted message.
func errorf(code, format string, args ...any) error {
	return &search.Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// contextError turns an error from a call made under ctx, a child of the
// request's context with a deadline, into a timeout or a cancel when that is
// what it is. Other errors come back as they are.
func contextError(ctx context.Context, r *http.Request, err error) error {
	if _, ok := errors.AsType[*search.Error](err); ok {
		return err // the caller's mistake, found before any waiting
	}
	switch {
	case r.Context().Err() != nil:
		return errorf(CodeCanceled, "request canceled")
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		return errorf(CodeTimeout, "search took longer than %s", SearchTimeout)
	case errors.Is(err, context.Canceled):
		return errorf(CodeCanceled, "request canceled")
	}
	return err
}

// RebuildRetryAfter is the Retry-After, in seconds, of the 503s answered
// while the index rebuilds itself after damage.
const RebuildRetryAfter = 5

// writeError writes err as a JSON error with the status of its code.
func writeError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	if errors.Is(err, search.ErrDamaged) {
		w.Header().Set("Retry-After", strconv.Itoa(RebuildRetryAfter))
		err = errorf(CodeNotReady, "the index is being rebuilt after a damaged file was found; retry in %d s", RebuildRetryAfter)
	}
	status, detail := publicError(r, logger, err)
	writeJSON(w, r, logger, status, errorBody{detail})
}

// publicError returns the status of err's code and what the caller may see
// of it. An internal error (any error that is not a *search.Error, or one
// with an unknown code) is logged here, once, with its detail, and shown only
// as "internal error".
func publicError(r *http.Request, logger *slog.Logger, err error) (int, errorDetail) {
	if tooLarge, ok := errors.AsType[*http.MaxBytesError](err); ok {
		// A handler under limitBody read past the limit.
		err = errorf(CodeBodyTooLarge, "the body is larger than %d bytes", tooLarge.Limit)
	}
	code := search.ErrorCode(err)
	if reason, ok := rejectionByCode[code]; ok {
		requestInfo(r).reason = reason
	}
	status, known := statusByCode[code]
	e, ok := errors.AsType[*search.Error](err)
	if !ok || !known || status == http.StatusInternalServerError {
		logger.ErrorContext(r.Context(), "internal error",
			"method", r.Method, "path", r.URL.Path, "err", err)
		return http.StatusInternalServerError, errorDetail{Code: search.CodeInternal, Message: internalMessage}
	}
	return status, errorDetail{Code: code, Message: e.Message}
}

// writeJSON writes v as the JSON body of a status response. It encodes into a
// buffer first, so that a value that cannot be encoded becomes a 500 rather
// than half a body.
func writeJSON(w http.ResponseWriter, r *http.Request, logger *slog.Logger, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Highlights carry <mark>; the body is never HTML (nosniff, JSON type),
	// so leave < and > readable.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		if _, isErr := v.(errorBody); isErr {
			// Cannot happen: errorBody is two strings. Avoid recursion anyway.
			w.Header().Set("Content-Type", contentTypeJSON)
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte(`{"error":{"code":"internal","message":"internal error"}}` + "\n"))
			return
		}
		writeError(w, r, logger, fmt.Errorf("encode response: %w", err))
		return
	}
	w.Header().Set("Content-Type", contentTypeJSON)
	w.WriteHeader(status)
	w.Write(buf.Bytes()) // the client may be gone; nothing to do about it
}

// contentTypeJSON is the Content-Type of every response.
const contentTypeJSON = "application/json; charset=utf-8"
