// Event page (spec E2): everything about one event of the company — dates in the agency's time
// zone, venue, address, status, notes, the tags the agency shows clients, shifts, resources, the
// estimated price (roles that may see prices), who booked it and which T&C version they agreed to —
// with "Book again" (B5), the change and cancellation requests (C1–C3), the team leader, roster and
// required qualifications (R1–R3) and the event's documents (D1, D2).
import { h } from "../dom.js";
import { currentContact } from "../auth.js";
import { card, emptyState, notice, statusMessage } from "../components.js";
import { changesCard } from "../change-requests.js";
import { documentsCard } from "../documents.js";
import { isRefused } from "../errors.js";
import { eventStatusBadge } from "../event-status.js";
import { takeFlash } from "../flash.js";
import { formatDate, formatDateRange, formatDateTime, formatMoney, timeZoneName } from "../format.js";
import { EVENTS, bookAgainPath, eventPath } from "../paths.js";
import { can } from "../permissions.js";
import { loadEventPage } from "../portal-api.js";
import { requiredQualificationsCard, rosterCard, teamLeaderCard } from "../roster.js";
import { agencyTimeZone } from "../settings.js";

export async function render(root, ctx) {
  const id = ctx.params.id;
  // One call for the page's data (and the file token its links use); the time zone is every page's.
  const zone = agencyTimeZone();
  let page;
  try {
    page = await loadEventPage(id);
  } catch (err) {
    if (isRefused(err)) {
      ctx.setTitle("Event not found");
      root.append(notFound());
      return;
    }
    throw err;
  }
  const timeZone = await zone;
  // Without the settings the change form just doesn't ask for a count.
  const { event, shifts, resource_lines: resources, change_requests: requests, settings, roster, documents, file_token: token } = page;
  ctx.setTitle(event.name || "Event details");
  const people = rosterCard(roster, { token, timeZone });

  const status = statusMessage("event-status");
  const flash = takeFlash(eventPath(id));
  if (flash) {
    // Set once the page is on screen, so the live region announces it.
    setTimeout(() => {
      status.textContent = flash;
    }, 0);
  }

  root.append(
    h("p", { class: "back-link" }, h("a", { href: EVENTS }, "All events")),
    h(
      "div",
      { class: "page-header" },
      h(
        "div",
        { class: "page-header__text" },
        h("h1", { class: "page__title", id: "event-name" }, event.name || "Untitled event"),
        h(
          "p",
          { class: "page__intro event-summary" },
          eventStatusBadge(event.status),
          h("span", { id: "event-when" }, formatDateRange(event.starts_at, event.ends_at, timeZone)),
        ),
      ),
      can("book_events") && h("a", { id: "book-again", class: "button button--secondary", href: bookAgainPath(event.id) }, "Book again"),
    ),
    status,
    // (In h, not straight in root.append, which would write a missing notice as "null".) The team
    // leader card shows while the server gives the phone: the event is upcoming or under way.
    h("div", { class: "event-notices" }, declineNotice(event), roster.team_leader?.phone && teamLeaderCard(roster.team_leader)),
    h(
      "div",
      { class: "card-grid" },
      card({ id: "event-details", title: "Details" }, details(event, timeZone), h("p", { class: "card__note" }, `Times are shown in ${timeZoneName(timeZone)} time.`)),
      h(
        "div",
        { class: "stack" },
        card({ id: "event-shifts", title: "Staff" }, shiftList(shifts, timeZone)),
        card({ id: "event-resources", title: "Resources" }, resourceList(resources)),
        requiredQualificationsCard(roster, { timeZone }),
      ),
      people && h("div", { class: "card-grid__wide" }, people),
      h("div", { class: "card-grid__wide" }, documentsCard(id, documents, { token, timeZone })),
      h("div", { class: "card-grid__wide" }, await changesCard({ event, shifts, requests, settings, timeZone, signal: ctx.signal })),
    ),
  );
}

/** declineNotice tells the client why the agency declined the booking, when it did. */
function declineNotice(event) {
  if (event.status !== "declined") {
    return null;
  }
  return h(
    "div",
    { id: "decline-notice" },
    notice(
      "info",
      h("p", null, h("strong", null, "The agency declined this booking.")),
      event.decision_reason && h("p", { id: "decline-reason" }, "Their reason: ", event.decision_reason),
    ),
  );
}

function notFound() {
  return h(
    "div",
    { class: "message-page" },
    h("h1", { class: "page__title" }, "Event not found"),
    h("p", null, "This event doesn't exist or belongs to another company. It may have been removed."),
    h("p", null, h("a", { class: "button button--primary", href: EVENTS }, "See all events")),
  );
}

function details(event, timeZone) {
  const rows = [
    ["When", formatDateRange(event.starts_at, event.ends_at, timeZone), "when"],
    ["Venue", event.venue || "Not given", "venue"],
    ["Address", event.address || "Not given", "address"],
  ];
  const tags = event.expand?.tags ?? [];
  if (tags.length > 0) {
    rows.push(["Tags", h("span", { class: "tag-list" }, tags.map((tag) => h("span", { class: "tag tag--plain" }, tag.name))), "tags"]);
  }
  rows.push(["Notes", event.notes || "None", "notes"]);
  if (can("view_prices")) {
    rows.push([
      "Estimated price",
      event.estimated_price ? formatMoney(event.estimated_price, event.currency) : "Not estimated yet",
      "estimated_price",
    ]);
  }
  rows.push(["Booked", bookedBy(event, timeZone), "booked"]);
  if (event.terms_version) {
    const when = event.terms_agreed_at ? ` on ${formatDate(event.terms_agreed_at, timeZone)}` : "";
    rows.push(["Terms and conditions", `Version ${event.terms_version} agreed${when}`, "terms"]);
  }
  if (event.rebooked_from) {
    rows.push(["Booked again from", h("a", { href: eventPath(event.rebooked_from) }, "the earlier event"), "rebooked_from"]);
  }
  return h(
    "dl",
    { class: "details details--event" },
    rows.map(([term, value, key]) => [
      h("dt", { class: "details__term" }, term),
      h("dd", { class: "details__value", dataset: { field: key } }, value),
    ]),
  );
}

function bookedBy(event, timeZone) {
  const when = formatDateTime(event.created, timeZone);
  if (!event.created_by) {
    return `By the agency, ${when}`;
  }
  // Colleagues' records are readable only to contact managers; the server names them for every role.
  const who = event.created_by === currentContact()?.id ? "you" : event.created_by_name || "a colleague";
  return `By ${who}, ${when}`;
}

function shiftList(shifts, timeZone) {
  if (shifts.length === 0) {
    return emptyState(h("p", null, "The agency hasn't planned the staff for this event yet."));
  }
  const total = shifts.reduce((sum, s) => sum + (Number(s.staff_count) || 0), 0);
  return [
    h(
      "table",
      { id: "shift-table", class: "data-table data-table--compact" },
      h("caption", { class: "visually-hidden" }, "Staff per position"),
      h(
        "thead",
        null,
        h("tr", null, h("th", { scope: "col" }, "Position"), h("th", { scope: "col" }, "When"), h("th", { scope: "col", class: "data-table__number" }, "Staff")),
      ),
      h(
        "tbody",
        null,
        shifts.map((shift) =>
          h(
            "tr",
            { dataset: { shiftId: shift.id } },
            h("th", { scope: "row", class: "data-table__title" }, shift.expand?.profession?.name || "Staff"),
            h("td", { dataset: { label: "When" } }, formatDateRange(shift.starts_at, shift.ends_at, timeZone)),
            h("td", { class: "data-table__number", dataset: { label: "Staff" } }, String(shift.staff_count)),
          ),
        ),
      ),
    ),
    shifts.length > 1 && h("p", { class: "card__note" }, `${total} staff in ${shifts.length} positions.`),
  ];
}

function resourceList(resources) {
  if (resources.length === 0) {
    return h("p", { class: "card__intro" }, "No resources were requested.");
  }
  return h(
    "ul",
    { id: "resource-list", class: "plain-list" },
    resources.map((line) => h("li", null, h("span", { class: "plain-list__count" }, `${line.quantity} ×`), " ", line.name)),
  );
}
