// Event statuses (spec B7) as the client sees them: the labels and final statuses come from the
// server (metadata.js), one source for the pages, the CSV export and the emails; the badge is used
// wherever an event's status is shown, so every page words and colours them the same way.
import { statusBadge } from "./components.js";
import { eventStatuses } from "./metadata.js";

/** eventStatusLabels maps each stored status to its label, in life-cycle order. */
export function eventStatusLabels() {
  return Object.fromEntries(eventStatuses().map((s) => [s.value, s.label]));
}

/** eventStatusLabel returns the label of status; unknown values are shown as-is, not hidden. */
export function eventStatusLabel(status) {
  return eventStatusLabels()[status] ?? String(status ?? "");
}

/** isFinalStatus reports whether an event in status can no longer change (declined, cancelled…). */
export function isFinalStatus(status) {
  return eventStatuses().some((s) => s.value === status && s.final);
}

/** eventStatusBadge returns the coloured badge element for status. */
export function eventStatusBadge(status) {
  return statusBadge(eventStatusLabels(), status);
}
