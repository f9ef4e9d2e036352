package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Options of a load run.
type Options struct {
	BaseURL string // e.g. http://127.0.0.1:8091
	// ServerPID is the server's process, whose CPU and memory are measured;
	// 0 means the server runs in this process (the smoke test).
	ServerPID int
	Contacts  int // concurrent signed-in contacts, each of another client (default 64)
	Requests  int // requests per call per round (default 20 per contact)
	Rounds    int // rounds; each runs every call then the baseline (default 3)
	// Only, when set, runs just the calls whose names contain one of these.
	Only []string
	// Mail is the mail server the outbox sends to during the run: MailNone,
	// MailSink or MailStall.
	Mail string
	Log  io.Writer // progress, or nil
}

// CallResult is one call's figures over all rounds.
type CallResult struct {
	Name          string  `json:"name"`
	Page          string  `json:"page"`
	Requests      int     `json:"requests"`
	Errors        int     `json:"errors"`
	FirstError    string  `json:"firstError,omitempty"`
	Throughput    float64 `json:"throughputPerSec"`
	VsBaseline    float64 `json:"vsBaseline"`
	P50           float64 `json:"p50ms"`
	P95           float64 `json:"p95ms"`
	P99           float64 `json:"p99ms"`
	CPUPerRequest float64 `json:"cpuMsPerRequest"`
	BytesPerReq   float64 `json:"bytesPerRequest"`
	// EmailsPerRequest and SendCPUPerRequest are what a write's emails cost
	// the server after its requests: how many the outbox sent, and the CPU
	// from the end of the requests until the outbox was empty again.
	EmailsPerRequest  float64 `json:"emailsPerRequest,omitempty"`
	SendCPUPerRequest float64 `json:"sendCpuMsPerRequest,omitempty"`
	// LargestClientCPU is a read call's CPU per request made by the largest
	// client's contact alone, four at a time, after the rounds: the figures
	// above average over all the contacts' clients, which hides a query
	// whose cost grows with the client.
	LargestClientCPU float64 `json:"largestClientCpuMsPerRequest,omitempty"`
}

// Report is a whole run's figures: JSON, or a table with Table.
type Report struct {
	When      time.Time    `json:"when"`
	Shape     *Shape       `json:"shape,omitempty"`
	Contacts  int          `json:"contacts"`
	Mail      string       `json:"mail,omitempty"`
	Rounds    int          `json:"rounds"`
	StartupMs float64      `json:"startupMs,omitempty"`
	RSSPeakMB float64      `json:"rssPeakMB"`
	RSSEndMB  float64      `json:"rssEndMB"`
	FirstLoad *AssetReport `json:"firstLoad,omitempty"`
	Baseline  CallResult   `json:"baseline"`
	Calls     []CallResult `json:"calls"`
	// PageCPU sums, per page, the CPU of the calls it makes when it loads
	// (the shell's included), as ms per page load.
	PageCPU map[string]float64 `json:"pageCpuMs"`
}

// contact is one signed-in contact and what its calls need.
type contact struct {
	Email, Token, Client, Role, Event string
	profession                        string
	bookings                          int
	booked                            []string // events this contact booked, for its change requests
	changed                           int
}

type runner struct {
	opt    Options
	http   *http.Client
	admin  *contact
	users  []*contact
	logf   func(string, ...any)
	mu     sync.Mutex
	errors map[string]string
}

// Run signs in the contacts and the admin, then runs every call (and the
// baseline after each round's calls) with all contacts at once, measuring
// the server process between phases.
func Run(ctx context.Context, opt Options) (*Report, error) {
	if opt.Contacts <= 0 {
		opt.Contacts = 64
	}
	if opt.Requests <= 0 {
		opt.Requests = 20 * opt.Contacts
	}
	if opt.Rounds <= 0 {
		opt.Rounds = 3
	}
	r := &runner{opt: opt, errors: map[string]string{}, logf: func(string, ...any) {}, http: &http.Client{
		Timeout:   time.Minute,
		Transport: &http.Transport{MaxIdleConnsPerHost: opt.Contacts + 8, MaxConnsPerHost: opt.Contacts + 8},
	}}
	if opt.Log != nil {
		r.logf = func(f string, a ...any) { fmt.Fprintf(opt.Log, f+"\n", a...) }
	}
	if err := r.signIn(ctx); err != nil {
		return nil, err
	}
	if opt.Mail != MailNone {
		mail, addr, err := startMailServer(opt.Mail)
		if err != nil {
			return nil, err
		}
		defer mail.close()
		if err := r.useMailServer(ctx, addr); err != nil {
			return nil, fmt.Errorf("mail settings: %w", err)
		}
	}
	calls := r.selected()
	sampler := startRSSSampler(opt.ServerPID)
	results := map[string]*phaseTotals{}
	base := &phaseTotals{}
	for round := 1; round <= opt.Rounds; round++ {
		for _, call := range calls {
			n := opt.Requests
			if call.Write {
				n = max(opt.Contacts, opt.Requests/10)
			}
			t := results[call.Name]
			if t == nil {
				t = &phaseTotals{}
				results[call.Name] = t
			}
			// The emails this phase queues are those created from now on; an
			// older one waiting for a retry (the data's own) is not its cost.
			since := time.Now().UTC().Add(-time.Millisecond)
			if err := r.phase(ctx, call, n, t, r.users); err != nil {
				return nil, err
			}
			if call.Write && opt.Mail == MailSink {
				if err := r.waitForOutbox(ctx, t, since); err != nil {
					return nil, fmt.Errorf("%s: %w", call.Name, err)
				}
			}
			// The baseline after every call, so both see the same machine.
			if err := r.phase(ctx, Baseline, opt.Requests, base, r.users); err != nil {
				return nil, err
			}
			t.baseWall += base.lastWall
			t.baseReqs += base.lastReqs
			r.logf("  %s: %d requests in %s", call.Name, t.lastReqs, t.lastWall.Round(time.Millisecond))
		}
		r.logf("round %d/%d done", round, opt.Rounds)
	}
	largest := map[string]float64{}
	for _, call := range calls {
		if call.Write {
			continue
		}
		t := &phaseTotals{}
		u := r.users[0] // signIn puts the largest client first
		if err := r.phase(ctx, call, max(4, opt.Requests/4), t, []*contact{u, u, u, u}); err != nil {
			return nil, err
		}
		largest[call.Name] = ms(t.cpu) / float64(t.requests)
		results[call.Name].errors += t.errors
	}
	peak, end := sampler.stop()
	rep := &Report{When: time.Now().UTC(), Contacts: opt.Contacts, Mail: opt.Mail, Rounds: opt.Rounds, RSSPeakMB: peak, RSSEndMB: end,
		Baseline: base.result(Baseline, r.errors[Baseline.Name]), PageCPU: map[string]float64{}}
	rep.Baseline.VsBaseline = 1
	for _, call := range calls {
		res := results[call.Name].result(call, r.errors[call.Name])
		res.LargestClientCPU = largest[call.Name]
		rep.Calls = append(rep.Calls, res)
		if call.Page != "api" && !call.Write && !call.Action {
			rep.PageCPU[call.Page] += res.CPUPerRequest
		}
	}
	for page := range rep.PageCPU {
		if page != "shell" {
			rep.PageCPU[page] += rep.PageCPU["shell"]
		}
	}
	return rep, nil
}

func (r *runner) selected() []Call {
	if len(r.opt.Only) == 0 {
		return Calls
	}
	var out []Call
	for _, c := range Calls {
		if slices.ContainsFunc(r.opt.Only, func(s string) bool { return strings.Contains(c.Name, s) }) {
			out = append(out, c)
		}
	}
	return out
}

// signIn signs in the admin and one Manager of Contacts clients spread over
// the size ranks (the largest client first), and finds each one's next event.
func (r *runner) signIn(ctx context.Context) error {
	admin, err := r.authenticate(ctx, "_superusers", AdminEmail, AdminPassword)
	if err != nil {
		return fmt.Errorf("admin sign-in: %w", err)
	}
	r.admin = admin
	var clients struct {
		TotalItems int `json:"totalItems"`
	}
	if err := r.json(ctx, admin, http.MethodGet, "/api/collections/clients/records?perPage=1&filter="+
		url.QueryEscape(`name ~ 'Client %'`), nil, &clients); err != nil {
		return err
	}
	if clients.TotalItems == 0 {
		return fmt.Errorf("no generated clients: run `crewportal bench-data` first")
	}
	var professions struct {
		Items []struct{ ID string } `json:"items"`
	}
	if err := r.json(ctx, admin, http.MethodGet, "/api/collections/professions/records?filter="+
		url.QueryEscape("client_bookable = true && active = true"), nil, &professions); err != nil || len(professions.Items) == 0 {
		return fmt.Errorf("no bookable profession: %v", err)
	}
	n := min(r.opt.Contacts, clients.TotalItems)
	r.opt.Contacts = n
	r.users = make([]*contact, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u, err := r.authenticate(ctx, "contacts", ContactEmail(i*clients.TotalItems/n, 0), ContactPassword)
			if err != nil {
				errs <- err
				return
			}
			u.profession = professions.Items[0].ID
			var list struct {
				Items []struct{ ID string } `json:"items"`
			}
			for _, scope := range []string{"upcoming", "past"} {
				if err := r.json(ctx, u, http.MethodGet, "/api/portal/events?perPage=1&scope="+scope, nil, &list); err != nil {
					errs <- err
					return
				}
				if len(list.Items) > 0 {
					u.Event = list.Items[0].ID
					break
				}
			}
			r.users[i] = u
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return fmt.Errorf("contact sign-in: %w", err)
	}
	r.logf("signed in %d contacts and the admin", n)
	return nil
}

func (r *runner) authenticate(ctx context.Context, collection, email, password string) (*contact, error) {
	var auth struct {
		Token  string `json:"token"`
		Record struct {
			Client string `json:"client"`
			Role   string `json:"role"`
		} `json:"record"`
	}
	err := r.json(ctx, nil, http.MethodPost, "/api/collections/"+collection+"/auth-with-password",
		map[string]string{"identity": email, "password": password}, &auth)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", email, err)
	}
	return &contact{Email: email, Token: auth.Token, Client: auth.Record.Client, Role: auth.Record.Role}, nil
}

// json makes one request and decodes a 2xx answer into out.
func (r *runner) json(ctx context.Context, as *contact, method, path string, body, out any) error {
	status, data, err := r.do(ctx, as, method, path, body)
	if err != nil {
		return err
	}
	if status/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, status, truncate(data))
	}
	return json.Unmarshal(data, out)
}

func (r *runner) do(ctx context.Context, as *contact, method, path string, body any) (int, []byte, error) {
	var reader io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		reader = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.opt.BaseURL+path, reader)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if as != nil {
		req.Header.Set("Authorization", as.Token)
	}
	res, err := r.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	return res.StatusCode, data, err
}

// phaseTotals adds up one call's phases.
type phaseTotals struct {
	latencies        []time.Duration
	requests, errors int
	bytes            int64
	wall, cpu        time.Duration
	baseWall         time.Duration
	baseReqs         int
	lastWall         time.Duration
	lastReqs         int
	emails           int64
	sendCPU          time.Duration
}

// phase runs n requests of the call, spread over the users at once (one
// worker each; a contact may be given more than once).
func (r *runner) phase(ctx context.Context, call Call, n int, t *phaseTotals, users []*contact) error {
	cpu0, err := processCPU(r.opt.ServerPID)
	if err != nil {
		return err
	}
	started := time.Now()
	workers := len(users)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range workers {
		count := n / workers
		if w < n%workers {
			count++
		}
		as := users[w]
		if call.Superuser {
			as = r.admin
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, count)
			var errs int
			var size int64
			for range count {
				method, path, body := call.Request(as)
				t0 := time.Now()
				status, data, err := r.do(ctx, as, method, path, body)
				lat = append(lat, time.Since(t0))
				size += int64(len(data))
				if err != nil || status/100 != 2 {
					errs++
					r.noteError(call.Name, fmt.Sprintf("%s %s: %d %v %s", method, path, status, err, truncate(data)))
				} else if call.Answer != nil {
					call.Answer(as, data)
				}
			}
			mu.Lock()
			t.latencies = append(t.latencies, lat...)
			t.errors += errs
			t.bytes += size
			mu.Unlock()
		}()
	}
	wg.Wait()
	wall := time.Since(started)
	cpu1, err := processCPU(r.opt.ServerPID)
	if err != nil {
		return err
	}
	t.requests += n
	t.wall += wall
	t.cpu += cpu1 - cpu0
	t.lastWall, t.lastReqs = wall, n
	return ctx.Err()
}

// waitForOutbox waits, after a write phase, until the outbox has sent
// every email queued since the phase began (to the bench's mail server,
// which accepts at once), and adds the server's CPU meanwhile and those
// emails to the call's sending cost. Without it, sending would be charged
// to the calls measured next.
func (r *runner) waitForOutbox(ctx context.Context, t *phaseTotals, since time.Time) error {
	cpu0, err := processCPU(r.opt.ServerPID)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		// In hand, or due, each by the outbox's (status, next_attempt_at)
		// index (countOutbox sorts by next_attempt_at, so that even with
		// statistics from when the outbox was empty SQLite takes the index):
		// a filter on created, or one OR of both, reads the emails' rows, at
		// a cost to the server that is the bench's, not the sending's. The
		// phase's emails are due at once; an older one waiting for its retry
		// is not. The queued are counted first: one claimed in between is
		// in the second count (counted the other way round, it would be in
		// neither).
		waiting, err := r.countOutbox(ctx, `status = "queued" && next_attempt_at <= @now`, time.Time{})
		if err == nil {
			var sending int
			sending, err = r.countOutbox(ctx, `status = "sending"`, time.Time{})
			waiting += sending
		}
		if err != nil {
			return err
		}
		if waiting == 0 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d emails still unsent after 2 minutes", waiting)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	cpu1, err := processCPU(r.opt.ServerPID)
	if err != nil {
		return err
	}
	t.sendCPU += cpu1 - cpu0
	// Counted once, after the CPU: the sent ones are many, the waiting few.
	sent, err := r.countOutbox(ctx, `status = "sent"`, since)
	t.emails += int64(sent)
	return err
}

// countOutbox counts the outbox's emails that match filter, and were queued
// since then unless since is zero, as the admin sees them.
func (r *runner) countOutbox(ctx context.Context, filter string, since time.Time) (int, error) {
	if !since.IsZero() {
		filter = fmt.Sprintf(`(%s) && created >= "%s"`, filter, since.Format("2006-01-02 15:04:05.000Z"))
	}
	var list struct {
		TotalItems int `json:"totalItems"`
	}
	err := r.json(ctx, r.admin, http.MethodGet, "/api/collections/mail_outbox/records?perPage=1&fields=id&sort=next_attempt_at&filter="+
		url.QueryEscape(filter), nil, &list)
	return list.TotalItems, err
}

func (r *runner) noteError(call, msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.errors[call]; !ok {
		r.errors[call] = msg
	}
}

func (t *phaseTotals) result(call Call, firstError string) CallResult {
	sort.Slice(t.latencies, func(i, j int) bool { return t.latencies[i] < t.latencies[j] })
	pct := func(p float64) float64 {
		if len(t.latencies) == 0 {
			return 0
		}
		return ms(t.latencies[min(len(t.latencies)-1, int(p*float64(len(t.latencies))))])
	}
	res := CallResult{Name: call.Name, Page: call.Page, Requests: t.requests, Errors: t.errors, FirstError: firstError,
		P50: pct(0.50), P95: pct(0.95), P99: pct(0.99)}
	if t.requests > 0 {
		res.Throughput = float64(t.requests) / t.wall.Seconds()
		res.CPUPerRequest = ms(t.cpu) / float64(t.requests)
		res.BytesPerReq = float64(t.bytes) / float64(t.requests)
	}
	if t.requests > 0 && t.emails > 0 {
		res.EmailsPerRequest = float64(t.emails) / float64(t.requests)
		res.SendCPUPerRequest = ms(t.sendCPU) / float64(t.requests)
	}
	if t.baseReqs > 0 {
		res.VsBaseline = res.Throughput / (float64(t.baseReqs) / t.baseWall.Seconds())
	}
	return res
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// processCPU is the user+system CPU time of the server process so far:
// getrusage for this process, /proc/PID/stat for another (Linux).
func processCPU(pid int) (time.Duration, error) {
	if pid == 0 {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			return 0, err
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command's closing parenthesis; utime and stime are
	// the 14th and 15th fields, in clock ticks (100 per second on Linux).
	fields := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
	if len(fields) < 13 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// rssSampler reads the server's resident memory every 50 ms.
type rssSampler struct {
	stopCh chan struct{}
	done   chan struct{}
	peak   float64
	last   float64
}

func startRSSSampler(pid int) *rssSampler {
	if pid == 0 {
		pid = os.Getpid()
	}
	s := &rssSampler{stopCh: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			if mb, err := ProcessRSSMB(pid); err == nil {
				s.last, s.peak = mb, max(s.peak, mb)
			}
			select {
			case <-s.stopCh:
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

func (s *rssSampler) stop() (peak, last float64) {
	close(s.stopCh)
	<-s.done
	return s.peak, s.last
}

// ProcessRSSMB is the process's resident set size in MB (/proc/PID/status).
func ProcessRSSMB(pid int) (float64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS for %d", pid)
}

func truncate(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}
