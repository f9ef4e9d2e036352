// What the signed-in contact's role allows (spec A4), for hiding what they cannot do. The server
// enforces every permission itself; this only keeps the menu and the pages honest. The role's
// permissions come with the portal session (session.js), once per page load and contact.
import { currentContact } from "./auth.js";
import { portalSession } from "./session.js";

/** PERMISSION_LABELS words each permission the way the portal describes a role. */
export const PERMISSION_LABELS = {
  book_events: "book events",
  request_changes: "request changes and cancellations",
  view_roster: "see the roster",
  view_staff_documents: "see staff documents",
  upload_documents: "upload documents",
  view_prices: "see prices",
  view_invoices: "see invoices",
  download_invoices: "download invoices",
  edit_company: "edit company details",
  manage_contacts: "manage contacts",
};

/** describePermissions is a sentence saying what a role's permissions allow, for role pickers. */
export function describePermissions(permissions) {
  const known = Object.keys(PERMISSION_LABELS).filter((p) => permissions?.includes(p));
  if (known.length === 0) {
    return "Sees the company's events only.";
  }
  const words = known.map((p) => PERMISSION_LABELS[p]);
  const list = words.length > 1 ? `${words.slice(0, -1).join(", ")} and ${words.at(-1)}` : words[0];
  return `Sees the company's events and can ${list}.`;
}

let state = { key: null, promise: null, granted: null };

function keyOf(contact) {
  return contact ? `${contact.id}:${contact.role ?? ""}` : "";
}

/**
 * loadPermissions resolves to the Set of permissions of the signed-in contact's role (empty when
 * nobody is signed in, the contact has no role, or the role is not visible). It rejects only when
 * the role could not be fetched (network, server error); a failure is not cached.
 */
export function loadPermissions() {
  const contact = currentContact();
  const key = keyOf(contact);
  if (state.key === key && state.promise) {
    return state.promise;
  }
  const current = { key, promise: null, granted: null };
  current.promise = fetchPermissions(contact).then(
    (granted) => {
      current.granted = granted;
      return granted;
    },
    (err) => {
      if (state === current) {
        state = { key: null, promise: null, granted: null };
      }
      throw err;
    },
  );
  state = current;
  return current.promise;
}

async function fetchPermissions(contact) {
  if (!contact?.role) {
    return new Set();
  }
  const session = await portalSession();
  return new Set(Array.isArray(session?.permissions) ? session.permissions : []);
}

/** can reports whether the loaded role grants permission (false until loadPermissions resolved). */
export function can(permission) {
  return state.key === keyOf(currentContact()) && Boolean(state.granted?.has(permission));
}

/** canAny reports whether any of permissions is granted; an empty or missing list allows everyone. */
export function canAny(permissions) {
  return !permissions?.length || permissions.some(can);
}
