package collections

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Event is what a client books: a job with a venue, a time span and a status.
// Its shifts say which staff it needs.
type Event struct{ core.BaseRecordProxy }

// ClientID returns the owning client.
func (e *Event) ClientID() string { return e.GetString(FieldClient) }

// SetClientID sets the owning client.
func (e *Event) SetClientID(id string) { e.Set(FieldClient, id) }

// Name returns the event name.
func (e *Event) Name() string { return e.GetString(FieldName) }

// SetName sets the event name.
func (e *Event) SetName(v string) { e.Set(FieldName, v) }

// Venue returns the venue or location name.
func (e *Event) Venue() string { return e.GetString(FieldVenue) }

// Address returns the venue's street address.
func (e *Event) Address() string { return e.GetString(FieldAddress) }

// StartsAt returns the event start (UTC).
func (e *Event) StartsAt() types.DateTime { return e.GetDateTime(FieldStartsAt) }

// EndsAt returns the event end (UTC).
func (e *Event) EndsAt() types.DateTime { return e.GetDateTime(FieldEndsAt) }

// SetSpan sets the event start and end.
func (e *Event) SetSpan(start, end types.DateTime) {
	e.Set(FieldStartsAt, start)
	e.Set(FieldEndsAt, end)
}

// Status returns the event's life-cycle state.
func (e *Event) Status() EventStatus { return EventStatus(e.GetString(FieldStatus)) }

// SetStatus sets the event's life-cycle state.
func (e *Event) SetStatus(s EventStatus) { e.Set(FieldStatus, string(s)) }

// EstimatedPrice returns the server-computed price estimate in minor units
// of Currency.
func (e *Event) EstimatedPrice() int64 { return int64(e.GetInt(FieldEstimatedPrice)) }

// Currency returns the ISO code of the event's estimate.
func (e *Event) Currency() string { return e.GetString(FieldCurrency) }

// Shift is one staffing line of an event: a profession, a time span and a
// number of staff.
type Shift struct{ core.BaseRecordProxy }

// EventID returns the event the shift belongs to.
func (s *Shift) EventID() string { return s.GetString(FieldEvent) }

// ClientID returns the owning client (denormalised from the event so access
// rules stay one indexed comparison).
func (s *Shift) ClientID() string { return s.GetString(FieldClient) }

// ProfessionID returns the staff category the shift needs.
func (s *Shift) ProfessionID() string { return s.GetString(FieldProfession) }

// StartsAt returns the shift start (UTC).
func (s *Shift) StartsAt() types.DateTime { return s.GetDateTime(FieldStartsAt) }

// EndsAt returns the shift end (UTC).
func (s *Shift) EndsAt() types.DateTime { return s.GetDateTime(FieldEndsAt) }

// StaffCount returns how many staff the shift needs.
func (s *Shift) StaffCount() int { return s.GetInt(FieldStaffCount) }

// Assignment is a staff member rostered on a shift, with rostered times.
type Assignment struct{ core.BaseRecordProxy }

// ShiftID returns the shift the staff member is rostered on.
func (a *Assignment) ShiftID() string { return a.GetString(FieldShift) }

// EventID returns the event of the shift (denormalised for rules and lookups).
func (a *Assignment) EventID() string { return a.GetString(FieldEvent) }

// ClientID returns the owning client (denormalised for access rules).
func (a *Assignment) ClientID() string { return a.GetString(FieldClient) }

// StaffID returns the rostered staff member.
func (a *Assignment) StaffID() string { return a.GetString(FieldStaff) }

// TeamLeader reports whether the staff member leads the event's team.
func (a *Assignment) TeamLeader() bool { return a.GetBool(FieldTeamLeader) }

// StartsAt returns the rostered start (UTC).
func (a *Assignment) StartsAt() types.DateTime { return a.GetDateTime(FieldStartsAt) }

// EndsAt returns the rostered end (UTC).
func (a *Assignment) EndsAt() types.DateTime { return a.GetDateTime(FieldEndsAt) }

// Profession is a staff category (waiter, steward, security…).
type Profession struct{ core.BaseRecordProxy }

// Name returns the profession's display name.
func (p *Profession) Name() string { return p.GetString(FieldName) }

// ClientBookable reports whether clients may book it from the portal.
func (p *Profession) ClientBookable() bool { return p.GetBool(FieldClientBookable) }

// StaffMember is one of the agency's workers (a record of the staff collection).
type StaffMember struct{ core.BaseRecordProxy }

// Name returns the worker's full name.
func (s *StaffMember) Name() string { return s.GetString(FieldName) }

// Phone returns the worker's phone number (shown to clients only for the
// team leader of an upcoming event, spec R1).
func (s *StaffMember) Phone() string { return s.GetString(FieldPhone) }

// Invoice is an invoice issued to a client.
type Invoice struct{ core.BaseRecordProxy }

// ClientID returns the invoiced client.
func (i *Invoice) ClientID() string { return i.GetString(FieldClient) }

// Number returns the invoice number.
func (i *Invoice) Number() string { return i.GetString(FieldNumber) }

// Status returns the invoice's payment state.
func (i *Invoice) Status() InvoiceStatus { return InvoiceStatus(i.GetString(FieldStatus)) }

// Total returns the invoice total.
func (i *Invoice) Total() int64 { return int64(i.GetInt(FieldTotal)) }

// PaidAmount returns how much of the invoice has been paid.
func (i *Invoice) PaidAmount() int64 { return int64(i.GetInt(FieldPaidAmount)) }

// Currency returns the invoice's ISO currency code.
func (i *Invoice) Currency() string { return i.GetString(FieldCurrency) }

// Outstanding returns what is still to be paid, in minor units.
func (i *Invoice) Outstanding() int64 { return i.Total() - i.PaidAmount() }

// IssuedOn returns the issue date.
func (i *Invoice) IssuedOn() types.DateTime { return i.GetDateTime(FieldIssuedOn) }

// DueOn returns the due date.
func (i *Invoice) DueOn() types.DateTime { return i.GetDateTime(FieldDueOn) }
