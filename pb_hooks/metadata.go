package pb_hooks

import (
	"net/http"
	"slices"

	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
)

// PortalMetadata is what the portal pages mirror of the server's rules, so
// they are written once, here, and the pages never drift from them: the
// event and invoice statuses with the words clients read and whether they
// are final (events) or still open (invoices), the fields a change request
// may propose, and the booking form's limits.
type PortalMetadata struct {
	EventStatuses    []EventStatusInfo   `json:"event_statuses"`
	InvoiceStatuses  []InvoiceStatusInfo `json:"invoice_statuses"`
	ProposableFields []string            `json:"proposable_fields"`
	Limits           BookingLimits       `json:"limits"`
}

// EventStatusInfo is one event status as the portal shows it.
type EventStatusInfo struct {
	Value string `json:"value"`
	Label string `json:"label"`
	// Final is true for a status the event never leaves: it can no longer be
	// changed or cancelled.
	Final bool `json:"final"`
}

// InvoiceStatusInfo is one invoice status as the Finance page shows it.
type InvoiceStatusInfo struct {
	Value string `json:"value"`
	Label string `json:"label"`
	// Open is true while money is still to come (issued, partly paid,
	// overdue): the page counts it as outstanding.
	Open bool `json:"open"`
}

// BookingLimits are the limits a booking or a change request is checked
// against.
type BookingLimits struct {
	MaxStaffCount     int `json:"max_staff_count"`
	MaxResourceLines  int `json:"max_resource_lines"`
	MaxResourceQty    int `json:"max_resource_quantity"`
	MaxNotesLength    int `json:"max_notes_length"`
	MaxBookingSpanHrs int `json:"max_booking_span_hours"`
}

// Metadata returns the portal's metadata (see PortalMetadata).
func Metadata() PortalMetadata {
	final := finalEventStatuses()
	statuses := make([]EventStatusInfo, len(collections.EventStatuses))
	for i, s := range collections.EventStatuses {
		statuses[i] = EventStatusInfo{Value: string(s), Label: collections.EventStatusLabel(s), Final: slices.Contains(final, s)}
	}
	invoices := make([]InvoiceStatusInfo, len(collections.ClientInvoiceStatuses))
	for i, s := range collections.ClientInvoiceStatuses {
		invoices[i] = InvoiceStatusInfo{Value: string(s), Label: collections.InvoiceStatusLabel(s), Open: collections.InvoiceStatusOpen(s)}
	}
	return PortalMetadata{
		EventStatuses:    statuses,
		InvoiceStatuses:  invoices,
		ProposableFields: proposableFields,
		Limits: BookingLimits{
			MaxStaffCount:     maxStaffCount,
			MaxResourceLines:  maxResourceLines,
			MaxResourceQty:    maxResourceQty,
			MaxNotesLength:    maxBookingNotesLen,
			MaxBookingSpanHrs: int(maxBookingSpan.Hours()),
		},
	}
}

// portalMetadata answers GET /api/portal/metadata. It holds nothing secret,
// so anyone may read it and browsers may keep it for a few minutes.
func portalMetadata(e *core.RequestEvent) error {
	e.Response.Header().Set("Cache-Control", "public, max-age=300")
	return e.JSON(http.StatusOK, Metadata())
}
