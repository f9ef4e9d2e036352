package main

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/demo"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

func TestMain(m *testing.M) { portaltest.Main(m) }

// buildPortal builds this command into dir with the toolchain that built the
// test, so the faults hit the real binary.
func buildPortal(t *testing.T, dir string) string {
	t.Helper()
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = "go"
	}
	bin := filepath.Join(dir, "crewportal")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// portalProcess is the real binary serving a data folder on 127.0.0.1.
type portalProcess struct {
	cmd    *exec.Cmd
	base   string
	exited chan struct{}
	log    string
}

// startPortal runs `crewportal serve` on dir and waits until it answers.
// A 2-second mail timeout makes the lease of an email in hand at a crash 6s.
func startPortal(t *testing.T, bin, dir string) *portalProcess {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	logFile, err := os.CreateTemp(t.TempDir(), "serve-*.log")
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	p := &portalProcess{base: "http://" + addr, exited: make(chan struct{}), log: logFile.Name(),
		cmd: exec.Command(bin, "serve", "--http="+addr, "--dir="+dir, "--mailTimeout=2s")}
	p.cmd.Stdout, p.cmd.Stderr = logFile, logFile
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(p.kill)

	deadline := time.Now().Add(2 * time.Minute)
	for {
		if res, err := http.Get(p.base + "/api/health"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case <-p.exited:
			out, _ := os.ReadFile(p.log)
			t.Fatalf("the server exited on start:\n%s", out)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("the server did not answer within 2 minutes")
		}
	}
}

// kill ends the process with SIGKILL: no hook runs, nothing is flushed.
func (p *portalProcess) kill() {
	_ = p.cmd.Process.Kill()
	<-p.exited
}

// faultStream drives a steady stream of writes as the portal's users make
// them: a contact books events and asks for changes, an admin approves them.
// It records every write whose 2xx answer arrived.
type faultStream struct {
	contact, admin     string
	profession         string
	mu                 sync.Mutex
	base               string
	bookings           []string          // acknowledged event ids
	approved           map[string]string // acknowledged approval: request id → event id
	requested          map[string]string // acknowledged change request: request id → event id
	seq                int
	transportErrors    int
	unexpectedStatuses []string
}

// venueOf is the venue a change request of the event proposes.
func venueOf(event string) string { return "Moved for " + event }

// run writes until stop is closed or the server is gone, with workers
// streams side by side; each stream books, asks to change every booking and
// has the admin approve it. Bounded: at most 60 rounds per stream.
func (s *faultStream) run(workers int, stop <-chan struct{}) {
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range 60 {
				select {
				case <-stop:
					return
				default:
				}
				if !s.round() {
					return
				}
			}
		})
	}
	wg.Wait()
}

// round makes one booking, one change request and its approval; it returns
// false once the server stops answering.
func (s *faultStream) round() bool {
	s.mu.Lock()
	s.seq++
	n, base := s.seq, s.base
	s.mu.Unlock()
	day := time.Now().AddDate(0, 0, 20+n%60).Format("2006-01-02")
	status, body, ok := s.call(http.MethodPost, base+"/api/portal/bookings", s.contact, map[string]any{
		"name": fmt.Sprintf("Fault booking %d", n), "venue": "Town Hall", "start": day + "T18:00", "end": day + "T23:00",
		"profession": s.profession, "staff_count": 2, "terms_accepted": true,
		"resources": []map[string]any{{"name": "Radio", "quantity": 4}, {"name": "Van", "quantity": 1}},
	}, "booking")
	if !ok || status != http.StatusOK {
		return ok
	}
	event := fmt.Sprint(body["id"])
	s.mu.Lock()
	s.bookings = append(s.bookings, event)
	s.mu.Unlock()

	status, body, ok = s.call(http.MethodPost, base+"/api/portal/events/"+event+"/change-requests", s.contact, map[string]any{
		"kind": "change", "proposed": map[string]any{"venue": venueOf(event), "staff_count": 3}, "reason": "fault test",
	}, "change request")
	if !ok || status != http.StatusOK {
		return ok
	}
	request := fmt.Sprint(body["id"])
	s.mu.Lock()
	s.requested[request] = event
	s.mu.Unlock()

	status, _, ok = s.call(http.MethodPatch, base+"/api/collections/change_requests/records/"+request, s.admin,
		map[string]any{"status": "approved"}, "approval")
	if ok && status == http.StatusOK {
		s.mu.Lock()
		s.approved[request] = event
		s.mu.Unlock()
	}
	return ok
}

// call sends one request; ok is false when no answer came (the server died).
func (s *faultStream) call(method, url, token string, payload any, what string) (int, map[string]any, bool) {
	status, body, err := portaltest.TryCallJSON(method, url, token, payload)
	if err != nil {
		s.mu.Lock()
		s.transportErrors++
		s.mu.Unlock()
		return 0, nil, false
	}
	if status != http.StatusOK {
		s.mu.Lock()
		s.unexpectedStatuses = append(s.unexpectedStatuses, fmt.Sprintf("%s: %d %v", what, status, body))
		s.mu.Unlock()
	}
	return status, body, true
}

// acked returns how many bookings were acknowledged so far.
func (s *faultStream) acked() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.bookings)
}

// streamUntil runs the stream in the background until at least n bookings
// are acknowledged, then returns a function that stops it and waits.
func (s *faultStream) streamUntil(t *testing.T, n int) (stopAndWait func()) {
	t.Helper()
	stop, done := make(chan struct{}), make(chan struct{})
	go func() { s.run(2, stop); close(done) }()
	deadline := time.Now().Add(3 * time.Minute)
	for s.acked() < n {
		select {
		case <-done:
			t.Fatalf("the stream ended after %d acknowledged bookings, want %d (%v)", s.acked(), n, s.unexpectedStatuses)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d bookings acknowledged within 3 minutes", s.acked())
		}
	}
	var once sync.Once
	return func() { once.Do(func() { close(stop) }); <-done }
}

// TestFaultsAgainstTheRealProcess builds the binary and serves the demo
// agency with the mail settings pointed at an SMTP server in the test. A
// steady stream of bookings and approved change requests runs while the
// SMTP server is stopped and started again, and then, with the SMTP server
// down (so no email is in flight), the process is killed with SIGKILL
// mid-stream and started again on the same folder. Every acknowledged write
// must be there, nothing half-applied, and every email sent exactly once.
func TestFaultsAgainstTheRealProcess(t *testing.T) {
	t.Parallel()
	bin := buildPortal(t, t.TempDir())
	smtp := portaltest.StartSMTP(t)
	dir := portaltest.NewDemoDataDir(t)

	setup := portaltest.OpenApp(t, dir, pb_hooks.Config{Outbox: pb_hooks.OutboxConfig{Disabled: true}})
	smtp.Use(t, setup)
	settings := setup.Settings()
	settings.RateLimits.Enabled = false // one test client makes the whole stream
	if err := setup.Save(settings); err != nil {
		t.Fatal(err)
	}
	profession, err := setup.FindFirstRecordByData(collections.Professions, collections.FieldClientBookable, true)
	if err != nil {
		t.Fatal(err)
	}
	portaltest.Close(setup)

	first := startPortal(t, bin, dir)
	s := &faultStream{base: first.base, profession: profession.Id,
		approved: map[string]string{}, requested: map[string]string{},
		contact: signIn(t, first.base, "contacts", "manager@northwind.test", demo.ContactPassword),
		admin:   signIn(t, first.base, core.CollectionNameSuperusers, demo.AdminEmail, demo.AdminPassword)}

	// The mail server goes away and comes back while the stream runs.
	stop := s.streamUntil(t, 4)
	smtp.Stop()
	waitAcked(t, s, 10)
	smtp.Start()
	waitAcked(t, s, 14)
	stop()
	if len(s.unexpectedStatuses) > 0 || s.transportErrors > 0 {
		t.Fatalf("with the process up: %d transport errors, unexpected answers %v", s.transportErrors, s.unexpectedStatuses)
	}

	// The mail server is down, and the process is killed mid-stream.
	smtp.Stop()
	before := s.acked()
	stop = s.streamUntil(t, before+8)
	first.kill()
	stop()
	t.Logf("%d bookings, %d change requests, %d approvals acknowledged; %d requests cut by the kill",
		len(s.bookings), len(s.requested), len(s.approved), s.transportErrors)

	smtp.Start()
	second := startPortal(t, bin, dir)
	checkNothingLost(t, second.base, s)
	checkEveryEmailOnce(t, second.base, s, smtp)
}

func signIn(t *testing.T, base, collection, email, password string) string {
	t.Helper()
	status, body := portaltest.CallJSON(t, http.MethodPost, base+"/api/collections/"+collection+"/auth-with-password", "",
		map[string]any{"identity": email, "password": password})
	if status != http.StatusOK {
		t.Fatalf("sign in %s: %d %v", email, status, body)
	}
	return fmt.Sprint(body["token"])
}

func waitAcked(t *testing.T, s *faultStream, n int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for s.acked() < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d bookings acknowledged within 3 minutes", s.acked())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// listAll returns every record of a collection matching filter, through the
// admin's record API.
func listAll(t *testing.T, base, token, collection, filter string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for page := 1; page <= 100; page++ {
		u := fmt.Sprintf("%s/api/collections/%s/records?perPage=500&page=%d&filter=%s", base, collection, page, url.QueryEscape(filter))
		status, body := portaltest.CallJSON(t, http.MethodGet, u, token, nil)
		if status != http.StatusOK {
			t.Fatalf("list %s: %d %v", collection, status, body)
		}
		items, _ := body["items"].([]any)
		for _, it := range items {
			out = append(out, it.(map[string]any))
		}
		if len(items) < 500 {
			break
		}
	}
	return out
}

// checkNothingLost: every acknowledged booking, request and approval is
// there; every booking has its shift and both resource lines; every
// approved request's event and shifts carry the change, and no other does.
func checkNothingLost(t *testing.T, base string, s *faultStream) {
	t.Helper()
	events := map[string]map[string]any{}
	for _, e := range listAll(t, base, s.admin, collections.Events, "name ~ 'Fault booking'") {
		events[fmt.Sprint(e["id"])] = e
	}
	for _, id := range s.bookings {
		if events[id] == nil {
			t.Errorf("acknowledged booking %s is missing", id)
		}
	}
	shifts := map[string][]map[string]any{}
	for _, sh := range listAll(t, base, s.admin, collections.Shifts, "event.name ~ 'Fault booking'") {
		shifts[fmt.Sprint(sh["event"])] = append(shifts[fmt.Sprint(sh["event"])], sh)
	}
	lines := map[string]int{}
	for _, l := range listAll(t, base, s.admin, collections.ResourceLines, "event.name ~ 'Fault booking'") {
		lines[fmt.Sprint(l["event"])]++
	}
	approved := map[string]bool{} // event ids
	for _, r := range listAll(t, base, s.admin, collections.ChangeRequests, "reason = 'fault test'") {
		id, event := fmt.Sprint(r["id"]), fmt.Sprint(r["event"])
		if r["status"] == "approved" {
			approved[event] = true
		}
		delete(s.requested, id)
		if _, acked := s.approved[id]; acked && r["status"] != "approved" {
			t.Errorf("acknowledged approval of %s is missing: status %v", id, r["status"])
		}
	}
	for id := range s.requested {
		t.Errorf("acknowledged change request %s is missing", id)
	}
	for id, e := range events {
		if len(shifts[id]) == 0 || lines[id] != 2 {
			t.Errorf("booking %s is half-applied: %d shifts, %d resource lines", id, len(shifts[id]), lines[id])
		}
		wantVenue, wantStaff := "Town Hall", 2.0
		if approved[id] {
			wantVenue, wantStaff = venueOf(id), 3
		}
		if e["venue"] != wantVenue {
			t.Errorf("event %s: venue %v, want %q (approved: %v)", id, e["venue"], wantVenue, approved[id])
		}
		for _, sh := range shifts[id] {
			if sh["staff_count"] != wantStaff {
				t.Errorf("event %s: a shift has staff_count %v, want %v (approved: %v)", id, sh["staff_count"], wantStaff, approved[id])
			}
		}
	}
	t.Logf("%d bookings saved (%d acknowledged), %d approved", len(events), len(s.bookings), len(approved))
}

// checkEveryEmailOnce waits until the outbox is empty and checks that the
// SMTP server received every email of the outbox exactly once, and that
// every acknowledged booking and approval has its emails.
func checkEveryEmailOnce(t *testing.T, base string, s *faultStream, smtp *portaltest.SMTPServer) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		pending := listAll(t, base, s.admin, collections.MailOutbox, "status != 'sent'")
		if len(pending) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d emails still not sent after 3 minutes, e.g. %v", len(pending), pending[0])
		}
		time.Sleep(200 * time.Millisecond)
	}
	outbox := listAll(t, base, s.admin, collections.MailOutbox, "")
	about := map[string]int{}
	for _, m := range outbox {
		about[fmt.Sprint(m["record_ref"])]++
	}
	received := map[string]int{}
	for len(received) < len(outbox) {
		m := smtp.Next(t, time.Minute)
		received[m.OutboxID]++
	}
	// Anything more (a second copy) would arrive right behind.
	quiet := time.After(2 * time.Second)
drain:
	for {
		select {
		case m := <-smtp.Messages:
			received[m.OutboxID]++
		case <-quiet:
			break drain
		}
	}
	for _, m := range outbox {
		if n := received[fmt.Sprint(m["id"])]; n != 1 {
			t.Errorf("email %v (%v to %v) arrived %d times", m["id"], m["kind"], m["to"], n)
		}
	}
	if len(received) != len(outbox) {
		t.Errorf("%d distinct emails arrived for %d in the outbox", len(received), len(outbox))
	}
	for _, id := range s.bookings {
		if about["events/"+id] == 0 {
			t.Errorf("acknowledged booking %s has no email", id)
		}
	}
	for id := range s.approved {
		if about["change_requests/"+id] < 2 { // requested, then approved
			t.Errorf("acknowledged approval %s has %d emails, want the request's and the decision's", id, about["change_requests/"+id])
		}
	}
	t.Logf("%d emails, each sent once", len(outbox))
}
