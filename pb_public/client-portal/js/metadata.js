// What the pages mirror of the server's rules, served by GET /api/portal/metadata so they are written
// once, in Go: the event and invoice statuses with the words clients read (and whether final or open), the fields
// a change request may propose, and the booking limits. app.js loads it before the first page.
import { pb } from "./pb.js";

let metadata = { event_statuses: [], invoice_statuses: [], proposable_fields: [], limits: {} };

/**
 * loadMetadata fetches the metadata once. If the server can't be reached the portal still starts:
 * statuses then show as stored, and forms leave the limits to the server's answer.
 */
export async function loadMetadata() {
  try {
    metadata = await pb.send("/api/portal/metadata", { requestKey: null });
  } catch (err) {
    console.warn("The portal's metadata could not be loaded.", err);
  }
}

/** eventStatuses lists the event statuses ({ value, label, final }) in life-cycle order. */
export function eventStatuses() {
  return metadata.event_statuses ?? [];
}

/** invoiceStatuses lists the invoice statuses a client sees ({ value, label, open }), in filter order. */
export function invoiceStatuses() {
  return metadata.invoice_statuses ?? [];
}

/** proposableFields lists the event fields a change request may propose. */
export function proposableFields() {
  return metadata.proposable_fields ?? [];
}

/**
 * limit returns the server's limit name (max_staff_count, max_resource_lines, max_resource_quantity,
 * max_notes_length, max_booking_span_hours), or undefined when unknown.
 */
export function limit(name) {
  return metadata.limits?.[name];
}
