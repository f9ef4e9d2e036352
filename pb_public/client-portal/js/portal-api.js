// The portal's own server routes (pb_hooks: booking, event lists, change requests), in one place so
// pages call them by name. Errors are the SDK's ClientResponseError, so errors.js and forms.js read
// their messages and per-field details like those of any collection request.
import { pb } from "./pb.js";

/** bookEvent books an event (spec B1–B5) and resolves to the new event record. */
export function bookEvent(body) {
  return pb.send("/api/portal/bookings", { method: "POST", body, requestKey: null });
}

/**
 * estimatePrice resolves to { estimate, message } for a booking-shaped body (roles that may view
 * prices only). Requests with the same key cancel each other, so only the newest one answers.
 */
export function estimatePrice(body, key) {
  return pb.send("/api/portal/estimate", { method: "POST", body, requestKey: key });
}

/**
 * listEvents resolves to one page { page, perPage, totalItems, totalPages, items } of the
 * client's events; filters: scope, q, status, from, to, page, perPage (empty ones are left out).
 */
export function listEvents(filters) {
  return pb.send("/api/portal/events", { query: compact(filters) });
}

/** eventsCsvURL is the CSV export of the whole list the filters select (no page). */
export function eventsCsvURL(filters) {
  const { page, perPage, ...rest } = compact(filters);
  const query = new URLSearchParams(rest).toString();
  return `/api/portal/events.csv${query ? `?${query}` : ""}`;
}

/** requestChange sends a change ({ kind: "change", proposed, reason }) or cancellation request. */
export function requestChange(eventId, body) {
  return pb.send(`/api/portal/events/${encodeURIComponent(eventId)}/change-requests`, {
    method: "POST",
    body,
    requestKey: null,
  });
}

/** withdrawRequest withdraws a pending change request. */
export function withdrawRequest(requestId) {
  return pb.send(`/api/portal/change-requests/${encodeURIComponent(requestId)}/withdraw`, {
    method: "POST",
    requestKey: null,
  });
}

function compact(filters) {
  const out = {};
  for (const [key, value] of Object.entries(filters ?? {})) {
    if (value !== undefined && value !== null && value !== "") {
      out[key] = String(value);
    }
  }
  return out;
}
