// Choosing a password through an emailed link (spec A2, A3). One page for both links, by
// ctx.props.mode: "activate" (invitation: the contact picks their first password) and "reset"
// (forgot password). The link is checked before the contact types anything; an expired or used link
// says how to get a new one. Afterwards the contact is signed in and lands on the home page.
import { h } from "../dom.js";
import { pb } from "../pb.js";
import { CONTACTS, signIn } from "../auth.js";
import { errorMessage, fieldErrors, serverMessage } from "../errors.js";
import { clearFieldErrors, field, formAlert, setBusy, showFieldErrors, showRequestError } from "../forms.js";
import { checkNewPassword, newPasswordFields } from "../passwords.js";
import { FORGOT_PASSWORD, HOME, SIGN_IN } from "../paths.js";

const MODES = {
  activate: {
    title: "Activate your account",
    intro: (link) => `Welcome, ${link.name || link.email} — choose your password`,
    submit: "Activate and sign in",
    expired: "This activation link has expired or was already used.",
    help: () =>
      h(
        "p",
        null,
        "Ask a colleague who manages contacts in your company, or your agency contact, to send a new invitation.",
      ),
  },
  reset: {
    title: "Choose a new password",
    intro: (link) => `Choose a new password for ${link.email}.`,
    submit: "Save password and sign in",
    expired: "This link to choose a new password has expired or was already used.",
    help: () =>
      h("p", null, "You can ", h("a", { href: FORGOT_PASSWORD, id: "request-new-link" }, "request a new link"), " at any time."),
  },
};

export async function render(root, ctx) {
  const mode = MODES[ctx.props.mode] ?? MODES.activate;
  const token = ctx.query.get("token") ?? "";
  const link = await checkLink(token);

  const card = h("section", { class: "card auth-card", "aria-labelledby": "password-title" });
  root.append(card);

  function showExpired() {
    ctx.setTitle("Link expired");
    card.replaceChildren(
      h("h1", { id: "password-title", class: "auth-card__title" }, "This link no longer works"),
      h("div", { id: "link-expired" }, h("p", null, mode.expired), mode.help()),
      h("p", { class: "auth-card__footer" }, h("a", { href: SIGN_IN }, "Back to sign in")),
    );
  }

  if (link.expired) {
    showExpired();
    return;
  }
  if (link.error) {
    card.append(
      h("h1", { id: "password-title", class: "auth-card__title" }, mode.title),
      h("p", { role: "alert", class: "alert" }, errorMessage(link.error)),
      h("p", { class: "auth-card__footer" }, h("a", { href: window.location.pathname + window.location.search }, "Try again")),
    );
    return;
  }

  const alert = formAlert("password-error");
  const submit = h("button", { type: "submit", id: "password-submit", class: "button button--primary button--block" }, mode.submit);
  const form = h(
    "form",
    { id: "password-form", class: "form", novalidate: true },
    // The account's email, for password managers to save the new password against.
    field({ id: "password-email", name: "email", type: "email", label: "Email", value: link.email, autocomplete: "username", readonly: true }),
    newPasswordFields("password-new"),
    submit,
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    alert.textContent = "";
    clearFieldErrors(form);
    const errors = checkNewPassword(form);
    if (Object.keys(errors).length) {
      showFieldErrors(form, errors);
      return;
    }
    const password = form.elements.password.value;

    setBusy(submit, true, "Saving…");
    try {
      await pb.collection(CONTACTS).confirmPasswordReset(token, password, form.elements.passwordConfirm.value);
    } catch (err) {
      setBusy(submit, false);
      if (err?.status === 400 && fieldErrors(err).token) {
        showExpired();
      } else if (err?.status === 400 && Object.keys(fieldErrors(err)).length === 0 && serverMessage(err)) {
        alert.textContent = serverMessage(err); // e.g. access withdrawn since the email was sent
      } else {
        showRequestError(form, alert, err);
      }
      return;
    }

    try {
      await signIn(link.email, password);
    } catch (err) {
      // The password is saved; only signing in failed (e.g. the portal is closed for the company).
      card.replaceChildren(
        h("h1", { id: "password-title", class: "auth-card__title" }, "Your password is saved"),
        h("p", { role: "alert", class: "alert" }, err?.status === 403 && serverMessage(err) ? serverMessage(err) : errorMessage(err)),
        h("p", { class: "auth-card__footer" }, h("a", { href: SIGN_IN }, "Go to sign in")),
      );
      return;
    }
    ctx.navigate(HOME, { replace: true });
  });

  card.append(
    h("h1", { id: "password-title", class: "auth-card__title" }, mode.title),
    h("p", { class: "auth-card__intro", id: "password-intro" }, mode.intro(link)),
    alert,
    form,
  );
}

/**
 * checkLink asks the server whether the link still works: { name, email, activating } when it does,
 * { expired: true } when it expired or was used, { error } when the answer could not be had.
 */
async function checkLink(token) {
  if (!token) {
    return { expired: true };
  }
  try {
    return await pb.send("/api/portal/activation", { query: { token }, requestKey: null });
  } catch (err) {
    return err?.status === 410 ? { expired: true } : { error: err };
  }
}
