package pb_hooks

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/domodwyer/mailyak/v3"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/mailer"
	"github.com/pocketbase/pocketbase/tools/security"
)

// The outbox keeps its connections to the mail server open between emails.
// PocketBase's mail client dials the server for every email (connect,
// greeting, EHLO, STARTTLS, AUTH, QUIT): about a third of an email's CPU,
// and a burden on mail services that limit connections per minute. The
// email still goes through PocketBase's client and its OnMailerSend hooks;
// only the last step, which would dial, is replaced (sendKeepingSession is
// bound last on the client's own send hook). The message is built by the
// same library, mailyak, the same way. Emails with attachments, without a
// text part, or for a server that wants AUTH LOGIN take PocketBase's own
// path.

// smtpSessionIdle is how long an unused session is kept: well under the
// five minutes RFC 5321 asks servers to wait for a command.
const smtpSessionIdle = 30 * time.Second

// smtpSessionsKept bounds the idle sessions (the outbox sends a few at once).
const smtpSessionsKept = 8

// smtpSessions are the idle sessions of one app's outbox.
type smtpSessions struct {
	mu       sync.Mutex
	idle     []*smtpSession
	sweeping bool // a sweep is planned
}

// smtpSession is one open, authenticated connection, between emails.
type smtpSession struct {
	client *smtp.Client
	conn   net.Conn
	key    string // the settings it was opened with
	since  time.Time
}

// quit closes the session politely, waiting for the server a few seconds
// at most.
func (session *smtpSession) quit() {
	session.conn.SetDeadline(time.Now().Add(5 * time.Second))
	session.client.Quit()
	session.client.Close()
}

func smtpSessionsOf(app core.App) *smtpSessions {
	return app.Store().GetOrSet(HookIDPrefix+"smtpSessions", func() any { return &smtpSessions{} }).(*smtpSessions)
}

// newOutboxMailClient is PocketBase's mail client for the app's settings,
// sending through a kept session where it can.
func newOutboxMailClient(app core.App) mailer.Mailer {
	client := app.NewMailClient()
	if c, ok := client.(*mailer.SMTPClient); ok && c.AuthMethod != mailer.SMTPAuthLogin {
		c.OnSend().BindFunc(func(e *mailer.SendEvent) error {
			if len(e.Message.Attachments) > 0 || len(e.Message.InlineAttachments) > 0 || e.Message.Text == "" {
				return e.Next()
			}
			return smtpSessionsOf(app).send(c, e.Message)
		})
	}
	return client
}

// send sends m through an idle session opened with c's settings, or a new
// one; a kept session the server has meanwhile closed is replaced once (it
// fails at MAIL, before anything is handed over).
func (s *smtpSessions) send(c *mailer.SMTPClient, m *mailer.Message) error {
	body, err := mimeOf(m)
	if err != nil {
		return err
	}
	key := strings.Join([]string{c.Host, strconv.Itoa(c.Port), c.Username, c.Password, strconv.FormatBool(c.TLS), c.AuthMethod, c.LocalName}, "\x00")
	session, kept := s.take(key), true
	for {
		if session == nil {
			kept = false
			if session, err = dialSMTP(c, key); err != nil {
				return err
			}
		}
		err = session.deliver(m, body)
		if err == nil {
			s.put(session)
			return nil
		}
		session.client.Close()
		var stale *staleSessionError
		if !kept || !errors.As(err, &stale) {
			return err
		}
		session = nil
	}
}

// take returns an idle session opened with the settings of key, closing
// the expired ones and those of other settings.
func (s *smtpSessions) take(key string) *smtpSession {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prune(func(session *smtpSession) bool { return session.key == key })
	if len(s.idle) == 0 {
		return nil
	}
	session := s.idle[len(s.idle)-1]
	s.idle[len(s.idle)-1] = nil
	s.idle = s.idle[:len(s.idle)-1]
	return session
}

// put keeps a session that has just delivered an email for the next one.
// While any is kept, a sweep closes those unused for smtpSessionIdle.
func (s *smtpSessions) put(session *smtpSession) {
	session.since = time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.idle) >= smtpSessionsKept {
		go session.quit()
		return
	}
	s.idle = append(s.idle, session)
	if !s.sweeping {
		s.sweeping = true
		time.AfterFunc(smtpSessionIdle, s.sweep)
	}
}

func (s *smtpSessions) sweep() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prune(func(*smtpSession) bool { return true })
	s.sweeping = len(s.idle) > 0
	if s.sweeping {
		time.AfterFunc(smtpSessionIdle, s.sweep)
	}
}

// prune closes the idle sessions that have expired or that keep refuses;
// s.mu is held.
func (s *smtpSessions) prune(keep func(*smtpSession) bool) {
	kept := s.idle[:0]
	for _, session := range s.idle {
		if time.Since(session.since) > smtpSessionIdle || !keep(session) {
			go session.quit()
			continue
		}
		kept = append(kept, session)
	}
	clear(s.idle[len(kept):])
	s.idle = kept
}

// dialSMTP opens a session as PocketBase's client (mailyak) does: implicit
// TLS or STARTTLS when the server offers it, the local name, then AUTH.
func dialSMTP(c *mailer.SMTPClient, key string) (*smtpSession, error) {
	addr := net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
	var conn net.Conn
	var err error
	if c.TLS {
		conn, err = tls.Dial("tcp", addr, &tls.Config{ServerName: c.Host})
	} else {
		conn, err = net.Dial("tcp", addr)
	}
	if err != nil {
		return nil, err
	}
	client, err := smtp.NewClient(conn, c.Host)
	if err != nil {
		conn.Close()
		return nil, err
	}
	if err := openSMTP(client, c); err != nil {
		client.Close()
		return nil, err
	}
	return &smtpSession{client: client, conn: conn, key: key}, nil
}

func openSMTP(client *smtp.Client, c *mailer.SMTPClient) error {
	if c.LocalName != "" {
		if err := client.Hello(c.LocalName); err != nil {
			return err
		}
	}
	if !c.TLS {
		if ok, _ := client.Extension("STARTTLS"); ok {
			if err := client.StartTLS(&tls.Config{ServerName: c.Host}); err != nil {
				return err
			}
		}
	}
	if c.Username != "" || c.Password != "" {
		return client.Auth(smtp.PlainAuth("", c.Username, c.Password, c.Host))
	}
	return nil
}

// staleSessionError is a kept session that failed before anything was
// handed over: the server closed it while it was idle.
type staleSessionError struct{ err error }

func (e *staleSessionError) Error() string { return e.err.Error() }
func (e *staleSessionError) Unwrap() error { return e.err }

// deliver hands one email over: MAIL, RCPT for every recipient, DATA.
func (session *smtpSession) deliver(m *mailer.Message, body []byte) error {
	if err := session.client.Mail(m.From.Address); err != nil {
		// No reply at all, or 421 (the server is closing the connection).
		var reply *textproto.Error
		if !errors.As(err, &reply) || reply.Code == 421 {
			return &staleSessionError{err}
		}
		return err
	}
	for _, to := range recipientsOfMessage(m) {
		if err := session.client.Rcpt(to); err != nil {
			return err
		}
	}
	w, err := session.client.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(body); err != nil {
		return err
	}
	return w.Close()
}

func recipientsOfMessage(m *mailer.Message) []string {
	var out []string
	for _, list := range [][]mail.Address{m.To, m.Cc, m.Bcc} {
		for _, a := range list {
			out = append(out, a.Address)
		}
	}
	return out
}

// mimeOf builds the message as PocketBase's SMTP client does (mailyak, the
// same headers, a Message-ID unless one is set).
func mimeOf(m *mailer.Message) ([]byte, error) {
	yak := mailyak.New("", nil)
	if m.From.Name != "" {
		yak.FromName(m.From.Name)
	}
	yak.From(m.From.Address)
	yak.Subject(m.Subject)
	yak.HTML().Set(m.HTML)
	yak.Plain().Set(m.Text)
	named := func(list []mail.Address) []string {
		out := make([]string, len(list))
		for i, a := range list {
			out[i] = a.Address // without a name, no angle brackets (as PocketBase)
			if a.Name != "" {
				out[i] = a.String()
			}
		}
		return out
	}
	if len(m.To) > 0 {
		yak.To(named(m.To)...)
	}
	if len(m.Cc) > 0 {
		yak.Cc(named(m.Cc)...)
	}
	if len(m.Bcc) > 0 {
		yak.Bcc(named(m.Bcc)...)
	}
	hasID := false
	for k, v := range m.Headers {
		hasID = hasID || strings.EqualFold(k, "Message-ID")
		yak.AddHeader(k, v)
	}
	if parts := strings.Split(m.From.Address, "@"); !hasID && len(parts) == 2 {
		yak.AddHeader("Message-ID", fmt.Sprintf("<%s@%s>", security.PseudorandomString(15), parts[1]))
	}
	buf, err := yak.MimeBuf()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
