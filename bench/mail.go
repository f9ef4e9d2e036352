package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/emersion/go-smtp"
)

// Mail modes of a run: the outbox sends every booking's and change
// request's emails while the calls are measured, so a write's cost includes
// what sending costs the server, and a stalled mail server must not slow the
// writes (issue 16).
const (
	MailNone  = ""      // no SMTP settings: PocketBase falls back to sendmail
	MailSink  = "sink"  // a mail server that accepts everything at once
	MailStall = "stall" // a mail server that accepts connections and never answers DATA
)

// mailServer is a real SMTP server (emersion/go-smtp, as in the tests) on
// 127.0.0.1 that accepts every message at once, or holds every message.
type mailServer struct {
	server *smtp.Server
	stall  chan struct{}
}

func startMailServer(mode string) (*mailServer, string, error) {
	if mode != MailSink && mode != MailStall {
		return nil, "", fmt.Errorf("mail mode %q: use %q or %q", mode, MailSink, MailStall)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	m := &mailServer{stall: make(chan struct{})}
	if mode == MailSink {
		close(m.stall)
	}
	m.server = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{m}, nil }))
	m.server.Domain = "localhost"
	m.server.ReadTimeout, m.server.WriteTimeout = time.Minute, time.Minute
	go m.server.Serve(ln)
	return m, ln.Addr().String(), nil
}

// close releases held messages and stops the server.
func (m *mailServer) close() {
	select {
	case <-m.stall:
	default:
		close(m.stall)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = m.server.Shutdown(ctx)
}

type mailSession struct{ m *mailServer }

func (s *mailSession) Reset()                               {}
func (s *mailSession) Logout() error                        { return nil }
func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *mailSession) Data(r io.Reader) error {
	<-s.m.stall
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	return nil
}

// useMailServer points the server's SMTP settings at addr, as an admin
// would in the dashboard.
func (r *runner) useMailServer(ctx context.Context, addr string) error {
	host, port, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(port)
	var out map[string]any
	return r.json(ctx, r.admin, http.MethodPatch, "/api/settings", map[string]any{
		"meta": map[string]any{"senderAddress": "portal@bench.test", "senderName": "Bench agency"},
		"smtp": map[string]any{"enabled": true, "host": host, "port": n},
	}, &out)
}
