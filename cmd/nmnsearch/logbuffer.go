package main

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// accessLogFlushInterval is how late a request's log line may appear: the
// server's log is written through a buffer, flushed this often, so that
// each request costs no write to the log of its own (at 20,000 requests a
// second that write was a tenth of the CPU). A crash loses at most this
// much of the log, as with nginx's access_log buffer=… flush=….
const accessLogFlushInterval = 200 * time.Millisecond

// logBuffer is an io.Writer that buffers lines for w and flushes them
// every accessLogFlushInterval, when the buffer fills, and on Close.
type logBuffer struct {
	mu     sync.Mutex
	w      *bufio.Writer
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once
	closed bool // under mu: write through
}

func newLogBuffer(w io.Writer) *logBuffer {
	b := &logBuffer{w: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		t := time.NewTicker(accessLogFlushInterval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				b.flush()
			case <-b.stop:
				b.flush()
				return
			}
		}
	}()
	return b
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.w.Write(p)
	if b.closed && err == nil {
		err = b.w.Flush()
	}
	return n, err
}

func (b *logBuffer) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.w.Flush() // a log that cannot be written has nowhere to say so
}

// Close flushes what is buffered and stops the flusher; writes after it
// (a request that outlived the shutdown's wait) go through at once.
// Closing twice is closing once.
func (b *logBuffer) Close() {
	b.once.Do(func() { close(b.stop) })
	<-b.done
	b.mu.Lock()
	b.closed = true
	b.w.Flush()
	b.mu.Unlock()
}
