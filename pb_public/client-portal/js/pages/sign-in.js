// Sign-in page (spec A3): email and password for contacts. Failures get one message that never
// says whether the email exists; after success the contact continues to the page they asked for.
// When the agency has closed the whole portal (spec A1) the page says so before anyone tries; the
// agency's sign-in snippet (spec M2), the one content anyone may read, shows above the form.
import { h } from "../dom.js";
import { pb } from "../pb.js";
import { notice } from "../components.js";
import { field, clearFieldErrors, formAlert, setBusy, showFieldErrors, emailField } from "../forms.js";
import { errorMessage, serverMessage } from "../errors.js";
import { signIn } from "../auth.js";
import { FORGOT_PASSWORD, safeNext } from "../paths.js";
import { SNIPPET, snippetElement, snippetSlot } from "../snippets.js";

const CLOSED = "The client portal is closed at the moment. Please try again later or contact the agency.";

// 0 (unreachable) and 429 (rate limit) use the shared wording in errors.js.
const MESSAGES = { 400: "Email or password is incorrect." };

export async function render(root, ctx) {
  const next = safeNext(ctx.query.get("next"));
  const [status, message] = await Promise.all([portalStatus(), snippetSlot(SNIPPET.signIn)]);
  const alert = formAlert("signin-error");
  const submit = h("button", { type: "submit", id: "signin-submit", class: "button button--primary button--block" }, "Sign in");

  const form = h(
    "form",
    { id: "signin-form", class: "form", novalidate: true },
    emailField({ id: "signin-email", name: "email", label: "Email" }),
    field({
      id: "signin-password",
      name: "password",
      type: "password",
      label: "Password",
      autocomplete: "current-password",
      required: true,
    }),
    submit,
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    alert.textContent = "";
    clearFieldErrors(form);

    const email = form.elements.email.value.trim();
    const password = form.elements.password.value;
    const missing = {};
    if (!email) {
      missing.email = "Enter your email address.";
    } else if (!form.elements.email.checkValidity()) {
      missing.email = "Enter an email address like name@company.com.";
    }
    if (!password) {
      missing.password = "Enter your password.";
    }
    if (Object.keys(missing).length) {
      showFieldErrors(form, missing);
      return;
    }

    setBusy(submit, true, "Signing in…");
    try {
      await signIn(email, password);
    } catch (err) {
      setBusy(submit, false);
      alert.textContent = signInFailure(err);
      if (err?.status === 400) {
        form.elements.password.select();
        form.elements.password.focus();
      }
      return;
    }
    ctx.navigate(next, { replace: true });
  });

  root.append(
    h(
      "section",
      { class: "card auth-card", "aria-labelledby": "signin-title" },
      h("h1", { id: "signin-title", class: "auth-card__title" }, "Sign in"),
      h("p", { class: "auth-card__intro" }, "Sign in to book events, follow your bookings and see your invoices."),
      message,
      status?.enabled === false && closedMessage(status),
      alert,
      form,
      h("p", { class: "auth-card__footer" }, h("a", { href: FORGOT_PASSWORD }, "Forgot password?")),
    ),
  );
}

// 400 (wrong email or password, or no such contact) always gets the same sentence. A 403 is the
// server refusing a correct sign-in (portal switched off for the company, spec A1); our hook sends
// the reason in plain words, so it is shown as is.
function signInFailure(err) {
  const status = typeof err?.status === "number" ? err.status : 0;
  if (status === 403 && serverMessage(err)) {
    return serverMessage(err);
  }
  return errorMessage(err, MESSAGES);
}

// closedMessage says the portal is closed: the admins' snippet when there is one (spec M2), else the
// settings' plain message, else a default.
function closedMessage(status) {
  if (status.snippet) {
    const el = snippetElement(status.snippet);
    el.id = "portal-closed";
    return el;
  }
  return notice("info", h("p", { id: "portal-closed" }, status.message?.trim() || CLOSED));
}

// portalStatus asks whether the portal is open ({ enabled, message, snippet }); null when that is unknown,
// since the sign-in attempt itself will explain a refusal.
async function portalStatus() {
  try {
    return await pb.send("/api/portal/status", { requestKey: null });
  } catch {
    return null;
  }
}
