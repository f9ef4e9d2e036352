// Home page: greets the contact, names their company, shows the agency's welcome snippet (spec M2)
// and lists the next upcoming events. Each part
// loads on its own, so a request the server refuses shows a polite note instead of failing the page.
import { h } from "../dom.js";
import { pb } from "../pb.js";
import { card, emptyState, notice } from "../components.js";
import { contactName, currentContact } from "../auth.js";
import { errorMessage, isRefused } from "../errors.js";
import { eventStatusBadge } from "../event-status.js";
import { eventStatuses } from "../metadata.js";
import { formatDateRange, timeZoneName } from "../format.js";
import { BOOK, EVENTS, eventPath } from "../paths.js";
import { can } from "../permissions.js";
import { agencyTimeZone } from "../settings.js";
import { SNIPPET, snippetSlot } from "../snippets.js";

const UPCOMING_LIMIT = 5;

export async function render(root) {
  const contact = currentContact();
  const [company, events, timeZone, welcome] = await Promise.allSettled([
    loadCompany(contact),
    loadUpcomingEvents(),
    agencyTimeZone(),
    snippetSlot(SNIPPET.homeWelcome),
  ]);

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

function loadCompany(contact) {
  if (!contact?.client) {
    return Promise.reject(new Error("The contact is not linked to a client."));
  }
  return pb.collection("clients").getOne(contact.client, { fields: "id,name" });
}

/** loadUpcomingEvents reads the next events that will happen: not over, not in a final status. */
function loadUpcomingEvents() {
  const params = { now: new Date() };
  const open = eventStatuses()
    .filter((s) => !s.final)
    .map((s, i) => {
      params[`s${i}`] = s.value;
      return `status = {:s${i}}`;
    });
  const notFinal = open.length > 0 ? ` && (${open.join(" || ")})` : "";
  return pb.collection("events").getList(1, UPCOMING_LIMIT, {
    filter: pb.filter(`ends_at >= {:now}${notFinal}`, params),
    sort: "starts_at",
    skipTotal: true,
    fields: "id,name,venue,starts_at,ends_at,status",
  });
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
  const events = result.value.items;
  if (events.length === 0) {
    return emptyState(
      h("p", null, "You have no upcoming events."),
      can("book_events") && h("p", null, h("a", { href: BOOK }, "Book an event"), " and it will appear here."),
    );
  }
  return [
    h("ul", { id: "upcoming-events", class: "event-list" }, events.map((event) => eventRow(event, timeZone))),
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
