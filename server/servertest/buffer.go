// Package servertest holds what the tests of the server and of the program
// that runs it share, as net/http/httptest does for net/http.
package servertest

import (
	"bytes"
	"sync"
)

// Buffer is a bytes.Buffer that a logger and a test can share.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
