// Confirming a new email address (spec A5): the link emailed to the new address opens this page,
// which asks for the current password before the change. The change ends every session of the
// contact, so they sign in again with the new address.
import { h } from "../dom.js";
import { pb } from "../pb.js";
import { CONTACTS, signOut } from "../auth.js";
import { statusMessage } from "../components.js";
import { fieldErrors } from "../errors.js";
import { clearFieldErrors, field, formAlert, setBusy, showFieldErrors, showRequestError } from "../forms.js";
import { SIGN_IN } from "../paths.js";
import { getTokenPayload } from "/client-portal/vendor/pocketbase/pocketbase.es.mjs";

export async function render(root, ctx) {
  const token = ctx.query.get("token") ?? "";
  const payload = token ? getTokenPayload(token) : {};
  const newEmail = typeof payload.newEmail === "string" ? payload.newEmail : "";
  const expired = !newEmail || (typeof payload.exp === "number" && payload.exp * 1000 < Date.now());

  const card = h("section", { class: "card auth-card", "aria-labelledby": "confirm-email-title" });
  root.append(card);

  function showExpired() {
    ctx.setTitle("Link expired");
    card.replaceChildren(
      h("h1", { id: "confirm-email-title", class: "auth-card__title" }, "This link no longer works"),
      h(
        "div",
        { id: "link-expired" },
        h("p", null, "This link to confirm a new email address has expired or was already used."),
        h("p", null, "Sign in with your current email address and ask for the change again from My profile."),
      ),
      h("p", { class: "auth-card__footer" }, h("a", { href: SIGN_IN }, "Go to sign in")),
    );
  }

  if (expired) {
    showExpired();
    return;
  }

  const alert = formAlert("confirm-email-error");
  const status = statusMessage("confirm-email-status");
  const submit = h("button", { type: "submit", id: "confirm-email-submit", class: "button button--primary button--block" }, "Confirm new email");
  const form = h(
    "form",
    { id: "confirm-email-form", class: "form", novalidate: true },
    field({
      id: "confirm-email-password",
      name: "password",
      type: "password",
      label: "Current password",
      hint: "The password you sign in with now.",
      autocomplete: "current-password",
      required: true,
    }),
    submit,
  );
  const intro = h("p", { class: "auth-card__intro" }, `Enter your password to make ${newEmail} your email address for the portal.`);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    alert.textContent = "";
    clearFieldErrors(form);
    const password = form.elements.password.value;
    if (!password) {
      showFieldErrors(form, { password: "Enter your current password." });
      return;
    }
    setBusy(submit, true, "Confirming…");
    try {
      await pb.collection(CONTACTS).confirmEmailChange(token, password);
    } catch (err) {
      setBusy(submit, false);
      const errors = fieldErrors(err);
      if (err?.status === 400 && errors.token) {
        showExpired();
      } else if (err?.status === 400 && errors.password) {
        showFieldErrors(form, { password: "That password is not right. Enter the password you sign in with now." });
      } else {
        showRequestError(form, alert, err);
      }
      return;
    }
    // Every session of the contact has ended, this one included.
    signOut();
    form.hidden = true;
    intro.hidden = true;
    status.replaceChildren(`Your email address is now ${newEmail}. Please sign in again with it.`);
    status.tabIndex = -1;
    status.focus();
    card.append(h("p", null, h("a", { class: "button button--primary button--block", href: SIGN_IN, id: "confirm-email-sign-in" }, "Sign in")));
  });

  card.append(
    h("h1", { id: "confirm-email-title", class: "auth-card__title" }, "Confirm your new email address"),
    intro,
    status,
    alert,
    form,
  );
}
