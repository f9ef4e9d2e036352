package pb_hooks

import (
	"bufio"
	"net"
	"net/smtp"
	"strings"
	"testing"
	"time"
)

// TestSMTPSessionsSweepTheIdle checks that a kept SMTP session is closed
// politely (QUIT) once unused for smtpSessionIdle, even when no email
// follows to notice, and that a session still in use time is kept.
func TestSMTPSessionsSweepTheIdle(t *testing.T) {
	t.Parallel()
	ours, theirs := net.Pipe()
	said := make(chan string, 1)
	go func() { // the mail server's end: a greeting, then EHLO and QUIT answered
		theirs.Write([]byte("220 mail.test ESMTP\r\n"))
		r := bufio.NewReader(theirs)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if verb := strings.TrimSpace(line); strings.HasPrefix(verb, "EHLO") {
				theirs.Write([]byte("250 mail.test\r\n"))
			} else {
				theirs.Write([]byte("221 bye\r\n"))
				said <- verb
				theirs.Close()
				return
			}
		}
	}()
	client, err := smtp.NewClient(ours, "mail.test")
	if err != nil {
		t.Fatal(err)
	}
	session := &smtpSession{client: client, conn: ours, key: "k", since: time.Now()}
	s := &smtpSessions{idle: []*smtpSession{session}}
	s.sweep()
	if len(s.idle) != 1 {
		t.Fatalf("a session used just now was closed")
	}
	session.since = time.Now().Add(-2 * smtpSessionIdle)
	s.sweep()
	if len(s.idle) != 0 || s.sweeping {
		t.Errorf("an expired session is still kept (%d kept, sweep planned: %v)", len(s.idle), s.sweeping)
	}
	select {
	case line := <-said:
		if line != "QUIT" {
			t.Errorf("the server got %q, want QUIT", line)
		}
	case <-time.After(5 * time.Second):
		t.Error("the expired session was not closed")
	}
}
