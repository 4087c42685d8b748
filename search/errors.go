package search

import (
	"errors"
	"fmt"
)

// Error codes. The server maps each to one HTTP status.
const (
	CodeInvalid  = "invalid_param" // the caller's request is wrong
	CodeNotFound = "not_found"
	CodeInternal = "internal" // our fault; details are logged, not shown
)

// Error is a failure the caller may see: a code and a human message.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func invalidf(format string, args ...any) error {
	return &Error{Code: CodeInvalid, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err: its own if it is an *Error, else
// CodeInternal.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}
