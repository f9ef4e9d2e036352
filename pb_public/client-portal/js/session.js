// The portal session (pb_hooks/shell.go): what every signed-in page needs besides its own data (the
// role's permissions, the agency's time zone and locale, the menu's pages, the snippets, the
// company's name). The server sends it in the meta of the contact's sign-in and of the token
// refresh the portal makes once per page load, so a visit asks once for all of it.
import { pb } from "./pb.js";
import { CONTACTS, currentContact, signOut } from "./auth.js";

const META = "portal"; // pb_hooks.PortalSessionMeta

// The session in hand, for one contact and role: a role changed elsewhere (another tab's refresh)
// must not keep the old role's permissions.
let held = { key: "", at: 0, promise: null };

function keyOf(record) {
  return record ? `${record.id}:${record.role ?? ""}` : "";
}

// Every contact auth answer (sign-in, refresh) carries the session: keep it before the SDK saves
// the new auth, so the pages that the auth change re-renders find it without asking again.
const afterSend = pb.afterSend;
pb.afterSend = (response, data, options) => {
  const meta = data?.meta?.[META];
  if (meta && data?.record?.collectionName === CONTACTS) {
    held = { key: keyOf(data.record), at: Date.now(), promise: Promise.resolve(meta) };
  }
  return afterSend ? afterSend(response, data, options) : data;
};

/**
 * portalSession resolves to the signed-in contact's session, or null when nobody is signed in or
 * the server no longer accepts the session (which then ends). Without one from this page load it
 * refreshes the token to get it; concurrent callers share that request. It rejects when the server
 * could not be reached; a failure is not kept.
 */
export function portalSession() {
  const contact = currentContact();
  if (!contact) {
    return Promise.resolve(null);
  }
  if (held.key === keyOf(contact) && held.promise) {
    return held.promise;
  }
  const current = { key: keyOf(contact), at: Date.now(), promise: null };
  current.promise = pb
    .collection(CONTACTS)
    // requestKey null: the layout and a page may ask at the same time; the SDK must not cancel one.
    .authRefresh({ requestKey: null })
    .then(
      (auth) => auth.meta?.[META] ?? null,
      (err) => {
        if (held === current) {
          held = { key: "", at: 0, promise: null };
        }
        if (err?.status === 401 || err?.status === 403 || err?.status === 404) {
          signOut();
          return null;
        }
        throw err;
      },
    );
  held = current;
  return current.promise;
}

/**
 * recentSession is { session, at } (portalSession's promise and when it was asked) when the session
 * in hand is younger than maxAgeMs, else null: for parts that should follow the server within a
 * while (snippets opening or closing).
 */
export function recentSession(maxAgeMs) {
  const contact = currentContact();
  return contact && held.key === keyOf(contact) && held.promise && Date.now() - held.at <= maxAgeMs
    ? { session: held.promise, at: held.at }
    : null;
}

/**
 * refreshSession asks the server to confirm the stored session once per page load, which also
 * renews the token and picks up changes made elsewhere (name, role, disabled access). Network
 * problems keep the session: the pages report those themselves.
 */
export function refreshSession() {
  return portalSession().catch(() => null);
}
