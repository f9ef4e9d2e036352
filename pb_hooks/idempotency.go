package pb_hooks

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

// Idempotent portal writes (issue 12, item 7). A client whose connection
// breaks after it sent a booking cannot know whether the booking was saved;
// it retries with the same Idempotency-Key, and gets the first answer again
// instead of booking twice. The portal sends one key per form submission.
//
// The key, a hash of the body and the answer are saved in the transaction
// of the write they answer: the route runs inside it, so after a crash the
// booking and its key both exist or neither does. Write transactions are
// serialised on SQLite's single write connection, so of two concurrent
// requests with one key the second looks the key up after the first has
// committed and replays its answer.

// IdempotencyKeyHeader is the request header that names a submission.
const IdempotencyKeyHeader = "Idempotency-Key"

// IdempotentReplayedHeader is set to "true" on an answer replayed for a key.
const IdempotentReplayedHeader = "Idempotent-Replayed"

// IdempotencyKeyLifetime is how long a key is remembered.
const IdempotencyKeyLifetime = 24 * time.Hour

// maxIdempotentBody bounds the body read into memory to hash it.
const maxIdempotentBody = 1 << 20

// idempotent adds answerOnce to a route's middlewares, after the ones that
// authenticate the contact it scopes keys to.
func idempotent(chain []*hook.Handler[*core.RequestEvent]) []*hook.Handler[*core.RequestEvent] {
	return append(chain, answerOnce())
}

// answerOnce is the middleware of the routes that accept an
// Idempotency-Key (after the contact's authentication): without the header
// nothing changes; with it the first successful answer is remembered and
// replayed, and the same key with another body is refused.
func answerOnce() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:   HookIDPrefix + "routes.idempotent",
		Func: replayOrRemember,
	}
}

func replayOrRemember(e *core.RequestEvent) error {
	key := e.Request.Header.Get(IdempotencyKeyHeader)
	if key == "" || e.Auth == nil {
		return e.Next()
	}
	if err := validation.Validate(key, validation.Length(8, 200).Error("Use between 8 and 200 characters."), plainText(200)); err != nil {
		return apis.NewBadRequestError("The Idempotency-Key header is not valid.", validation.Errors{IdempotencyKeyHeader: err})
	}
	body, err := io.ReadAll(io.LimitReader(e.Request.Body, maxIdempotentBody+1))
	if err != nil {
		return e.BadRequestError("The request could not be read.", err)
	}
	if len(body) > maxIdempotentBody {
		return apis.NewApiError(http.StatusRequestEntityTooLarge, "The request is too large.", nil)
	}
	// PocketBase's body can be read again once rewound (the route and the
	// audit read it after us); any other is replaced by the copy.
	if rewind, rereadable := e.Request.Body.(router.Rereader); rereadable {
		rewind.Reread()
	} else {
		e.Request.Body = io.NopCloser(bytes.NewReader(body))
	}
	sum := sha256.Sum256(body)
	remembered := &idempotencyKey{contact: e.Auth.Id, scope: e.Request.Method + " " + e.Request.URL.Path,
		key: key, hash: hex.EncodeToString(sum[:])}

	answer := &bufferedResponse{header: http.Header{}}
	var prior *core.Record
	original, originalResponse := e.App, e.Response
	err = original.RunInTransaction(func(tx core.App) error {
		e.App, e.Response = tx, answer
		defer func() { e.App, e.Response = original, originalResponse }()
		var err error
		if prior, err = remembered.lookUp(tx, time.Now()); err != nil || prior != nil {
			return err
		}
		if err := e.Next(); err != nil {
			return err
		}
		if answer.status < 200 || answer.status > 299 {
			return nil // only a write's success is worth replaying
		}
		return remembered.save(tx, answer)
	})
	if err != nil {
		return err
	}
	if prior != nil {
		return replay(e, prior, remembered.hash)
	}
	return answer.sendTo(e.Response)
}

// expiredKeysQuery deletes the keys older than their lifetime. Every portal
// write runs it, so it names its index: statistics gathered while the table
// was nearly empty would make SQLite scan it whole once it has grown.
func expiredKeysQuery(app core.App, now time.Time) *dbx.Query {
	return app.NonconcurrentDB().NewQuery("DELETE FROM {{" + collections.IdempotencyKeys +
		"}} INDEXED BY [[idx_idempotency_keys_created]] WHERE [[created]] < {:cutoff}").
		Bind(dbx.Params{"cutoff": dateTimeOf(now.Add(-IdempotencyKeyLifetime)).String()})
}

// idempotencyKey is one submission's key, scoped to the contact and route.
type idempotencyKey struct {
	contact, scope, key, hash string
}

// lookUp forgets expired keys and returns the record of this one, if any.
func (k *idempotencyKey) lookUp(tx core.App, now time.Time) (*core.Record, error) {
	if _, err := expiredKeysQuery(tx, now).Execute(); err != nil {
		return nil, fmt.Errorf("forget expired idempotency keys: %w", err)
	}
	var found []*core.Record
	err := tx.RecordQuery(collections.IdempotencyKeys).AndWhere(dbx.HashExp{
		collections.FieldContact: k.contact, collections.FieldScope: k.scope, collections.FieldKey: k.key,
	}).Limit(1).All(&found)
	if err != nil || len(found) == 0 {
		return nil, err
	}
	return found[0], nil
}

// save remembers the answer of this key's request.
func (k *idempotencyKey) save(tx core.App, answer *bufferedResponse) error {
	_, err := createRecord(tx, collections.IdempotencyKeys, map[string]any{
		collections.FieldContact: k.contact, collections.FieldScope: k.scope, collections.FieldKey: k.key,
		collections.FieldRequestHash: k.hash, collections.FieldStatus: answer.status,
		collections.FieldResponse: types.JSONRaw(answer.body.Bytes()),
	})
	return err
}

// replay answers a repeated key: the first answer again when the body is
// the same, a 422 when the key was used for something else.
func replay(e *core.RequestEvent, prior *core.Record, hash string) error {
	if prior.GetString(collections.FieldRequestHash) != hash {
		return apis.NewApiError(http.StatusUnprocessableEntity,
			"This Idempotency-Key was already used for a different request; send a new request with a new key.",
			validation.Errors{IdempotencyKeyHeader: validation.NewError("validation_key_reused", "Used for a different request.")})
	}
	e.Response.Header().Set(IdempotentReplayedHeader, "true")
	return e.Blob(prior.GetInt(collections.FieldStatus), "application/json", []byte(prior.GetString(collections.FieldResponse)))
}

// bufferedResponse holds a route's answer until its transaction commits:
// the client must never see a success whose write was rolled back.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *bufferedResponse) Header() http.Header { return r.header }

func (r *bufferedResponse) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *bufferedResponse) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(b)
}

// sendTo writes the held answer to the real response.
func (r *bufferedResponse) sendTo(w http.ResponseWriter) error {
	for name, values := range r.header {
		w.Header()[name] = values
	}
	if r.status == 0 {
		return nil
	}
	w.WriteHeader(r.status)
	_, err := w.Write(r.body.Bytes())
	return err
}
