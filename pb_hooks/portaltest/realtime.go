package portaltest

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Realtime is a realtime (SSE) connection to a running server, as the JS
// SDK opens it: GET /api/realtime, then POST /api/realtime with the
// subscriptions and the auth token.
type Realtime struct {
	t        testing.TB
	base     string
	token    string
	clientID string
	messages chan RealtimeMessage
}

// RealtimeMessage is one server-sent event: its topic and raw JSON data.
type RealtimeMessage struct {
	Topic string
	Data  string
}

// ConnectRealtime opens a realtime connection as the token's owner ("" for
// anonymous), closed when the test ends.
func ConnectRealtime(t testing.TB, base, token string) *Realtime {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/realtime", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r := &Realtime{t: t, base: base, token: token, messages: make(chan RealtimeMessage, 100)}
	go r.read(res)
	connect := r.Next(5 * time.Second)
	var hello struct{ ClientID string }
	if connect.Topic != "PB_CONNECT" || json.Unmarshal([]byte(connect.Data), &hello) != nil || hello.ClientID == "" {
		t.Fatalf("realtime connect: %+v", connect)
	}
	r.clientID = hello.ClientID
	return r
}

func (r *Realtime) read(res *http.Response) {
	defer res.Body.Close()
	defer close(r.messages)
	scanner := bufio.NewScanner(res.Body)
	scanner.Buffer(make([]byte, 1<<16), 1<<22)
	var m RealtimeMessage
	for scanner.Scan() {
		line := scanner.Text()
		switch {
		case strings.HasPrefix(line, "event:"):
			m.Topic = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:"):
			m.Data += strings.TrimSpace(strings.TrimPrefix(line, "data:"))
		case line == "" && m.Topic != "":
			r.messages <- m
			m = RealtimeMessage{}
		}
	}
}

// Subscribe sets the connection's subscriptions (topics such as
// "events/*", optionally with "?options={...}") and returns the status.
func (r *Realtime) Subscribe(topics ...string) (int, []byte) {
	r.t.Helper()
	return Call(r.t, http.MethodPost, r.base+"/api/realtime", r.token,
		map[string]any{"clientId": r.clientID, "subscriptions": topics})
}

// Next waits at most d for the next message; it fails the test when none
// comes.
func (r *Realtime) Next(d time.Duration) RealtimeMessage {
	r.t.Helper()
	select {
	case m, ok := <-r.messages:
		if !ok {
			r.t.Fatal("realtime connection closed")
		}
		return m
	case <-time.After(d):
		r.t.Fatalf("no realtime message within %s", d)
	}
	return RealtimeMessage{}
}

// Drain returns every message that arrives within d.
func (r *Realtime) Drain(d time.Duration) []RealtimeMessage {
	out, _ := r.drain(d)
	return out
}

// drain collects the messages that arrive within d, stopping early when the
// connection closes.
func (r *Realtime) drain(d time.Duration) (out []RealtimeMessage, closed bool) {
	deadline := time.After(d)
	for {
		select {
		case m, ok := <-r.messages:
			if !ok {
				return out, true
			}
			out = append(out, m)
		case <-deadline:
			return out, false
		}
	}
}

// Closes reports whether the server closes the connection within d, after
// any messages still on their way.
func (r *Realtime) Closes(d time.Duration) bool {
	_, closed := r.drain(d)
	return closed
}
