// Home page: greets the contact, names their company, shows the agency's welcome snippet (spec M2)
// and lists the next upcoming events. Each part
// loads on its own, so a request the server refuses shows a polite note instead of failing the page.
import { h } from "../dom.js";
import { card, emptyState, notice } from "../components.js";
import { contactName, currentContact } from "../auth.js";
import { errorMessage, isRefused } from "../errors.js";
import { eventStatusBadge } from "../event-status.js";
import { formatDateRange, timeZoneName } from "../format.js";
import { BOOK, EVENTS, eventPath } from "../paths.js";
import { can } from "../permissions.js";
import { loadHome } from "../portal-api.js";
import { agencyTimeZone } from "../settings.js";
import { SNIPPET, snippetSlot } from "../snippets.js";

const UPCOMING_LIMIT = 5;

export async function render(root) {
  const contact = currentContact();
  // One call answers the company's name, the upcoming events and the counters.
  const [home, timeZone, welcome] = await Promise.allSettled([
    loadHome(),
    agencyTimeZone(),
    snippetSlot(SNIPPET.homeWelcome),
  ]);
  const company = home.status === "fulfilled" ? { status: "fulfilled", value: home.value.company } : home;
  const events = home.status === "fulfilled" ? { status: "fulfilled", value: home.value } : home;

  root.append(
    h(
      "div",
      { class: "page-header" },
      h(
        "div",
        { class: "page-header__text" },
        h("h1", { class: "page__title" }, `Welcome, ${contactName(contact)}`),
        companyLine(company),
      ),
      can("book_events") && h("a", { class: "button button--primary", href: BOOK }, "Book an event"),
    ),
    welcome.value,
    card(
      {
        id: "upcoming",
        title: "Upcoming events",
        action: h("a", { class: "card__action", href: EVENTS }, "View all events"),
      },
      upcomingEvents(events, timeZone.value),
    ),
  );
}

function companyLine(result) {
  if (result.status === "fulfilled") {
    return h("p", { class: "page__intro" }, h("span", { "data-testid": "company-name" }, result.value.name));
  }
  const err = result.reason;
  return notice(
    "info",
    typeof err?.status === "number" && !isRefused(err)
      ? `Your company details could not be loaded. ${errorMessage(err)}`
      : "Your company details are not available right now. If this continues, please contact the agency.",
  );
}

function upcomingEvents(result, timeZone) {
  if (result.status === "rejected") {
    const err = result.reason;
    return notice(
      isRefused(err) ? "info" : "error",
      isRefused(err)
        ? "Your upcoming events can't be shown right now. If this continues, please contact the agency."
        : `Your upcoming events could not be loaded. ${errorMessage(err)}`,
    );
  }
  const { upcoming: events, counters } = result.value;
  if (events.length === 0) {
    return emptyState(
      h("p", null, "You have no upcoming events."),
      can("book_events") && h("p", null, h("a", { href: BOOK }, "Book an event"), " and it will appear here."),
    );
  }
  return [
    h("ul", { id: "upcoming-events", class: "event-list" }, events.map((event) => eventRow(event, timeZone))),
    h("p", { id: "upcoming-counters", class: "card__note" }, countersLine(counters)),
    h("p", { class: "card__note" }, `Times are shown in ${timeZoneName(timeZone)} time.`),
  ];
}

function eventRow(event, timeZone) {
  return h(
    "li",
    { class: "event-row", dataset: { eventId: event.id } },
    h(
      "div",
      { class: "event-row__main" },
      h("a", { class: "event-row__name", href: eventPath(event.id) }, event.name || "Untitled event"),
      h(
        "p",
        { class: "event-row__meta" },
        h("span", { class: "event-row__when" }, formatDateRange(event.starts_at, event.ends_at, timeZone)),
        event.venue && h("span", { class: "event-row__venue" }, event.venue),
      ),
    ),
    eventStatusBadge(event.status),
  );
}

/** countersLine says how many upcoming events and pending change requests the company has. */
function countersLine({ upcoming, pending_change_requests: pending }) {
  const events = `${upcoming} upcoming ${upcoming === 1 ? "event" : "events"} in all`;
  return pending > 0 ? `${events}; ${pending} change ${pending === 1 ? "request is" : "requests are"} waiting for the agency.` : `${events}.`;
}
