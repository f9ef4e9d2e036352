// Form building blocks shared by every portal form: a labelled field with its own error slot, and
// helpers that show or clear per-field messages (from local checks or errors.fieldErrors) accessibly.
import { h } from "./dom.js";

/**
 * field builds a labelled input with an error slot linked through aria-describedby.
 * options: id, label, name, type (default "text"), hint, and any other input attributes
 * (autocomplete, required, inputmode…). The input is reachable as wrapper.querySelector("input").
 */
export function field({ id, label, name, type = "text", hint, ...attrs }) {
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  return h(
    "div",
    { class: "field" },
    h("label", { class: "field__label", for: id }, label),
    hint && h("p", { class: "field__hint", id: hintId }, hint),
    h("input", {
      class: "field__input",
      id,
      name,
      type,
      "aria-describedby": [hintId, errorId].filter(Boolean).join(" "),
      ...attrs,
    }),
    h("p", { class: "field__error", id: errorId }),
  );
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
