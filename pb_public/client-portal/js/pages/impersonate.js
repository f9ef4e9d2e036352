// "Sign in as client" (spec A7): the dashboard links an admin to /client-portal/impersonate/{id}.
// With the dashboard's session found in this browser it takes one click to open the portal as the
// contact; otherwise the admin signs in here first. The admin's credentials live only in a separate
// in-memory client for this page: the portal itself only ever holds the contact's session.
import { h } from "../dom.js";
import PocketBase, { BaseAuthStore, isTokenExpired } from "/client-portal/vendor/pocketbase/pocketbase.es.mjs";
import { CONTACTS, contactName } from "../auth.js";
import { errorMessage } from "../errors.js";
import { clearFieldErrors, field, formAlert, setBusy, showFieldErrors, showRequestError, emailField } from "../forms.js";
import { startImpersonation } from "../impersonation.js";
import { HOME } from "../paths.js";

// The dashboard keeps its superuser session in localStorage under keys starting with this.
const DASHBOARD_KEY_PREFIX = "__pb_superusers__";
const DASHBOARD = "/_/";
const SUPERUSERS = "_superusers";

export async function render(root, ctx) {
  const contactId = ctx.params.id;
  const admin = new PocketBase(window.location.origin, new BaseAuthStore());
  const session = dashboardSession();
  if (session) {
    admin.authStore.save(session.token, session.record);
  }

  const card = h("section", { class: "card auth-card", "aria-labelledby": "impersonate-title" });
  root.append(card);

  function title(text) {
    return h("h1", { id: "impersonate-title", class: "auth-card__title" }, text);
  }

  function showProblem(message) {
    card.replaceChildren(
      title("The portal can't be opened"),
      h("p", { class: "alert", role: "alert", id: "impersonate-error" }, message),
      h("p", { class: "auth-card__footer" }, h("a", { href: DASHBOARD }, "Back to the dashboard")),
    );
  }

  async function showConfirm() {
    let contact;
    try {
      contact = await admin.collection(CONTACTS).getOne(contactId, { expand: "client", requestKey: null });
    } catch (err) {
      if (err?.status === 401 || err?.status === 403) {
        admin.authStore.clear();
        showSignIn("Your dashboard session has ended. Please sign in again.");
      } else if (err?.status === 404) {
        showProblem("There is no contact with this id. Open the contact again from the dashboard.");
      } else {
        showProblem(errorMessage(err));
      }
      return;
    }
    const name = contactName(contact);
    const company = contact.expand?.client?.name;
    const alert = formAlert("impersonate-error");
    const start = h(
      "button",
      { type: "button", id: "impersonate-start", class: "button button--primary button--block" },
      `Open the portal as ${name}`,
    );
    start.addEventListener("click", async () => {
      alert.textContent = "";
      setBusy(start, true, "Opening…");
      try {
        const auth = await admin.send(`/api/portal/impersonate/${encodeURIComponent(contactId)}`, { method: "POST", requestKey: null });
        startImpersonation(auth);
      } catch (err) {
        setBusy(start, false);
        alert.textContent = errorMessage(err);
        return;
      }
      ctx.navigate(HOME, { replace: true });
    });
    card.replaceChildren(
      title(`Open the portal as ${name}?`),
      h(
        "p",
        { class: "auth-card__intro" },
        company ? `${name} of ${company}. ` : `${name}. `,
        `You will see the portal as they do. Everything you do there is recorded under ${admin.authStore.record?.email || "your admin account"}.`,
      ),
      alert,
      start,
      h("p", { class: "auth-card__footer" }, h("a", { href: DASHBOARD }, "Back to the dashboard")),
    );
    start.focus();
  }

  function showSignIn(message = "") {
    const alert = formAlert("admin-signin-error");
    alert.textContent = message;
    const submit = h("button", { type: "submit", id: "admin-signin-submit", class: "button button--primary button--block" }, "Sign in");
    const form = h(
      "form",
      { id: "admin-signin-form", class: "form", novalidate: true },
      emailField({ id: "admin-email", name: "email", label: "Admin email" }),
      field({ id: "admin-password", name: "password", type: "password", label: "Password", autocomplete: "current-password", required: true }),
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
        missing.email = "Enter your admin email address.";
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
        await admin.collection(SUPERUSERS).authWithPassword(email, password, { requestKey: null });
      } catch (err) {
        setBusy(submit, false);
        showRequestError(form, alert, err, { 400: "Email or password is incorrect." });
        return;
      }
      await showConfirm();
    });
    card.replaceChildren(
      title("Sign in as an admin"),
      h("p", { class: "auth-card__intro" }, "Only agency admins can open the portal as a contact. Sign in with your dashboard account."),
      alert,
      form,
    );
  }

  if (admin.authStore.isValid) {
    await showConfirm();
  } else {
    showSignIn();
  }
}

/** dashboardSession returns the dashboard's superuser session ({ token, record }) if one is valid. */
function dashboardSession() {
  let keys = [];
  try {
    keys = Object.keys(localStorage).filter((key) => key.startsWith(DASHBOARD_KEY_PREFIX));
  } catch {
    return null;
  }
  for (const key of keys) {
    try {
      const value = JSON.parse(localStorage.getItem(key));
      if (typeof value?.token === "string" && value.token && !isTokenExpired(value.token)) {
        return { token: value.token, record: value.record ?? null };
      }
    } catch {
      // not the dashboard's JSON; try the next key
    }
  }
  return null;
}
