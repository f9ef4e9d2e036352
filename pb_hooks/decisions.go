package pb_hooks

import (
	"fmt"
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
)

// A decided record is final. Admins decide events (confirm, decline) and
// change requests (approve, decline) by saving a status in the dashboard;
// two admins may open the same pending record and decide it at the same
// moment. Each decision therefore claims its status change with a
// conditional UPDATE inside the deciding transaction: of two decisions made
// on the same loaded state exactly one moves the row, and the other gets a
// 409 naming the decision that won. Only the winner's transaction goes on
// to apply the decision and queue its email.

// statusTransition is the status change a save makes: from the status the
// writer loaded (the record's original) to the one it sends.
type statusTransition struct{ from, to string }

// transitionOf reads the status change a save makes.
func transitionOf(app core.App, r *core.Record) statusTransition {
	return statusTransition{
		from: stored(app, r).GetString(collections.FieldStatus),
		to:   r.GetString(collections.FieldStatus),
	}
}

// changes reports whether the save changes the status at all.
func (s statusTransition) changes() bool { return s.from != s.to }

// claimStatus moves the stored status of the record from s.from to s.to,
// only if it still is s.from. tx must be the transaction that then saves the
// record, so the claim and the decision commit or roll back together. When
// someone else changed the status first, the error is a 409 saying what it
// is now.
func claimStatus(tx core.App, r *core.Record, s statusTransition, describe func(now string) string) error {
	table := r.Collection().Name
	res, err := tx.NonconcurrentDB().Update(table,
		dbx.Params{collections.FieldStatus: s.to},
		dbx.HashExp{"id": r.Id, collections.FieldStatus: s.from}).Execute()
	if err != nil {
		return fmt.Errorf("claim %s %s: %w", table, r.Id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	var now string
	if err := tx.NonconcurrentDB().Select(collections.FieldStatus).From(table).
		Where(dbx.HashExp{"id": r.Id}).Row(&now); err != nil {
		return fmt.Errorf("read %s %s: %w", table, r.Id, err)
	}
	return errAlreadyDecidedAs(describe(now))
}

// errAlreadyDecidedAs is the 409 a decision on an out-of-date copy gets.
func errAlreadyDecidedAs(message string) error {
	return apis.NewApiError(http.StatusConflict, message, nil)
}
