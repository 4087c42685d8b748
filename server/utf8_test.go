package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// Invalid UTF-8 in a parameter is the client's bug: 400 invalid_param
// naming the parameter, not a search for U+FFFD.
func TestInvalidUTF8Parameter(t *testing.T) {
	ts := newAPI(t)
	for _, raw := range []string{"q=%FF%FE", "q=%C0%AF", "q=%ED%A0%80", "q=sleep&topic=%FF", "q=mela%FF"} {
		for _, path := range []string{"/api/search?", "/api/suggest?"} {
			status, body := get(t, ts, path+raw)
			var e struct {
				Error struct{ Code, Message string }
			}
			json.Unmarshal(body, &e)
			name := strings.SplitN(raw[strings.LastIndex(raw, "&")+1:], "=", 2)[0]
			if path == "/api/suggest?" && name != "q" {
				continue
			}
			if status != http.StatusBadRequest || e.Error.Code != "invalid_param" || !strings.HasPrefix(e.Error.Message, name+" is not valid UTF-8") {
				t.Errorf("%s%s: %d %s", path, raw, status, body)
			}
		}
	}
}
