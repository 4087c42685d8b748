package main

import (
	"strings"
	"testing"
	"time"
)

// Lines reach the log within the flush interval without a Close, and all
// of them on Close.
func TestLogBuffer(t *testing.T) {
	var out syncBuffer
	b := newLogBuffer(&out)
	b.Write([]byte("one\n"))
	if strings.Contains(out.String(), "one") {
		t.Error("a line was written at once; want it buffered")
	}
	deadline := time.Now().Add(10 * accessLogFlushInterval)
	for !strings.Contains(out.String(), "one") {
		if time.Now().After(deadline) {
			t.Fatalf("the line did not reach the log within %v", 10*accessLogFlushInterval)
		}
		time.Sleep(accessLogFlushInterval / 4)
	}
	b.Write([]byte("two\n"))
	b.Close()
	b.Close()
	if got := out.String(); got != "one\ntwo\n" {
		t.Errorf("log after Close = %q", got)
	}
	b.Write([]byte("three\n")) // a request that ends after the shutdown
	if got := out.String(); got != "one\ntwo\nthree\n" {
		t.Errorf("a line written after Close: log = %q", got)
	}
}
