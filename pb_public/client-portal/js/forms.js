// Form building blocks shared by every portal form: a labelled field with its own error slot, and
// helpers that show or clear per-field messages (from local checks or errors.fieldErrors) accessibly,
// report a failed request, and mark a submit button busy.
import { h } from "./dom.js";
import { statusMessage } from "./components.js";
import { errorMessage, fieldErrors } from "./errors.js";

/**
 * field builds a labelled control with an error slot linked through aria-describedby.
 * options: id, label, name, type (default "text"; also "textarea" and "select"), hint, value (the
 * initial value), options (for "select": [{ value, label }]), and any other control attributes
 * (autocomplete, required, inputmode…). The control is reachable as form.elements[name].
 */
export function field({ id, label, name, type = "text", hint, value, options = [], ...attrs }) {
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const common = {
    class: "field__input",
    id,
    name,
    "aria-describedby": [hintId, errorId].filter(Boolean).join(" "),
    ...attrs,
  };
  let control;
  if (type === "textarea") {
    control = h("textarea", { rows: "3", ...common }, value ?? "");
  } else if (type === "select") {
    const selected = String(value ?? "");
    control = h(
      "select",
      common,
      options.map((option) => h("option", { value: option.value, selected: String(option.value) === selected }, option.label)),
    );
  } else {
    control = h("input", { ...common, type, value });
  }
  return h(
    "div",
    { class: "field" },
    h("label", { class: "field__label", for: id }, label),
    hint && h("p", { class: "field__hint", id: hintId }, hint),
    control,
    h("p", { class: "field__error", id: errorId }),
  );
}

/**
 * emailField is field() for an email address: the type, keyboard and autocorrect settings every
 * email input of the portal shares, so phones offer the right keyboard and never capitalise it.
 * autocomplete defaults to "username" (sign-in forms); pass "email" or "off" elsewhere.
 */
export function emailField({ autocomplete = "username", ...options }) {
  return field({
    type: "email",
    autocomplete,
    autocapitalize: "none",
    spellcheck: "false",
    inputmode: "email",
    required: true,
    ...options,
  });
}

/** valuesOf returns { name: trimmed value } for the named controls of form. */
export function valuesOf(form, names) {
  const out = {};
  for (const name of names) {
    out[name] = String(form.elements.namedItem(name)?.value ?? "").trim();
  }
  return out;
}

/** formAlert is the form-level error slot, announced when text appears (role="alert"). */
export function formAlert(id) {
  return h("div", { id, class: "alert", role: "alert" });
}

/**
 * showRequestError reports a failed request on form: the server's field errors next to their
 * fields, anything else (or what no field of the form can show) in alert. `overrides` maps HTTP
 * statuses to fixed messages (see errors.errorMessage).
 */
export function showRequestError(form, alert, err, overrides = {}) {
  const errors = fieldErrors(err);
  if (err?.status === 400 && Object.keys(errors).length > 0) {
    alert.textContent = showFieldErrors(form, errors).join(" ");
    return;
  }
  alert.textContent = errorMessage(err, overrides);
}

/**
 * setBusy disables button while a request runs and swaps its label for busyLabel (e.g.
 * "Saving…"); the original label comes back afterwards.
 */
export function setBusy(button, busy, busyLabel) {
  button.dataset.label ??= button.textContent;
  button.disabled = busy;
  button.setAttribute("aria-busy", String(busy));
  button.textContent = busy && busyLabel ? busyLabel : button.dataset.label;
}

/** setFieldError shows message under the field named `name` in form (empty message clears it). */
export function setFieldError(form, name, message) {
  const input = form.elements.namedItem(name);
  if (!input || !input.id) {
    return false;
  }
  const slot = form.querySelector(`#${CSS.escape(input.id)}-error`);
  if (slot) {
    slot.textContent = message ?? "";
  }
  if (message) {
    input.setAttribute("aria-invalid", "true");
  } else {
    input.removeAttribute("aria-invalid");
  }
  return Boolean(slot);
}

/**
 * showFieldErrors shows each { name: message } next to its field and moves focus to the first
 * one, so keyboard and screen-reader users land on the problem. Returns the messages it could not
 * place (fields the form doesn't have), which callers show in the form's alert instead.
 */
export function showFieldErrors(form, errors) {
  const unplaced = [];
  let first = null;
  for (const [name, message] of Object.entries(errors)) {
    if (setFieldError(form, name, message)) {
      first ??= form.elements.namedItem(name);
    } else {
      unplaced.push(message);
    }
  }
  first?.focus();
  return unplaced;
}

/** clearFieldErrors removes every field message in form. */
export function clearFieldErrors(form) {
  for (const input of form.querySelectorAll("[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
  }
  for (const slot of form.querySelectorAll(".field__error")) {
    slot.textContent = "";
  }
}

/**
 * handleSubmit runs the usual save cycle on form's submit: clear old messages, check(form) for
 * local mistakes ({ field: message }), mark submit busy, await save(form) and announce the message
 * it resolves to in status; a failed save shows the server's field errors next to the fields and
 * anything else in alert.
 * options: submit (button), busyLabel, alert (formAlert), status (components.statusMessage),
 * check (optional), save, overrides (status → message, see errors.errorMessage).
 */
export function handleSubmit(form, { submit, busyLabel, alert, status, check, save, overrides }) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    alert.textContent = "";
    if (status) {
      status.textContent = "";
    }
    clearFieldErrors(form);
    const errors = check ? check(form) : {};
    if (Object.keys(errors).length) {
      alert.textContent = showFieldErrors(form, errors).join(" ");
      return;
    }
    setBusy(submit, true, busyLabel);
    let message;
    try {
      message = await save(form);
    } catch (err) {
      showRequestError(form, alert, err, overrides);
      return;
    } finally {
      setBusy(submit, false);
    }
    if (status && message) {
      status.textContent = message;
    }
  });
}

/**
 * savingForm builds a form that saves on its own, as the profile and company cards do: an alert for
 * what went wrong, a status line for what worked, the children and the submit button (plus any
 * `extraButtons`), wired through handleSubmit. Element ids derive from `id` ("details" gives
 * details-form, details-submit, details-error, details-status) unless `submitId` names the button.
 * Returns { alert, status, form, submit } for the card to place and for extra handlers.
 */
export function savingForm({ id, submitLabel, submitId, busyLabel = "Saving…", extraButtons = [], check, save, overrides }, ...children) {
  const alert = formAlert(`${id}-error`);
  const status = statusMessage(`${id}-status`);
  const submit = h("button", { type: "submit", id: submitId ?? `${id}-submit`, class: "button button--primary" }, submitLabel);
  const form = h(
    "form",
    { id: `${id}-form`, class: "form", novalidate: true },
    ...children,
    h("div", { class: "form__actions" }, submit, ...extraButtons),
  );
  handleSubmit(form, { submit, busyLabel, alert, status, check, save, overrides });
  return { alert, status, form, submit };
}

/**
 * submitFilters makes a list's filter form, on submit, read the named fields (trimmed) into a copy
 * of base, refuse a "to" date before the "from" date (in alert and under the field), and hand the
 * filters to go (which navigates to the filtered list's URL).
 */
export function submitFilters(form, alert, names, base, go) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    alert.textContent = "";
    const next = { ...base };
    for (const key of names) {
      next[key] = String(form.elements.namedItem(key).value ?? "").trim();
    }
    if (next.from && next.to && next.to < next.from) {
      alert.textContent = showFieldErrors(form, { to: "Choose a date on or after the first one." }).join(" ");
      return;
    }
    go(next);
  });
}

/** statusFilterField is a list filter's "Status" select: "Any status" and each label by value. */
export function statusFilterField(value, labels) {
  return field({
    id: "filter-status",
    name: "status",
    type: "select",
    label: "Status",
    value,
    options: [{ value: "", label: "Any status" }, ...Object.entries(labels).map(([v, label]) => ({ value: v, label }))],
  });
}
