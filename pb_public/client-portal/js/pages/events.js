// Events (spec E1): the company's upcoming or past events, newest relevant first, with search by
// name or venue, a status filter, a date range, pages and a CSV export of the filtered list. The
// filters live in the URL (?scope=past&q=gala…), so reload, back and shared links show the same list.
import { h } from "../dom.js";
import { card, emptyState, pagination, statusMessage } from "../components.js";
import { downloadFile } from "../download.js";
import { errorMessage, fieldErrors } from "../errors.js";
import { eventStatusLabels } from "../event-status.js";
import { eventTable } from "../event-table.js";
import { timeZoneName } from "../format.js";
import { field, formAlert, setBusy, showFieldErrors, statusFilterField, submitFilters } from "../forms.js";
import { BOOK, EVENTS } from "../paths.js";
import { can } from "../permissions.js";
import { eventsCsvURL, listEvents } from "../portal-api.js";
import { agencyTimeZone } from "../settings.js";

const PER_PAGE = 20;
const SCOPES = [
  { value: "upcoming", label: "Upcoming" },
  { value: "past", label: "Past" },
];
const FILTERS = ["q", "status", "from", "to"];

export async function render(root, ctx) {
  const filters = readFilters(ctx.query);
  const [result, timeZone] = await Promise.all([
    listEvents({ ...filters, perPage: PER_PAGE }).catch((err) => {
      if (err?.status === 400) {
        return { invalid: err }; // shown next to the filters
      }
      throw err;
    }),
    agencyTimeZone(),
  ]);
  const prices = can("view_prices");
  const scopeLabel = filters.scope === "past" ? "Past events" : "Upcoming events";
  ctx.setTitle(scopeLabel);

  const filterForm = filtersForm(filters, ctx);
  const exporter = exportControls(filters);
  root.append(
    h(
      "div",
      { class: "page-header" },
      h(
        "div",
        { class: "page-header__text" },
        h("h1", { class: "page__title" }, "Events"),
        h("p", { class: "page__intro" }, `Every event of your company. Times are shown in ${timeZoneName(timeZone)} time.`),
      ),
      can("book_events") && h("a", { class: "button button--primary", href: BOOK }, "Book an event"),
    ),
    scopeSwitch(filters),
    filterForm.root,
    card(
      { id: "events", title: scopeLabel, action: exporter.button },
      exporter.messages,
      result.invalid ? invalidFilters(filterForm, result.invalid) : results(result, filters, { prices, timeZone }),
    ),
  );
}

function readFilters(query) {
  const page = Number.parseInt(query.get("page") ?? "", 10);
  return {
    scope: query.get("scope") === "past" ? "past" : "upcoming",
    q: query.get("q")?.trim() ?? "",
    status: query.get("status") ?? "",
    from: query.get("from") ?? "",
    to: query.get("to") ?? "",
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** listURL is the address of the list with filters (defaults left out, so URLs stay short). */
function listURL(filters) {
  const params = new URLSearchParams();
  if (filters.scope === "past") {
    params.set("scope", "past");
  }
  for (const key of FILTERS) {
    if (filters[key]) {
      params.set(key, filters[key]);
    }
  }
  if (filters.page > 1) {
    params.set("page", String(filters.page));
  }
  const query = params.toString();
  return query ? `${EVENTS}?${query}` : EVENTS;
}

function hasFilters(filters) {
  return FILTERS.some((key) => filters[key]);
}

function scopeSwitch(filters) {
  return h(
    "nav",
    { class: "tabs", "aria-label": "Upcoming or past events" },
    SCOPES.map((scope) =>
      h(
        "a",
        {
          class: "tabs__tab",
          id: `scope-${scope.value}`,
          href: listURL({ ...filters, scope: scope.value, page: 1 }),
          "aria-current": scope.value === filters.scope ? "page" : null,
        },
        scope.label,
      ),
    ),
  );
}

function filtersForm(filters, ctx) {
  const alert = formAlert("filters-error");
  const form = h(
    "form",
    { id: "events-filters", class: "filters", role: "search", "aria-label": "Filter events", novalidate: true },
    field({ id: "filter-q", name: "q", type: "search", label: "Search name or venue", value: filters.q, autocomplete: "off" }),
    statusFilterField(filters.status, eventStatusLabels()),
    field({ id: "filter-from", name: "from", type: "date", label: "Starts on or after", value: filters.from }),
    field({ id: "filter-to", name: "to", type: "date", label: "Starts on or before", value: filters.to }),
    h(
      "div",
      { class: "filters__actions" },
      h("button", { type: "submit", id: "filter-apply", class: "button button--primary" }, "Show events"),
      hasFilters(filters) &&
        h("a", { id: "filter-clear", class: "button button--secondary", href: listURL({ scope: filters.scope, page: 1 }) }, "Clear filters"),
    ),
  );
  submitFilters(form, alert, FILTERS, { scope: filters.scope, page: 1 }, (next) => ctx.navigate(listURL(next)));
  return { root: h("div", { class: "filters-box" }, alert, form), form, alert };
}

function invalidFilters(filterForm, err) {
  const unplaced = showFieldErrors(filterForm.form, fieldErrors(err));
  filterForm.alert.textContent = ["Some filters are not valid; correct them to see events.", ...unplaced].join(" ");
  return emptyState(h("p", null, "Correct the filters above to see your events."));
}

function results(result, filters, { prices, timeZone }) {
  if (result.items.length === 0) {
    return emptyList(result, filters);
  }
  const caption = filters.scope === "past" ? "Past events" : "Upcoming events";
  return [
    h("p", { id: "events-summary", class: "list-summary" }, summary(result, filters)),
    eventTable(result.items, { id: "events-table", caption, prices, timeZone }),
    pagination("events-pagination", result, (page) => listURL({ ...filters, page })),
  ];
}


function summary(result, filters) {
  const noun = result.totalItems === 1 ? "event" : "events";
  const kind = filters.scope === "past" ? "past" : "upcoming";
  return `${result.totalItems} ${kind} ${noun}${hasFilters(filters) ? " matching your filters" : ""}.`;
}

function emptyList(result, filters) {
  if (hasFilters(filters)) {
    return emptyState(
      h("p", null, "No events match your filters."),
      h("p", null, h("a", { href: listURL({ scope: filters.scope, page: 1 }) }, "Clear the filters"), " to see every event."),
    );
  }
  if (result.totalItems > 0) {
    // A page past the end (an old link): offer the first one.
    return emptyState(h("p", null, "There are no events on this page."), h("p", null, h("a", { href: listURL({ ...filters, page: 1 }) }, "Go to the first page")));
  }
  if (filters.scope === "past") {
    return emptyState(h("p", null, "You have no past events yet."));
  }
  return emptyState(
    h("p", null, "You have no upcoming events."),
    can("book_events") && h("p", null, h("a", { href: BOOK }, "Book an event"), " and it will appear here."),
  );
}

/** exportControls is the "Export CSV" button of the list's filters and where it reports. */
function exportControls(filters) {
  const status = statusMessage("events-export-status");
  const alert = formAlert("events-export-error");
  const button = h("button", { type: "button", id: "events-export", class: "button button--secondary button--small" }, "Export CSV");
  button.addEventListener("click", async () => {
    alert.textContent = "";
    status.textContent = "";
    setBusy(button, true, "Preparing…");
    try {
      await downloadFile(eventsCsvURL(filters), `events-${filters.scope}.csv`);
      status.textContent = "The CSV file of this list has been downloaded.";
    } catch (err) {
      alert.textContent = `The export failed. ${errorMessage(err)}`;
    } finally {
      setBusy(button, false);
    }
  });
  return { button, messages: [alert, status] };
}
