// Choosing a new password, the same way everywhere (activation, reset, profile): a new password and
// its confirmation, with the rules checked before the request so the contact learns them at once.
// The server checks again; its field errors use the same names (password, passwordConfirm).
import { field } from "./forms.js";

/** MIN_LENGTH matches the contacts collection's password field (PocketBase's default minimum). */
export const MIN_LENGTH = 8;
// bcrypt only uses the first 72 bytes; PocketBase refuses longer passwords.
const MAX_LENGTH = 71;

/**
 * newPasswordFields returns the two fields; ids start with idPrefix (e.g. "activate" →
 * "activate-password", "activate-password-confirm").
 */
export function newPasswordFields(idPrefix, { label = "New password" } = {}) {
  return [
    field({
      id: `${idPrefix}-password`,
      name: "password",
      type: "password",
      label,
      hint: `At least ${MIN_LENGTH} characters. A few unrelated words make a strong password.`,
      autocomplete: "new-password",
      minlength: String(MIN_LENGTH),
      maxlength: String(MAX_LENGTH),
      required: true,
    }),
    field({
      id: `${idPrefix}-password-confirm`,
      name: "passwordConfirm",
      type: "password",
      label: "Type it again",
      autocomplete: "new-password",
      required: true,
    }),
  ];
}

/** checkNewPassword returns { field: message } for what is wrong with the two fields of form. */
export function checkNewPassword(form) {
  const password = form.elements.password.value;
  const confirm = form.elements.passwordConfirm.value;
  const errors = {};
  if (!password) {
    errors.password = "Choose a password.";
  } else if (password.length < MIN_LENGTH) {
    errors.password = `Use at least ${MIN_LENGTH} characters.`;
  } else if (new TextEncoder().encode(password).length > MAX_LENGTH) {
    errors.password = `Use at most ${MAX_LENGTH} characters.`;
  } else if (confirm !== password) {
    errors.passwordConfirm = confirm ? "The two passwords are not the same." : "Type the password again.";
  }
  return errors;
}
