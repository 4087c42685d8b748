package server

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestPanicAfterWriteAborts: a handler that panics after its status went out
// cannot be answered with a 500; the connection is dropped, so the client
// sees an error instead of a short body that looks complete.
func TestPanicAfterWriteAborts(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	late := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(`{"hits":[`))
		http.NewResponseController(w).Flush() // through statusRecorder.Unwrap
		panic("late boom")
	})
	ts := httptest.NewUnstartedServer(observe(logger, NewMetrics(), func(*http.Request) string { return "" }, commonHeaders(recoverPanics(logger, late))))
	ts.Config.ErrorLog = slog.NewLogLogger(slog.DiscardHandler, slog.LevelError)
	ts.Start()
	defer ts.Close()

	resp, err := ts.Client().Get(ts.URL + "/api/search?q=x")
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err == nil {
		t.Error("the cut response read cleanly; want a broken connection")
	}
	ts.Close() // wait for the handler, and so its log lines
	for _, want := range []string{`"msg":"panic"`, `"panic":"late boom"`, `"aborted":true`, `"status":200`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, &logs)
		}
	}
}
