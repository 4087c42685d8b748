package index

import "errors"

// errInvalid is wrapped by every error about an article a caller gave (its
// id, topics, url, title or text): the caller's mistake, which changed
// nothing. A server answers it with 400 and the error's message.
var errInvalid = errors.New("invalid article")

// InvalidError says which field of an article is wrong and why.
// errors.Is(err, errInvalid) holds for it.
type InvalidError struct {
	Field  string // "id", "topics", "url", "title" or "text"
	Reason string
}

func (e *InvalidError) Error() string { return "article " + e.Field + ": " + e.Reason }

// Unwrap makes an InvalidError match errInvalid.
func (e *InvalidError) Unwrap() error { return errInvalid }

func invalid(field, reason string) error { return &InvalidError{Field: field, Reason: reason} }

var (
	// ErrNotFound is Delete's answer for an id the index does not hold.
	ErrNotFound = errors.New("no such article")
	// ErrLocked is Open's answer when another process has the data
	// directory open: two writers would corrupt the index.
	ErrLocked = errors.New("data directory is in use by another process")
	// ErrClosed is the answer of every write, View and Reindex after Close.
	ErrClosed = errors.New("index is closed")
	// ErrChanged is Snapshot.Search's answer when writes went on so fast
	// that the snapshot the search ran on is no longer known. Run it again.
	ErrChanged = errors.New("index changed during the search")
	// ErrReadOnly is the answer of every write and Reindex of an index
	// opened with OpenReadOnly, and Open's answer for a directory Publish
	// made: replicas serve it, and only the writer's directory changes.
	ErrReadOnly = errors.New("index is read-only")
)
