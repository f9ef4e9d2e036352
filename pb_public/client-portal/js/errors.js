// Turns PocketBase SDK errors (ClientResponseError) into sentences for people, and exposes the
// per-field validation errors so forms can show them next to the right input.

const NETWORK = "The portal is unreachable. Check your connection and try again.";

const BY_STATUS = {
  401: "Your session has ended. Please sign in again.",
  403: "You don't have permission to do this.",
  404: "We couldn't find what you were looking for. It may have been removed.",
  429: "Too many attempts, try again in a minute.",
};

/** isAbortError reports whether err only means the request was cancelled (navigation, auto-cancel). */
export function isAbortError(err) {
  return Boolean(err?.isAbort) || err?.name === "AbortError";
}

/** isRefused reports whether the server refused access to a record (forbidden or hidden by an API rule). */
export function isRefused(err) {
  return err?.status === 403 || err?.status === 404;
}

/**
 * errorMessage returns a user-facing message for err. `overrides` maps a status code to a fixed
 * message, for screens that must not echo the server (e.g. sign-in never says which part was wrong).
 * 400 uses the server's own message: our Go hooks return readable ones (e.BadRequestError).
 */
export function errorMessage(err, overrides = {}) {
  const status = typeof err?.status === "number" ? err.status : 0;
  if (overrides[status]) {
    return overrides[status];
  }
  if (status === 0) {
    return NETWORK;
  }
  if (BY_STATUS[status]) {
    return BY_STATUS[status];
  }
  if (status >= 500) {
    return "Something went wrong on our side. Please try again in a moment.";
  }
  return serverMessage(err) || "Something went wrong. Please try again.";
}

/**
 * serverMessage returns the message the server sent with err, or "" when there is none. Use it
 * only where our own hooks are known to send readable text for that status.
 */
export function serverMessage(err) {
  const message = err?.response?.message;
  return typeof message === "string" ? message : "";
}

/**
 * fieldErrors returns { field: message } from a validation error (err.response.data), e.g.
 * { email: "Must be a valid email address." }. Empty when the error has no field details.
 */
export function fieldErrors(err) {
  const data = err?.response?.data;
  const out = {};
  if (!data || typeof data !== "object") {
    return out;
  }
  for (const [field, detail] of Object.entries(data)) {
    if (detail && typeof detail.message === "string") {
      out[field] = detail.message;
    }
  }
  return out;
}
