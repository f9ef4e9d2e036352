package pb_hooks

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// keptAnswers are answers kept in memory by key (an export's file, a page's
// JSON), each good until a time, within a budget of bytes. Each set of them
// lives in a storeCache forgotten when what they derive from changes
// (forgetOnChange); the set is taken before an answer is built, so one built
// while a record changes lands in the set that change forgets.
type keptAnswers struct {
	byKey    sync.Map
	bytes    atomic.Int64
	maxBytes int64
}

// keptAnswer is one answer's body, good until until (zero: until a change).
type keptAnswer struct {
	body  []byte
	until time.Time
}

// keptAnswersIn returns the current set of the cache, with a budget of
// maxBytes once a change has forgotten the last one.
func keptAnswersIn(app core.App, cache *storeCache[*keptAnswers], maxBytes int64) *keptAnswers {
	return cache.get(app, func(core.App) (*keptAnswers, error) { return &keptAnswers{maxBytes: maxBytes}, nil })
}

// find returns the answer kept under key, if it is still good at now.
func (k *keptAnswers) find(key string, now time.Time) ([]byte, bool) {
	v, ok := k.byKey.Load(key)
	if !ok {
		return nil, false
	}
	kept := v.(keptAnswer)
	if !kept.until.IsZero() && !now.Before(kept.until) {
		return nil, false
	}
	return kept.body, true
}

// keep stores an answer under key when it fits the bytes left; once full,
// answers are built on each request until a change empties the set.
func (k *keptAnswers) keep(key string, answer keptAnswer) {
	size := int64(len(answer.body))
	if k.bytes.Add(size) > k.maxBytes {
		k.bytes.Add(-size)
		return
	}
	if old, replaced := k.byKey.Swap(key, answer); replaced {
		k.bytes.Add(-int64(len(old.(keptAnswer).body)))
	}
}
