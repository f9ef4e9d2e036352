package pb_hooks

import (
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/crewportal/crewportal/collections"
)

// ContactRateLimitLabel labels the rate limit rule (dashboard → Settings →
// Rate limits) that limits each signed-in contact's requests. PocketBase
// keys every rule by IP address, so a rule for signed-in users would make
// the many contacts of one office, behind one address, throttle each other
// (issue 12, item 6). PocketBase never matches a plain-word label, so this
// rule is applied by the plugin alone, per contact; PocketBase's own rules
// are for anonymous traffic (audience @guest) and sign-in attempts.
const ContactRateLimitLabel = "portal_contact"

// contactRateLimitPriority runs the contact limit after PocketBase has read
// the auth token and before its own (per-address) rate limiter.
const contactRateLimitPriority = apis.DefaultRateLimitMiddlewarePriority - 10

func (p *plugin) bindRateLimit() {
	p.bindRouterMiddleware("rateLimit.middleware", &hook.Handler[*core.RequestEvent]{
		Id:       HookIDPrefix + "rateLimit.contacts",
		Priority: contactRateLimitPriority,
		Func:     limitContactRequests,
	})
}

// bindRouterMiddleware binds a middleware to every route when the server
// starts, from an OnServe handler with the given id.
func (p *plugin) bindRouterMiddleware(serveID string, middleware *hook.Handler[*core.RequestEvent]) {
	p.app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: HookIDPrefix + serveID,
		Func: func(se *core.ServeEvent) error {
			se.Router.Bind(middleware)
			return se.Next()
		},
	})
}

// limitContactRequests counts a signed-in contact's requests against the
// portal_contact rule, per contact, in fixed windows like PocketBase's.
func limitContactRequests(e *core.RequestEvent) error {
	limits := e.App.Settings().RateLimits
	if !limits.Enabled || e.Auth == nil || e.Auth.Collection().Name != collections.Contacts {
		return e.Next()
	}
	rule, ok := limits.FindRateLimitRule([]string{ContactRateLimitLabel})
	if !ok {
		return e.Next()
	}
	counters := e.App.Store().GetOrSet(HookIDPrefix+"rateLimit.contacts", func() any {
		return &windowCounters{counts: map[string]*windowCount{}}
	}).(*windowCounters)
	if !counters.allow(e.Auth.Id, rule, time.Now()) {
		return e.TooManyRequestsError("Too many requests from your account; please wait a moment.", nil)
	}
	return e.Next()
}

// windowCounters counts requests per key in fixed windows.
type windowCounters struct {
	mu     sync.Mutex
	counts map[string]*windowCount
}

type windowCount struct {
	rule  core.RateLimitRule
	start time.Time
	n     int
}

// allow counts one request of key and reports whether it is within the
// rule. A changed rule starts a fresh window.
func (w *windowCounters) allow(key string, rule core.RateLimitRule, now time.Time) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	window := rule.DurationTime()
	c := w.counts[key]
	if c == nil || c.rule != rule || now.Sub(c.start) >= window {
		if len(w.counts) > 10000 {
			w.sweep(now)
		}
		c = &windowCount{rule: rule, start: now}
		w.counts[key] = c
	}
	c.n++
	return c.n <= rule.MaxRequests
}

// sweep forgets keys whose window has passed, so the map stays as small
// as the number of recently active contacts.
func (w *windowCounters) sweep(now time.Time) {
	for k, c := range w.counts {
		if now.Sub(c.start) >= c.rule.DurationTime() {
			delete(w.counts, k)
		}
	}
}
