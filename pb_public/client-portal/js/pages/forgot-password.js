// Forgot-password page (spec A3): the contact gives their email and gets a link to choose a new
// password. The answer is the same whether or not an account exists, so the page never reveals
// who has one.
import { h } from "../dom.js";
import { pb } from "../pb.js";
import { CONTACTS } from "../auth.js";
import { statusMessage } from "../components.js";
import { clearFieldErrors, formAlert, setBusy, showFieldErrors, showRequestError, emailField } from "../forms.js";
import { SIGN_IN } from "../paths.js";

const MESSAGES = { 429: "Too many requests, try again in a few minutes." };

export async function render(root) {
  const intro = h("p", { class: "auth-card__intro" }, "Enter the email address you sign in with and we will send you a link to choose a new password.");
  const alert = formAlert("forgot-error");
  const status = statusMessage("forgot-status");
  const submit = h("button", { type: "submit", id: "forgot-submit", class: "button button--primary button--block" }, "Send me a link");
  const form = h(
    "form",
    { id: "forgot-form", class: "form", novalidate: true },
    emailField({ id: "forgot-email", name: "email", label: "Email" }),
    submit,
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    alert.textContent = "";
    clearFieldErrors(form);
    const email = form.elements.email.value.trim();
    if (!email || !form.elements.email.checkValidity()) {
      showFieldErrors(form, { email: email ? "Enter an email address like name@company.com." : "Enter your email address." });
      return;
    }
    setBusy(submit, true, "Sending…");
    try {
      await pb.collection(CONTACTS).requestPasswordReset(email);
    } catch (err) {
      setBusy(submit, false);
      showRequestError(form, alert, err, MESSAGES);
      return;
    }
    status.textContent = `If an account exists for ${email}, we have sent a link to choose a new password. It expires in 30 minutes.`;
    // The form goes (it had the focus), so focus moves to the answer.
    form.hidden = true;
    intro.hidden = true;
    status.tabIndex = -1;
    status.focus();
  });

  root.append(
    h(
      "section",
      { class: "card auth-card", "aria-labelledby": "forgot-title" },
      h("h1", { id: "forgot-title", class: "auth-card__title" }, "Reset your password"),
      intro,
      status,
      alert,
      form,
      h("p", { class: "auth-card__footer" }, h("a", { href: SIGN_IN }, "Back to sign in")),
    ),
  );
}
