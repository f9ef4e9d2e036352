// The table of events (spec E1, F1): name linking to the event, when (agency time), venue, status
// and, for roles that may see prices, the estimated price. The events list and the Finance page's
// order history show events the same way.
import { dataTable } from "./components.js";
import { h } from "./dom.js";
import { eventStatusBadge } from "./event-status.js";
import { formatDateRange, formatMoney } from "./format.js";
import { eventPath } from "./paths.js";

/** eventTable lists events; options: id, caption, prices (show estimates), timeZone. */
export function eventTable(events, { id, caption, prices, timeZone }) {
  return dataTable({
    id,
    caption,
    columns: [{ label: "Event" }, { label: "When" }, { label: "Venue" }, { label: "Status" }, prices && { label: "Estimated price", number: true }],
    rows: events.map((event) => eventRow(event, { prices, timeZone })),
  });
}

function eventRow(event, { prices, timeZone }) {
  return h(
    "tr",
    { dataset: { eventId: event.id } },
    h("th", { scope: "row", class: "data-table__title" }, h("a", { href: eventPath(event.id) }, event.name || "Untitled event")),
    h("td", { dataset: { label: "When" } }, formatDateRange(event.starts_at, event.ends_at, timeZone)),
    h("td", { dataset: { label: "Venue" } }, event.venue || "—"),
    h("td", { dataset: { label: "Status" } }, eventStatusBadge(event.status)),
    prices &&
      h(
        "td",
        { class: "data-table__number", dataset: { label: "Estimated price" } },
        event.estimated_price ? formatMoney(event.estimated_price, event.currency) : "Not estimated",
      ),
  );
}
