package pb_hooks_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// rateLimitServer is the account fixture with the installed rate limits on.
func rateLimitServer(t *testing.T, change func(rules []core.RateLimitRule)) *accountServer {
	t.Helper()
	s := newAccountServer(t)
	settings := s.app.Settings()
	settings.RateLimits.Enabled = true
	if change != nil {
		change(settings.RateLimits.Rules)
	}
	if err := s.app.Save(settings); err != nil {
		t.Fatal(err)
	}
	return s
}

// setRule changes the limit of the installed rule with the label.
func setRule(t *testing.T, rules []core.RateLimitRule, label string, max int, seconds int64) {
	t.Helper()
	for i := range rules {
		if rules[i].Label == label {
			rules[i].MaxRequests, rules[i].Duration = max, seconds
			return
		}
	}
	t.Fatalf("no installed rate limit rule %q", label)
}

// count429 sends n requests with the token, from `workers` goroutines,
// and counts the 429 answers.
func count429(t *testing.T, url string, tokens []string, perToken int) int {
	t.Helper()
	var mu sync.Mutex
	var wg sync.WaitGroup
	limited := 0
	for _, token := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perToken {
				req, _ := http.NewRequest(http.MethodGet, url, nil)
				if token != "" {
					req.Header.Set("Authorization", token)
				}
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				res.Body.Close()
				if res.StatusCode == http.StatusTooManyRequests {
					mu.Lock()
					limited++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return limited
}

// TestActivationCheckIsRateLimited: the link check's own rule applies,
// not the broader /api/ one (40 requests used to get no 429).
func TestActivationCheckIsRateLimited(t *testing.T) {
	t.Parallel()
	s := rateLimitServer(t, nil)
	// 20 per minute: of 45, at least 5 are refused even across a window edge.
	if n := count429(t, s.base+"/api/portal/activation?token=bad", []string{""}, 45); n < 5 {
		t.Errorf("45 link checks from one address: %d refused, want at least 5", n)
	}
}

// TestContactsOfOneOfficeDoNotThrottleEachOther: 20 contacts behind one
// address make 400 requests at once, more than the per-address limit for
// anonymous traffic, and none is refused; a contact beyond their own limit
// is, without affecting a colleague; anonymous traffic is limited per
// address.
func TestContactsOfOneOfficeDoNotThrottleEachOther(t *testing.T) {
	t.Parallel()
	s := rateLimitServer(t, func(rules []core.RateLimitRule) {
		setRule(t, rules, "/api/", 100, 60)
		setRule(t, rules, pb_hooks.ContactRateLimitLabel, 40, 60)
	})
	var office []string
	for i := range 20 {
		c := portaltest.NewContact(t, s.app, s.a.client, s.a.other, fmt.Sprintf("staff%d@acme.test", i))
		office = append(office, portaltest.AuthHeaders(t, c.Record)["Authorization"])
	}
	events := s.base + "/api/collections/events/records"
	if n := count429(t, events, office, 20); n != 0 {
		t.Errorf("20 contacts × 20 requests from one office: %d refused, want none", n)
	}
	// One contact past their own 40 per minute (at most 80 pass across a
	// window edge) is refused; a colleague is not.
	if n := count429(t, events, office[:1], 90); n < 10 {
		t.Errorf("one contact's 90 more requests: %d refused, want at least 10", n)
	}
	if n := count429(t, events, office[1:2], 1); n != 0 {
		t.Error("a colleague was refused because of another contact's requests")
	}
	// Anonymous: 100 per minute per address.
	if n := count429(t, s.base+"/api/portal/status", []string{""}, 210); n < 10 {
		t.Errorf("210 anonymous requests from one address: %d refused, want at least 10", n)
	}
}
