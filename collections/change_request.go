package collections

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// ChangeRequestStatus is the state of a client's change request (spec C3).
type ChangeRequestStatus string

// Change request statuses. A request starts pending; an admin approves or
// declines it, or its contact withdraws it.
const (
	RequestPending   ChangeRequestStatus = "pending"
	RequestApproved  ChangeRequestStatus = "approved"
	RequestDeclined  ChangeRequestStatus = "declined"
	RequestWithdrawn ChangeRequestStatus = "withdrawn"
)

// ChangeRequestKind says what a change request asks for.
type ChangeRequestKind string

// Change request kinds: new values for the event, or its cancellation.
const (
	RequestChange       ChangeRequestKind = "change"
	RequestCancellation ChangeRequestKind = "cancellation"
)

// ChangeRequest is a client's request to change or cancel an atomic event,
// decided by an admin.
type ChangeRequest struct{ core.BaseRecordProxy }

// EventID returns the event the request is about.
func (c *ChangeRequest) EventID() string { return c.GetString(FieldEvent) }

// ClientID returns the owning client (copied from the event).
func (c *ChangeRequest) ClientID() string { return c.GetString(FieldClient) }

// Status returns the request's state.
func (c *ChangeRequest) Status() ChangeRequestStatus {
	return ChangeRequestStatus(c.GetString(FieldStatus))
}

// SetStatus sets the request's state.
func (c *ChangeRequest) SetStatus(s ChangeRequestStatus) { c.Set(FieldStatus, string(s)) }

// Kind returns what the request asks for.
func (c *ChangeRequest) Kind() ChangeRequestKind { return ChangeRequestKind(c.GetString(FieldKind)) }

// Proposed returns the proposed new values, keyed by booking-form field.
func (c *ChangeRequest) Proposed() (map[string]any, error) {
	proposed := map[string]any{}
	err := c.UnmarshalJSONField(FieldProposed, &proposed)
	return proposed, err
}

// DecisionReason returns the admin's reason for the decision.
func (c *ChangeRequest) DecisionReason() string { return c.GetString(FieldDecisionReason) }

// SetDecidedBy records the superuser who decided the request.
func (c *ChangeRequest) SetDecidedBy(superuserID string) { c.Set(FieldDecidedBy, superuserID) }

// SetDecidedAt records when the request was decided.
func (c *ChangeRequest) SetDecidedAt(t types.DateTime) { c.Set(FieldDecidedAt, t) }
