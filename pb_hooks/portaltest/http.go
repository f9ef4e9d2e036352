package portaltest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// Call sends one request to a running server the way the JS SDK does: a
// JSON body (when body is not nil) and the auth token in the Authorization
// header (when token is not ""). It returns the status and the raw body.
func Call(t testing.TB, method, url, token string, body any) (int, []byte) {
	t.Helper()
	var reader io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, reader)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, out
}

// CallJSON is Call decoding a JSON object answer (an empty map otherwise).
func CallJSON(t testing.TB, method, url, token string, body any) (int, map[string]any) {
	t.Helper()
	status, raw := Call(t, method, url, token, body)
	out := map[string]any{}
	_ = json.Unmarshal(raw, &out)
	return status, out
}
