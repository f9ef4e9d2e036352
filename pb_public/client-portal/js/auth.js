// Who is signed in. Only records of the "contacts" auth collection may use the portal: a superuser
// token left in the same browser (e.g. from the dashboard) must not count as a portal session.
import { pb } from "./pb.js";
import { clearImpersonator } from "./impersonation.js";

export const CONTACTS = "contacts";

/** currentContact returns the signed-in contact record, or null when nobody (valid) is signed in. */
export function currentContact() {
  const record = pb.authStore.record;
  return pb.authStore.isValid && record?.collectionName === CONTACTS ? record : null;
}

/** isSignedIn reports whether a contact is signed in with a token that has not expired. */
export function isSignedIn() {
  return currentContact() !== null;
}

/** contactName is what the portal calls the contact: their name, else their email. */
export function contactName(contact) {
  return contact?.name?.trim() || contact?.email || "";
}

/**
 * signIn authenticates a contact; the SDK stores the token and record in its auth store. A session
 * of the contact's own is never an admin's impersonation, so any leftover marker goes.
 */
export function signIn(email, password) {
  clearImpersonator();
  return pb.collection(CONTACTS).authWithPassword(email, password);
}

/**
 * signOut forgets the session in this browser (and, through the storage event, in other tabs),
 * including an admin's impersonation of the contact.
 */
export function signOut() {
  clearImpersonator();
  pb.authStore.clear();
}
