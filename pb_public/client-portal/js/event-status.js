// Event statuses (spec B7) as the client sees them: one human label per stored value, and the badge
// used wherever an event's status is shown, so every page words and colours them the same way.
import { statusBadge } from "./components.js";

export const EVENT_STATUS_LABELS = {
  to_be_confirmed: "To be confirmed",
  confirmed: "Confirmed",
  declined: "Declined",
  cancelled: "Cancelled",
  completed: "Completed",
};

/** eventStatusLabel returns the label of status; unknown values are shown as-is, not hidden. */
export function eventStatusLabel(status) {
  return EVENT_STATUS_LABELS[status] ?? String(status ?? "");
}

/** eventStatusBadge returns the coloured badge element for status. */
export function eventStatusBadge(status) {
  return statusBadge(EVENT_STATUS_LABELS, status);
}
