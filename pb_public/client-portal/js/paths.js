// Portal URL helpers. Every path of the portal lives under one base so the Go server can serve
// index.html for all of them; keeping the rules here stops routing, links and redirects drifting apart.

export const BASE = "/client-portal";
export const HOME = `${BASE}/`;
export const SIGN_IN = `${BASE}/sign-in`;
export const FORGOT_PASSWORD = `${BASE}/forgot-password`;
export const EVENTS = `${BASE}/events`;
export const BOOK = `${BASE}/book`;
export const PAGES = `${BASE}/pages`;
export const FINANCE = `${BASE}/finance`;

/** pagePath is the address of the CMS page with `slug` (spec M1). */
export function pagePath(slug) {
  return `${PAGES}/${encodeURIComponent(slug)}`;
}

/** eventPath is the page of one event (spec E2). */
export function eventPath(id) {
  return `${EVENTS}/${encodeURIComponent(id)}`;
}

/** bookAgainPath opens the booking form pre-filled from the event id (spec B5). */
export function bookAgainPath(id) {
  return `${BOOK}?from=${encodeURIComponent(id)}`;
}

/**
 * isPortalPath reports whether pathname is a page of the portal (as opposed to a file such as
 * /client-portal/css/portal.css or an API call), i.e. something the client-side router renders.
 */
export function isPortalPath(pathname) {
  if (pathname !== BASE && !pathname.startsWith(`${BASE}/`)) {
    return false;
  }
  const last = pathname.slice(pathname.lastIndexOf("/") + 1);
  return !last.includes(".") || pathname === `${BASE}/index.html`;
}

/**
 * canonicalPath gives the one spelling of a portal path the router matches against:
 * "/client-portal", "/client-portal/index.html" → "/client-portal/"; "/client-portal/events/" → "/client-portal/events".
 */
export function canonicalPath(pathname) {
  if (pathname === BASE || pathname === `${BASE}/index.html`) {
    return HOME;
  }
  const trimmed = pathname.replace(/\/+$/, "");
  return trimmed === BASE ? HOME : trimmed;
}

/**
 * safeNext returns the in-portal location to go to after signing in. Anything that is not a plain
 * same-origin path under /client-portal/ (absolute URLs, "//evil.example", "/\evil") falls back to
 * home, so the next= parameter can't be used as an open redirect.
 */
export function safeNext(raw) {
  if (typeof raw !== "string" || !raw.startsWith(`${BASE}/`) || raw.includes("\\")) {
    return HOME;
  }
  let url;
  try {
    url = new URL(raw, window.location.origin);
  } catch {
    return HOME;
  }
  if (url.origin !== window.location.origin || !isPortalPath(url.pathname)) {
    return HOME;
  }
  const path = canonicalPath(url.pathname);
  if (path === SIGN_IN) {
    return HOME;
  }
  return path + url.search + url.hash;
}

/** signInUrl builds the sign-in location that brings the user back to `next` afterwards. */
export function signInUrl(next) {
  if (!next || next === HOME) {
    return SIGN_IN;
  }
  return `${SIGN_IN}?next=${encodeURIComponent(next)}`;
}
