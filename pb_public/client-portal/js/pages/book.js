// Booking form (spec B1, B3, B4, B5): the reduced form of what the client needs, the live price
// estimate for roles that may see prices, the T&C agreement when the agency uploaded terms, and
// "book again": ?from={eventId} pre-fills everything but the dates from an earlier event. The
// server decides status, price and terms; on success the new event's page opens.
import { h } from "../dom.js";
import { pb } from "../pb.js";
import { card, notice } from "../components.js";
import { isRefused } from "../errors.js";
import { askWhichTime, checkEventForm, eventFields, readEventForm, readyToPrice } from "../event-form.js";
import { liveEstimate } from "../estimate.js";
import { setFlash } from "../flash.js";
import { formatDateRange } from "../format.js";
import { formAlert, handleSubmit } from "../forms.js";
import { eventPath } from "../paths.js";
import { can } from "../permissions.js";
import { bookEvent } from "../portal-api.js";
import { bookableProfessions } from "../professions.js";
import { resourceLines } from "../resource-lines.js";
import { agencyTimeZone, loadSettings, termsURL } from "../settings.js";
import { SNIPPET, snippetSlot } from "../snippets.js";

export async function render(root, ctx) {
  const fromId = ctx.query.get("from") ?? "";
  const [settings, professions, timeZone, source, help] = await Promise.all([
    loadSettings(),
    bookableProfessions(),
    agencyTimeZone(),
    fromId ? loadSource(fromId) : null,
    snippetSlot(SNIPPET.bookingHelp),
  ]);
  // Where the agency sets the number of staff, the form neither asks nor sends it (the server
  // refuses one from the client).
  const staffCount = Boolean(settings.clients_set_staff_count);
  const rebooking = Boolean(source?.event);

  const alert = formAlert("book-error");
  const submit = h("button", { type: "submit", id: "book-submit", class: "button button--primary" }, "Book event");
  const resources = resourceLines({ prefix: "book", initial: source?.resources ?? [] });
  const terms = termsField(settings);
  const form = h(
    "form",
    { id: "book-form", class: "form", novalidate: true },
    h(
      "fieldset",
      { class: "fieldset" },
      h("legend", { class: "fieldset__legend" }, "The event"),
      eventFields({ prefix: "book", values: initialValues(source, settings), professions, staffCount, timeZone }),
    ),
    resources.root,
    terms,
  );
  const estimate = can("view_prices")
    ? liveEstimate({
        id: "book-estimate",
        form,
        // Resources and the T&C tick don't change the price; leaving them out keeps the estimate
        // showing while those parts are still being filled in.
        body: () => ({ ...readEventForm(form, { staffCount }), resources: [], terms_accepted: true }),
        ready: () => readyToPrice(readEventForm(form, { staffCount }), { staffCount }),
        signal: ctx.signal,
      })
    : null;
  if (estimate) {
    form.append(estimate.root);
  }
  form.append(h("div", { class: "form__actions" }, submit));

  handleSubmit(form, {
    submit,
    busyLabel: "Booking…",
    alert,
    check: (f) => {
      const errors = { ...checkEventForm(readEventForm(f, { staffCount }), { staffCount }), ...resources.check() };
      if (terms && !f.elements.terms_accepted.checked) {
        errors.terms_accepted = "Please accept the terms and conditions to book.";
      }
      return errors;
    },
    save: async (f) => {
      const body = {
        ...readEventForm(f, { staffCount }),
        resources: resources.values(),
        terms_accepted: Boolean(terms && f.elements.terms_accepted.checked),
      };
      if (rebooking) {
        body.rebooked_from = source.event.id;
      }
      let event;
      try {
        event = await bookEvent(body);
      } catch (err) {
        if (err?.response?.data && typeof err.response.data === "object") {
          askWhichTime(f, err);
          err.response.data = resources.mapErrors(err.response.data);
        }
        throw err;
      }
      setFlash(eventPath(event.id), "Booked. The agency will confirm it shortly.");
      ctx.navigate(eventPath(event.id));
      return "";
    },
  });

  if (rebooking) {
    ctx.setTitle(`Book again: ${source.event.name}`);
  }
  const parts = [
    h(
      "div",
      { class: "page-header" },
      h(
        "div",
        { class: "page-header__text" },
        h("h1", { class: "page__title" }, rebooking ? "Book again" : "Book an event"),
        h("p", { class: "page__intro" }, "Tell us what you need. The agency confirms every booking, usually within one business day."),
      ),
    ),
    sourceNotice(fromId, source, timeZone),
    help,
    card({ id: "booking", title: "Booking details" }, alert, form),
  ];
  root.append(...parts.filter(Boolean));
}

/** loadSource reads the event to book again: its first shift and its resource lines (spec B5). */
async function loadSource(id) {
  const byEvent = { filter: pb.filter("event = {:e}", { e: id }) };
  try {
    const [event, shifts, lines] = await Promise.all([
      pb.collection("events").getOne(id, { fields: "id,name,venue,address,notes,starts_at,ends_at" }),
      pb.collection("shifts").getFullList({ ...byEvent, sort: "starts_at", fields: "profession,staff_count" }),
      pb.collection("resource_lines").getFullList({ ...byEvent, sort: "created", fields: "name,quantity" }),
    ]);
    return { event, shift: shifts[0] ?? null, resources: lines.map((l) => ({ name: l.name, quantity: l.quantity })) };
  } catch (err) {
    if (isRefused(err)) {
      return { event: null };
    }
    throw err;
  }
}

function initialValues(source, settings) {
  const event = source?.event;
  const count = source?.shift?.staff_count || settings.default_staff_count || 1;
  if (!event) {
    return { staff_count: count };
  }
  // New dates on purpose: the client chooses them (spec B5).
  return {
    name: event.name,
    venue: event.venue,
    address: event.address,
    notes: event.notes,
    profession: source.shift?.profession ?? "",
    staff_count: count,
  };
}

function sourceNotice(fromId, source, timeZone) {
  if (!fromId) {
    return null;
  }
  if (!source?.event) {
    return notice("error", h("p", null, "The event to book again was not found. You can still book a new event below."));
  }
  const { event } = source;
  return h(
    "div",
    { id: "rebook-notice", class: "notice notice--info page-notice" },
    h(
      "p",
      null,
      "Pre-filled from ",
      h("a", { href: eventPath(event.id) }, event.name),
      ` (${formatDateRange(event.starts_at, event.ends_at, timeZone)}). Choose the new dates, check the details and book.`,
    ),
  );
}

/**
 * termsField is the T&C agreement (spec B4), only when the agency uploaded terms: a checkbox with
 * a link to the document, and its own error slot.
 */
function termsField(settings) {
  const url = termsURL(settings);
  if (!url) {
    return null;
  }
  const version = settings.terms_version ? ` (version ${settings.terms_version})` : "";
  return h(
    "div",
    { class: "field field--checkbox" },
    h(
      "div",
      { class: "checkbox" },
      h("input", {
        type: "checkbox",
        id: "book-terms",
        name: "terms_accepted",
        class: "checkbox__input",
        "aria-describedby": "book-terms-error",
        required: true,
      }),
      h(
        "label",
        { class: "checkbox__label", for: "book-terms" },
        "I agree to the ",
        h("a", { href: url, target: "_blank", rel: "noopener" }, "terms and conditions"),
        version,
        ".",
      ),
    ),
    h("p", { class: "field__error", id: "book-terms-error" }),
  );
}
