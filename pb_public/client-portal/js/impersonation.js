// "Sign in as client" (spec A7): while an admin views the portal as a contact, the admin's email is
// remembered beside the contact's session so every page can show who is really acting. The server
// records the actions under the admin from the token itself; this marker only drives the banner.
import { pb } from "./pb.js";

export const IMPERSONATOR_KEY = "crewportal.impersonator";

/** impersonator returns the email of the admin viewing the portal as the contact, or "". */
export function impersonator() {
  try {
    return localStorage.getItem(IMPERSONATOR_KEY) ?? "";
  } catch {
    return "";
  }
}

/**
 * startImpersonation stores the session the server issued for the contact (POST
 * /api/portal/impersonate/{id} → { token, record, admin }) and remembers the admin.
 */
export function startImpersonation({ token, record, admin }) {
  clearImpersonator();
  pb.authStore.save(token, record);
  try {
    localStorage.setItem(IMPERSONATOR_KEY, admin?.email || "an agency admin");
  } catch {
    // Storage refused (private mode): the session works, only the banner's name is missing.
  }
}

/** clearImpersonator forgets the admin; called whenever the session starts or ends. */
export function clearImpersonator() {
  try {
    localStorage.removeItem(IMPERSONATOR_KEY);
  } catch {
    // nothing stored
  }
}
