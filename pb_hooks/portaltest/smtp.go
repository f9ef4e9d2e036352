package portaltest

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/pocketbase/pocketbase/core"
)

// SMTPServer is a real SMTP server (emersion/go-smtp) running inside the test
// process on 127.0.0.1, recording what it receives. It can be stopped and
// started again on the same address, and made to stall.
type SMTPServer struct {
	Addr     string
	Messages chan Mail

	t       testing.TB
	mu      sync.Mutex
	server  *smtp.Server
	ln      net.Listener
	stalled chan struct{}
	// closing refuses new messages (421) while Stop waits for busy, the
	// messages being handed over, before it closes every connection.
	closing bool
	busy    int
	conns   int
}

// Connections is how many connections the server has accepted.
func (s *SMTPServer) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// Mail is one message the test SMTP server accepted.
type Mail struct {
	From    string
	To      []string
	Subject string
	Text    string
	HTML    string
	// OutboxID is the mail_outbox record the message was sent from.
	OutboxID string
}

// StartSMTP starts the server on a free port of 127.0.0.1.
func StartSMTP(t testing.TB) *SMTPServer {
	t.Helper()
	s := &SMTPServer{t: t, Messages: make(chan Mail, 100000)}
	s.listen("127.0.0.1:0")
	t.Cleanup(func() { s.Release(); s.Stop() })
	return s
}

func (s *SMTPServer) listen(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		s.t.Fatal(err)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		s.mu.Lock()
		s.conns++
		s.mu.Unlock()
		return &smtpSession{server: s}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	s.mu.Lock()
	s.server, s.ln, s.Addr = srv, ln, ln.Addr().String()
	s.mu.Unlock()
	go srv.Serve(ln)
}

// Stop shuts the server down as a mail server does for maintenance: a
// message already being handed over is finished and answered first (for a
// few seconds at most), a new one gets 421, then every connection is
// closed, idle ones too, and new connections are refused until Start. (Cut
// mid-answer, a message the server has taken would be sent again: delivery
// is at least once, and the tests that count each email exactly once must
// not see that window.)
func (s *SMTPServer) Stop() {
	s.mu.Lock()
	if s.server == nil {
		s.mu.Unlock()
		return
	}
	s.closing = true
	s.mu.Unlock()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		s.mu.Lock()
		busy := s.busy
		s.mu.Unlock()
		if busy == 0 {
			break
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.server.Close()
	// The listener is closed here too: Close only closes the ones Serve has
	// registered, and Start must find the port free.
	s.ln.Close()
	s.server, s.ln, s.closing = nil, nil, false
}

// Start listens again on the address the server had.
func (s *SMTPServer) Start() { s.listen(s.Addr) }

// Stall makes the server hold every message at DATA until Release, like a
// mail server that accepts connections but never answers.
func (s *SMTPServer) Stall() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stalled == nil {
		s.stalled = make(chan struct{})
	}
}

// Release lets stalled messages through.
func (s *SMTPServer) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stalled != nil {
		close(s.stalled)
		s.stalled = nil
	}
}

// Use points the app's SMTP settings at this server.
func (s *SMTPServer) Use(t testing.TB, app core.App) {
	t.Helper()
	host, port, _ := net.SplitHostPort(s.Addr)
	settings := app.Settings()
	settings.SMTP.Enabled = true
	settings.SMTP.Host = host
	settings.SMTP.Port, _ = strconv.Atoi(port)
	settings.Meta.SenderAddress = "portal@agency.test"
	settings.Meta.SenderName = "Agency portal"
	if err := app.Save(settings); err != nil {
		t.Fatal(err)
	}
}

// Next waits up to d for the next message.
func (s *SMTPServer) Next(t testing.TB, d time.Duration) Mail {
	t.Helper()
	select {
	case m := <-s.Messages:
		return m
	case <-time.After(d):
		t.Fatalf("no email arrived at the SMTP server within %s", d)
		return Mail{}
	}
}

type smtpSession struct {
	server *SMTPServer
	mail   Mail
	busy   bool // between MAIL and the end of the message (Reset)
}

// Reset ends a message (go-smtp calls it after answering DATA, or on RSET).
func (x *smtpSession) Reset() {
	x.mail = Mail{}
	if x.busy {
		x.busy = false
		x.server.mu.Lock()
		x.server.busy--
		x.server.mu.Unlock()
	}
}

func (x *smtpSession) Logout() error {
	x.Reset()
	return nil
}

func (x *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	x.server.mu.Lock()
	closing := x.server.closing
	if !closing && !x.busy {
		x.busy = true
		x.server.busy++
	}
	x.server.mu.Unlock()
	if closing {
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "Service closing"}
	}
	x.mail.From = from
	return nil
}
func (x *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.mail.To = append(x.mail.To, to)
	return nil
}
func (x *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.server.mu.Lock()
	stalled := x.server.stalled
	x.server.mu.Unlock()
	if stalled != nil {
		<-stalled
	}
	parseMail(raw, &x.mail)
	x.server.Messages <- x.mail
	return nil
}

// parseMail decodes the subject and the text and HTML parts of a message.
func parseMail(raw []byte, m *Mail) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return
	}
	m.Subject, _ = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	m.OutboxID = msg.Header.Get("X-Crewportal-Outbox-Id")
	walkParts(msg.Header.Get("Content-Type"), msg.Body, m)
}

func walkParts(contentType string, body io.Reader, m *Mail) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart() // decodes quoted-printable parts
			if err != nil {
				return
			}
			walkParts(p.Header.Get("Content-Type"), p, m)
		}
	}
	b, _ := io.ReadAll(body)
	switch mediaType {
	case "text/plain":
		m.Text = string(b)
	case "text/html":
		m.HTML = string(b)
	}
}
