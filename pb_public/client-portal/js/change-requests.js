// Changes and cancellation of an event (spec C1–C3), the part of the event page that talks to the
// agency about the booking: the split-event notice (non-atomic events change through the agency),
// the pending request next to the current values with a way to withdraw it, the outcome of the
// last decided request, and the forms to request a change (pre-filled, only changed fields are
// sent) or a cancellation. The server decides what is allowed; the page only hides what it refuses.
import { h } from "./dom.js";
import { currentContact } from "./auth.js";
import { card, notice, statusMessage } from "./components.js";
import { errorMessage } from "./errors.js";
import { askWhichTime, checkEventForm, eventFields, readEventForm, readyToPrice } from "./event-form.js";
import { eventStatusLabel, isFinalStatus } from "./event-status.js";
import { liveEstimate } from "./estimate.js";
import { formatDateTime, formatMoney, parseDate, toLocalInput } from "./format.js";
import { field, formAlert, handleSubmit, setBusy } from "./forms.js";
import { can } from "./permissions.js";
import { loadEventPage, requestChange, withdrawRequest } from "./portal-api.js";
import { bookableProfessions } from "./professions.js";

/** SPLIT_MESSAGE is the server's wording for events split into several positions (spec C2). */
export const SPLIT_MESSAGE =
  "This event was split into several positions with different times or professions, so changes go through the agency.";

/**
 * changesCard builds the "Changes and cancellation" card.
 * options: event (with the computed atomic flag), shifts (expanded profession), requests (newest
 * first), settings (portal settings, or null when unreadable), timeZone, signal (the page's).
 */
export async function changesCard({ event, shifts, requests, settings, timeZone, signal }) {
  const staffCount = Boolean(settings?.clients_set_staff_count);
  const current = currentValues(event, shifts, timeZone);
  const currentProfession = { id: current.profession, name: shifts[0]?.expand?.profession?.name ?? "" };
  const status = statusMessage("changes-status");
  const alert = formAlert("changes-error");
  const body = h("div", { class: "changes" });
  let professions = null;

  async function draw(list) {
    const pending = list.find((r) => r.status === "pending");
    const decided = list.find((r) => r.status === "approved" || r.status === "declined");
    const blocked = refusal(event);
    const parts = [];
    if (!event.atomic) {
      parts.push(
        h(
          "div",
          { id: "split-event-notice", class: "notice notice--info" },
          // The server's sentence names the agency office and its email.
          h("p", null, event.split_notice || SPLIT_MESSAGE),
        ),
      );
    }
    if (pending) {
      parts.push(await pendingBlock(pending));
    }
    if (decided) {
      parts.push(outcome(decided, timeZone));
    }
    if (!pending && can("request_changes")) {
      if (!blocked) {
        professions ??= await bookableProfessions();
        parts.push(requestForms());
      } else if (event.atomic) {
        parts.push(notice("info", h("p", null, blocked)));
      }
    }
    if (parts.length === 0) {
      parts.push(h("p", { class: "card__intro" }, blocked || "No changes have been requested for this event."));
    }
    body.replaceChildren(...parts);
  }

  /** refresh reloads the requests (through the page's one call) and redraws, then announces message. */
  async function refresh(message = "") {
    status.textContent = "";
    try {
      await draw((await loadEventPage(event.id)).change_requests);
    } catch (err) {
      alert.textContent = `The requests could not be reloaded. ${errorMessage(err)}`;
      return;
    }
    status.textContent = message;
  }

  async function pendingBlock(request) {
    const isCancellation = request.kind === "cancellation";
    const titleId = "pending-request-title";
    // Only roles that may request changes may withdraw one; the others see the request, no button.
    const withdraw = can("request_changes")
      ? h("button", { type: "button", id: "withdraw-request", class: "button button--secondary" }, "Withdraw request")
      : null;
    withdraw?.addEventListener("click", async () => {
      alert.textContent = "";
      status.textContent = "";
      setBusy(withdraw, true, "Withdrawing…");
      try {
        await withdrawRequest(request.id);
      } catch (err) {
        setBusy(withdraw, false);
        alert.textContent = errorMessage(err);
        if (err?.status === 409) {
          await refresh(); // decided meanwhile: show how
        }
        return;
      }
      await refresh(isCancellation ? "Your cancellation request was withdrawn." : "Your change request was withdrawn.");
      body.querySelector("#change-open, #cancel-open")?.focus();
    });
    return h(
      "section",
      { id: "pending-request", class: "request request--pending", "aria-labelledby": titleId, dataset: { kind: request.kind } },
      h(
        "h3",
        { class: "request__title", id: titleId },
        isCancellation ? "Cancellation requested" : "Change requested",
        h("span", { class: "request__state" }, " · waiting for the agency"),
      ),
      h("p", { class: "request__meta" }, `Requested by ${requester(request)} on ${formatDateTime(request.created, timeZone)}.`),
      isCancellation
        ? h("p", null, `${capitalize(requester(request))} asked the agency to cancel this event. It stays booked until they agree.`)
        : comparison(request.summary),
      request.reason && h("p", { class: "request__reason" }, h("strong", null, "Reason: "), request.reason),
      can("view_prices") &&
        request.estimated_price > 0 &&
        h("p", { class: "request__price" }, `New estimated price: ${formatMoney(request.estimated_price, request.currency || event.currency)}`),
      withdraw && h("div", { class: "form__actions" }, withdraw),
    );
  }

  /** comparison shows the server's words for the request (the same as its emails): current → proposed. */
  function comparison(summary) {
    const rows = (Array.isArray(summary) ? summary : []).map(({ field, label, before, after }) =>
      h(
        "tr",
        { dataset: { field } },
        h("th", { scope: "row" }, label),
        h("td", { class: "compare__current" }, before || "—"),
        h("td", { class: "compare__proposed" }, after || "—"),
      ),
    );
    return h(
      "table",
      { class: "compare" },
      h("caption", { class: "visually-hidden" }, "Current and proposed values"),
      h(
        "thead",
        null,
        h("tr", null, h("td"), h("th", { scope: "col" }, "Current"), h("th", { scope: "col" }, h("span", { "aria-hidden": "true" }, "→ "), "Proposed")),
      ),
      h("tbody", null, rows),
    );
  }

  /** requestForms is the two ways to ask: a change, or a cancellation, each behind its button. */
  function requestForms() {
    const change = changeForm();
    const cancel = cancelForm();
    const openChange = h(
      "button",
      { type: "button", id: "change-open", class: "button button--primary", "aria-expanded": "false", "aria-controls": "change-panel" },
      "Request a change",
    );
    const openCancel = h(
      "button",
      { type: "button", id: "cancel-open", class: "button button--secondary", "aria-expanded": "false", "aria-controls": "cancel-panel" },
      "Request cancellation",
    );
    const panels = [
      [openChange, change],
      [openCancel, cancel],
    ];
    function toggle(which) {
      for (const [button, panel] of panels) {
        const open = button === which && button.getAttribute("aria-expanded") !== "true";
        button.setAttribute("aria-expanded", String(open));
        panel.root.hidden = !open;
        if (open) {
          panel.opened();
        }
      }
    }
    openChange.addEventListener("click", () => toggle(openChange));
    openCancel.addEventListener("click", () => toggle(openCancel));
    return h(
      "div",
      { class: "request-actions" },
      h("p", { class: "card__intro" }, "The event stays as it is until the agency approves your request."),
      h("div", { class: "form__actions" }, openChange, openCancel),
      change.root,
      cancel.root,
    );
  }

  function changeForm() {
    const formAlertSlot = formAlert("change-error");
    const submit = h("button", { type: "submit", id: "change-submit", class: "button button--primary" }, "Send change request");
    const initial = { ...current };
    if (!staffCount) {
      delete initial.staff_count;
    }
    const form = h(
      "form",
      { id: "change-form", class: "form", novalidate: true },
      eventFields({ prefix: "change", values: initial, professions, staffCount, timeZone, currentProfession }),
      field({
        id: "change-reason",
        name: "reason",
        type: "textarea",
        label: "Reason for the change",
        hint: "Helps the agency decide quickly.",
        maxlength: "2000",
      }),
    );
    // Only where clients set the count: otherwise the server would price the agency's default
    // count, not this event's, and the figure would mislead.
    const estimate = can("view_prices") && staffCount
      ? liveEstimate({
          id: "change-estimate",
          form,
          label: "New estimated price",
          body: () => ({ ...readEventForm(form, { staffCount }), resources: [], terms_accepted: true }),
          ready: () => readyToPrice(readEventForm(form, { staffCount }), { staffCount }),
          signal,
        })
      : null;
    if (estimate) {
      form.append(estimate.root);
    }
    form.append(h("div", { class: "form__actions" }, submit));

    handleSubmit(form, {
      submit,
      busyLabel: "Sending…",
      alert: formAlertSlot,
      check: (f) => {
        const values = readEventForm(f, { staffCount });
        const errors = checkEventForm(values, { staffCount });
        if (Object.keys(errors).length === 0 && Object.keys(changedFields(values, initial)).length === 0) {
          errors.proposed = "Change at least one value, or use Request cancellation.";
        }
        return errors;
      },
      save: async (f) => {
        const values = readEventForm(f, { staffCount });
        const proposed = changedFields(values, initial);
        for (const answer of ["start_occurrence", "end_occurrence"]) {
          if (values[answer]) {
            proposed[answer] = values[answer];
          }
        }
        const reason = String(f.elements.reason.value ?? "").trim();
        try {
          await send({ kind: "change", proposed, reason }, "Your change request was sent to the agency. You'll get an email when they decide.");
        } catch (err) {
          askWhichTime(f, err);
          throw err;
        }
        return "";
      },
    });
    return {
      root: h("div", { id: "change-panel", class: "request-panel", hidden: true }, h("h3", { class: "request-panel__title" }, "Request a change"), formAlertSlot, form),
      opened: () => {
        form.elements.name.focus();
        estimate?.refresh();
      },
    };
  }

  function cancelForm() {
    const formAlertSlot = formAlert("cancel-error");
    const submit = h("button", { type: "submit", id: "cancel-submit", class: "button button--danger" }, "Request cancellation");
    const form = h(
      "form",
      { id: "cancel-form", class: "form", novalidate: true },
      field({
        id: "cancel-reason",
        name: "reason",
        type: "textarea",
        label: "Why do you want to cancel?",
        hint: "The agency reviews the request; cancellation terms may apply.",
        maxlength: "2000",
        required: true,
      }),
      h("div", { class: "form__actions" }, submit),
    );
    handleSubmit(form, {
      submit,
      busyLabel: "Sending…",
      alert: formAlertSlot,
      check: (f) => (String(f.elements.reason.value).trim() ? {} : { reason: "Tell the agency why you want to cancel." }),
      save: async (f) => {
        await send(
          { kind: "cancellation", reason: String(f.elements.reason.value).trim() },
          "Your cancellation request was sent to the agency. The event stays booked until they agree.",
        );
        return "";
      },
    });
    return {
      root: h("div", { id: "cancel-panel", class: "request-panel", hidden: true }, h("h3", { class: "request-panel__title" }, "Request cancellation"), formAlertSlot, form),
      opened: () => form.elements.reason.focus(),
    };
  }

  /**
   * send posts the request. A 409 (split meanwhile, started, another pending request…) redraws the
   * card as it now is and shows why in the card's alert; field errors go back to the form.
   */
  async function send(payload, done) {
    try {
      await requestChange(event.id, payload);
    } catch (err) {
      if (err?.status === 409) {
        await refresh();
        alert.textContent = errorMessage(err);
        return;
      }
      throw err;
    }
    await refresh(done);
    body.querySelector("#withdraw-request")?.focus();
  }

  await draw(requests);
  return card({ id: "changes", title: "Changes and cancellation" }, alert, status, body);
}

/** currentValues is the event as the change form shows it (wall-clock times in the agency's zone). */
function currentValues(event, shifts, timeZone) {
  return {
    name: event.name ?? "",
    venue: event.venue ?? "",
    address: event.address ?? "",
    notes: event.notes ?? "",
    start: toLocalInput(event.starts_at, timeZone),
    end: toLocalInput(event.ends_at, timeZone),
    profession: shifts[0]?.profession ?? "",
    staff_count: shifts.reduce((sum, s) => sum + (Number(s.staff_count) || 0), 0),
  };
}

/** changedFields keeps the values that differ from initial (what a change request proposes). */
function changedFields(values, initial) {
  const out = {};
  for (const [key, value] of Object.entries(values)) {
    if (Object.hasOwn(initial, key) && value !== initial[key]) {
      out[key] = value;
    }
  }
  return out;
}

/** refusal says why the event can't take a request now (mirrors the server), or "". */
function refusal(event) {
  if (isFinalStatus(event.status)) {
    return `This event is ${eventStatusLabel(event.status).toLowerCase()}, so it can no longer be changed.`;
  }
  const start = parseDate(event.starts_at);
  if (start && start <= new Date()) {
    return "This event has already started, so it can no longer be changed from the portal. Please call the agency.";
  }
  return event.atomic ? "" : event.split_notice || SPLIT_MESSAGE;
}

/**
 * requester names who asked: "you" only for the viewer's own requests, else the colleague's name,
 * which the server adds for every role (requested_by_name).
 */
function requester(request) {
  const me = currentContact();
  if (request.requested_by && request.requested_by === me?.id) {
    return "you";
  }
  return request.requested_by_name || "a colleague";
}

function capitalize(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** whose is "Your" for the viewer's own request, else "Sam Patel's" (or "A colleague's"). */
function whose(request) {
  const who = requester(request);
  return who === "you" ? "Your" : `${capitalize(who)}'s`;
}

function outcome(request, timeZone) {
  const what = request.kind === "cancellation" ? "cancellation request" : "change request";
  const when = formatDateTime(request.decided_at || request.updated, timeZone);
  const approved = request.status === "approved";
  return h(
    "div",
    { id: "last-request", class: `notice notice--${approved ? "success" : "info"}`, dataset: { status: request.status } },
    h("p", null, h("strong", null, `${whose(request)} ${what} was ${approved ? "approved" : "declined"}`), ` on ${when}.`),
    !approved && request.decision_reason && h("p", null, "The agency's reason: ", request.decision_reason),
    approved && request.decision_reason && h("p", null, "Note from the agency: ", request.decision_reason),
  );
}
