// The portal's own server routes (pb_hooks: booking, event lists, change requests, roster,
// documents), in one place so pages call them by name. Errors are the SDK's ClientResponseError,
// so errors.js and forms.js read their messages and per-field details like those of any
// collection request.
import { ClientResponseError } from "/client-portal/vendor/pocketbase/pocketbase.es.mjs";
import { pb } from "./pb.js";

/** bookEvent books an event (spec B1–B5) and resolves to the new event record. */
export function bookEvent(body) {
  return sendOnce("/api/portal/bookings", body);
}

/**
 * estimatePrice resolves to { estimate, message } for a booking-shaped body (roles that may view
 * prices only). Requests with the same key cancel each other, so only the newest one answers.
 */
export function estimatePrice(body, key) {
  return pb.send("/api/portal/estimate", { method: "POST", body, requestKey: key });
}

/** loadHome resolves to the home page's { company, upcoming, counters } (one call). */
export function loadHome() {
  return pb.send("/api/portal/home", { requestKey: null });
}

/**
 * listEvents resolves to one page { page, perPage, totalItems, totalPages, items } of the
 * client's events; filters: scope, q, status, from, to, page, perPage (empty ones are left out).
 */
export function listEvents(filters) {
  return pb.send("/api/portal/events", { query: compact(filters) });
}

/**
 * loadFinance resolves to the finance page's { year, totals: [{ currency, outstanding, overdue,
 * paidInYear }], page, perPage, totalItems, totalPages, items: invoices, payments: those of the
 * listed invoices } (one call); filters: status, from, to, page (empty ones are left out).
 */
export function loadFinance(filters) {
  return pb.send("/api/portal/finance", { query: compact(filters) });
}

/** invoicesCsvURL is the CSV export of every invoice the finance filters select (no page). */
export function invoicesCsvURL(filters) {
  const { page, ...rest } = compact(filters);
  const query = new URLSearchParams(rest).toString();
  return `/api/portal/invoices.csv${query ? `?${query}` : ""}`;
}

/** eventsCsvURL is the CSV export of the whole list the filters select (no page). */
export function eventsCsvURL(filters) {
  const { page, perPage, ...rest } = compact(filters);
  const query = new URLSearchParams(rest).toString();
  return `/api/portal/events.csv${query ? `?${query}` : ""}`;
}

/** requestChange sends a change ({ kind: "change", proposed, reason }) or cancellation request. */
export function requestChange(eventId, body) {
  return sendOnce(`/api/portal/events/${encodeURIComponent(eventId)}/change-requests`, body);
}

/** withdrawRequest withdraws a pending change request. */
export function withdrawRequest(requestId) {
  return sendOnce(`/api/portal/change-requests/${encodeURIComponent(requestId)}/withdraw`, null);
}

// One Idempotency-Key per form submission: sending the same body to the same route again after
// a failure (a retry: the connection broke, the server did not answer) reuses the key, so the
// server answers with the first result instead of booking twice; a changed body, or any body
// after a success, is a new submission with a new key.
const unanswered = new Map(); // route → { body, key } of its last submission without a success

async function sendOnce(route, body) {
  const text = JSON.stringify(body);
  let submission = unanswered.get(route);
  if (submission?.body !== text) {
    submission = { body: text, key: newSubmissionKey() };
    unanswered.set(route, submission);
  }
  const options = { method: "POST", requestKey: null, headers: { "Idempotency-Key": submission.key } };
  if (body !== null) {
    options.body = body;
  }
  const result = await pb.send(route, options);
  unanswered.delete(route);
  return result;
}

/** newSubmissionKey is a random key; randomUUID needs a secure context, getRandomValues does not. */
function newSubmissionKey() {
  if (typeof crypto.randomUUID === "function") {
    return crypto.randomUUID();
  }
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
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

/**
 * loadEventPage resolves to everything the event page shows, in one call: { event (expanded tags;
 * who booked it is created_by_name), shifts (by start, expanded profession), resource_lines,
 * change_requests (newest first; who asked is requested_by_name), settings (or null), roster, documents }, each part as the
 * record API, the roster route ({ team_leader, show, people, shifts }: what the settings and the
 * role allow) and the documents list give it, and file_token, for the page's links to protected
 * files. A 404 means the event isn't the contact's to see.
 */
export function loadEventPage(eventId) {
  return pb.send(`/api/portal/events/${encodeURIComponent(eventId)}/page`, { requestKey: null });
}

/**
 * listDocuments resolves to { items, truncated, uploads } for one event, or all the company's
 * events when eventId is "": items newest first; uploads says whether and what the contact may
 * upload.
 */
export function listDocuments(eventId) {
  return pb.send("/api/portal/documents", { query: compact({ event: eventId }), requestKey: null });
}

/** deleteDocument deletes one of the contact's own uploads (before its event starts). */
export function deleteDocument(id) {
  return pb.send(`/api/portal/documents/${encodeURIComponent(id)}`, { method: "DELETE", requestKey: null });
}

/**
 * uploadDocument sends one file to the event and resolves to the new document. It uses
 * XMLHttpRequest, whose upload progress fetch does not report: onProgress(fraction) runs as the
 * file goes. It rejects with a ClientResponseError, like the SDK, so errors.js words failures.
 */
export function uploadDocument(eventId, file, onProgress) {
  const url = `/api/portal/events/${encodeURIComponent(eventId)}/documents`;
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append("file", file);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Authorization", pb.authStore.token);
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) {
        onProgress?.(e.loaded / e.total);
      }
    });
    xhr.addEventListener("load", () => {
      let data = {};
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: the status alone says enough
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(data);
        return;
      }
      if (xhr.status === 401) {
        pb.authStore.clear(); // as pb.afterSend does for SDK requests
      }
      reject(new ClientResponseError({ url, status: xhr.status, data }));
    });
    xhr.addEventListener("error", () => reject(new ClientResponseError({ url, status: 0 })));
    xhr.send(form);
  });
}
