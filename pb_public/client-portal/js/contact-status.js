// Contact access statuses (spec A2) as the portal shows them: one label per stored value and the
// badge used wherever a contact's status appears.
import { statusBadge } from "./components.js";

export const CONTACT_STATUS_LABELS = {
  no_access: "No access",
  invited: "Invited",
  active: "Active",
  disabled: "Disabled",
};

/** contactStatusBadge returns the coloured badge element for a contact's status. */
export function contactStatusBadge(status) {
  return statusBadge(CONTACT_STATUS_LABELS, status);
}
