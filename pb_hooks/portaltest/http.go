package portaltest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"
)

// Call sends one request to a running server the way the JS SDK does: a
// JSON body (when body is not nil) and the auth token in the Authorization
// header (when token is not ""). It returns the status and the raw body.
func Call(t testing.TB, method, url, token string, body any) (int, []byte) {
	t.Helper()
	status, out, err := TryCall(method, url, token, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return status, out
}

// CallJSON is Call decoding a JSON object answer (an empty map otherwise).
func CallJSON(t testing.TB, method, url, token string, body any) (int, map[string]any) {
	t.Helper()
	status, raw := Call(t, method, url, token, body)
	return status, decodeObject(raw)
}

// tryClient bounds every request, so a test against a server that hangs or
// dies still ends.
var tryClient = &http.Client{Timeout: time.Minute}

// TryCall is Call for a server that may be gone: it returns the transport
// error (no answer within a minute included) instead of failing the test.
func TryCall(method, url, token string, body any) (int, []byte, error) {
	var reader io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, reader)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := tryClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	return res.StatusCode, out, err
}

// TryCallJSON is TryCall decoding a JSON object answer.
func TryCallJSON(method, url, token string, body any) (int, map[string]any, error) {
	status, raw, err := TryCall(method, url, token, body)
	return status, decodeObject(raw), err
}

func decodeObject(raw []byte) map[string]any {
	out := map[string]any{}
	_ = json.Unmarshal(raw, &out)
	return out
}
