// Contacts page (spec A2, A6), for contacts whose role may manage contacts: everyone of the company
// with their portal access, an invitation form, and per person the role and the access actions the
// server allows (give access, resend the invitation, disable, restore). The manager's own row is
// read-only: nobody changes their own role or access.
import { h } from "../dom.js";
import { pb } from "../pb.js";
import { CONTACTS, contactName, currentContact } from "../auth.js";
import { card, emptyState, statusMessage } from "../components.js";
import { contactStatusBadge } from "../contact-status.js";
import { errorMessage, fieldErrors } from "../errors.js";
import { field, formAlert, handleSubmit, valuesOf, emailField } from "../forms.js";
import { describePermissions } from "../permissions.js";
import { avatar, fileToken } from "../photos.js";

const INVITE_FIELDS = ["name", "email", "phone", "job_title", "role"];

// A large company's people come a page at a time: every row is a whole contact with its photo and
// actions, and the first page is what a manager mostly needs (the list is in name order).
const PEOPLE_PAGE = 50;

export async function render(root) {
  const me = currentContact();
  const people = (page) =>
    pb.collection(CONTACTS).getList(page, PEOPLE_PAGE, { filter: pb.filter("client = {:c}", { c: me.client }), sort: "name" });
  const [company, first, roles, token] = await Promise.all([
    pb.collection("clients").getOne(me.client, { fields: "id,name" }),
    people(1),
    pb.collection("roles").getFullList({ sort: "name", fields: "id,name,permissions" }),
    fileToken(),
  ]);

  const list = h("ul", { id: "contact-list", class: "contact-list" });
  const empty = emptyState(h("p", null, "Nobody else from your company uses the portal yet. Invite a colleague above."));
  const rows = new Map();

  function addRow(contact) {
    const row = contactRow(contact, { me, roles, token });
    // Keep the list in name order, as loaded.
    const next = [...list.children].find((li) => rows.get(li.dataset.contactId).contact.name.localeCompare(contact.name) > 0);
    list.insertBefore(row.root, next ?? null);
    rows.set(contact.id, row);
    empty.hidden = rows.size > 1;
    return row;
  }
  first.items.forEach(addRow);
  const more = morePeople(first, people, (contacts) => contacts.filter((c) => !rows.has(c.id)).forEach(addRow));

  root.append(
    h(
      "div",
      { class: "page-header" },
      h(
        "div",
        { class: "page-header__text" },
        h("h1", { class: "page__title" }, "Contacts"),
        h(
          "p",
          { class: "page__intro" },
          `The people of ${company.name} and their access to the portal. Invite colleagues, choose what their role allows, and switch access off when someone leaves.`,
        ),
      ),
    ),
    h(
      "div",
      { class: "stack" },
      inviteCard(roles, (contact) => addRow(contact)),
      card({ id: "people", title: "People" }, list, empty, more),
    ),
  );
}

// morePeople is the "Show more" button under the list: it loads the next page and says how many
// are left; nothing when everyone is shown. A contact invited meanwhile is already in the list.
function morePeople(first, people, add) {
  let page = first.page;
  let shown = first.items.length;
  const alert = formAlert("people-more-error");
  const button = h("button", { type: "button", id: "people-more", class: "button button--secondary" });
  const wrap = h("div", { class: "list-more" }, button, alert);
  const update = (result) => {
    wrap.hidden = result.page >= result.totalPages;
    button.textContent = `Show more (${result.totalItems - shown} more)`;
  };
  update(first);
  button.addEventListener("click", async () => {
    button.disabled = true;
    alert.textContent = "";
    try {
      const next = await people(page + 1);
      page = next.page;
      shown += next.items.length;
      add(next.items);
      update(next);
    } catch (err) {
      alert.textContent = errorMessage(err);
    } finally {
      button.disabled = false;
    }
  });
  return wrap;
}

function roleOptions(roles) {
  return roles.map((role) => ({ value: role.id, label: role.name }));
}

function inviteCard(roles, onInvited) {
  const alert = formAlert("invite-error");
  const status = statusMessage("invite-status");
  const submit = h("button", { type: "submit", id: "invite-submit", class: "button button--primary" }, "Send invitation");
  const roleField = field({
    id: "invite-role",
    name: "role",
    type: "select",
    label: "Role",
    hint: "Choose what they may do in the portal.",
    options: [{ value: "", label: "Choose a role…" }, ...roleOptions(roles)],
    required: true,
  });
  const roleSelect = roleField.querySelector("select");
  const roleHint = roleField.querySelector(".field__hint");
  roleSelect.addEventListener("change", () => {
    const role = roles.find((r) => r.id === roleSelect.value);
    roleHint.textContent = role ? describePermissions(role.permissions) : "Choose what they may do in the portal.";
  });

  const form = h(
    "form",
    { id: "invite-form", class: "form form--columns", novalidate: true },
    field({ id: "invite-name", name: "name", label: "Name", autocomplete: "off", maxlength: "120", required: true }),
    emailField({ id: "invite-email", name: "email", label: "Email", autocomplete: "off" }),
    field({ id: "invite-phone", name: "phone", type: "tel", label: "Phone (optional)", autocomplete: "off", maxlength: "50" }),
    field({ id: "invite-job-title", name: "job_title", label: "Job title (optional)", autocomplete: "off", maxlength: "100" }),
    roleField,
    h("div", { class: "form__actions form__actions--wide" }, submit),
  );

  handleSubmit(form, {
    submit,
    busyLabel: "Sending…",
    alert,
    status,
    check: (f) => {
      const values = valuesOf(f, INVITE_FIELDS);
      const errors = {};
      if (!values.name) {
        errors.name = "Enter their name.";
      }
      if (!values.email) {
        errors.email = "Enter their email address.";
      } else if (!f.elements.email.checkValidity()) {
        errors.email = "Enter an email address like name@company.com.";
      }
      if (!values.role) {
        errors.role = "Choose a role.";
      }
      return errors;
    },
    save: async (f) => {
      const values = valuesOf(f, INVITE_FIELDS);
      const contact = await pb.collection(CONTACTS).create({ ...values, client: currentContact().client });
      onInvited({ ...contact, email: contact.email || values.email });
      f.reset();
      roleHint.textContent = "Choose what they may do in the portal.";
      return `Invitation sent to ${values.name} (${values.email}). They choose their password from the link in the email.`;
    },
  });

  return card(
    { id: "invite", title: "Invite a colleague" },
    h("p", { class: "card__intro" }, "They get an email with a link to choose their password. The link works once."),
    alert,
    status,
    form,
  );
}

/**
 * contactRow is one person of the list. The row element, its live status and its error slot stay
 * put while the rest is redrawn after each change, so screen readers announce the outcome.
 */
function contactRow(initial, { me, roles, token }) {
  const root = h("li", { class: "contact-row" });
  const body = h("div", { class: "contact-row__body" });
  const status = h("p", { class: "contact-row__status", role: "status" });
  const error = h("p", { class: "contact-row__error", role: "alert" });
  root.append(body, error, status);
  const row = { root, contact: initial };
  const isMe = initial.id === me.id;
  const nameId = `contact-${initial.id}-name`;

  async function change(data, done, focusAfter) {
    error.textContent = "";
    status.textContent = "";
    body.querySelectorAll("button, select").forEach((control) => {
      control.disabled = true;
    });
    try {
      const updated = await pb.collection(CONTACTS).update(row.contact.id, data);
      draw({ ...updated, email: updated.email || row.contact.email });
      status.textContent = done(row.contact);
    } catch (err) {
      draw(row.contact);
      const errors = fieldErrors(err);
      error.textContent = Object.values(errors).join(" ") || errorMessage(err);
    }
    focusAfter?.();
  }

  function roleControl(contact) {
    if (isMe) {
      const role = roles.find((r) => r.id === contact.role);
      return h("p", { class: "contact-row__role" }, "Role: ", role?.name ?? "No role");
    }
    const id = `contact-${contact.id}-role`;
    const options = roleOptions(roles);
    if (!contact.role) {
      options.unshift({ value: "", label: "No role (events only)" });
    }
    const select = h(
      "select",
      { id, class: "field__input field__input--compact", "aria-describedby": nameId },
      options.map((o) => h("option", { value: o.value, selected: o.value === (contact.role ?? "") }, o.label)),
    );
    select.addEventListener("change", () => {
      const role = roles.find((r) => r.id === select.value);
      change({ role: select.value }, (c) => `${contactName(c)} is now ${role?.name ?? "without a role"}.`, () =>
        body.querySelector("select")?.focus(),
      );
    });
    return h(
      "div",
      { class: "contact-row__role-field" },
      h("label", { class: "field__label field__label--small", for: id }, "Role"),
      select,
    );
  }

  function actions(contact) {
    if (isMe) {
      return [h("p", { class: "contact-row__note" }, "Your own role and access are changed by a colleague or the agency.")];
    }
    const name = contactName(contact);
    const focusFirstAction = () => (body.querySelector(".contact-row__actions button") ?? body.querySelector("select"))?.focus();
    const button = (label, onclick, kind = "secondary") =>
      h("button", { type: "button", class: `button button--${kind} button--small`, onclick }, label);

    const disable = button("Disable", () => confirmDisable());
    function confirmDisable() {
      const yes = button(
        "Yes, switch off",
        () => change({ status: "disabled" }, () => `${name} can no longer sign in.`, focusFirstAction),
        "danger",
      );
      const no = button("Cancel", () => {
        draw(row.contact);
        focusFirstAction();
      });
      box.replaceChildren(h("span", { class: "contact-row__confirm" }, `Switch off ${name}'s access?`), yes, no);
      no.focus();
    }

    const list = [];
    switch (contact.status) {
      case "no_access":
        list.push(
          button("Give access", () => change({ status: "invited" }, () => `Invitation sent to ${name}.`, focusFirstAction), "primary"),
        );
        break;
      case "invited":
        list.push(
          button(
            "Resend invitation",
            () => change({ send_activation: true }, () => `A new invitation was sent to ${name}. Earlier links no longer work.`, focusFirstAction),
          ),
          disable,
        );
        break;
      case "active":
        list.push(disable);
        break;
      case "disabled":
        if (contact.verified) {
          list.push(
            button("Restore access", () => change({ status: "active" }, () => `${name} can sign in again.`, focusFirstAction), "primary"),
          );
        } else {
          list.push(h("p", { class: "contact-row__note" }, "Never activated. Ask the agency to invite them again."));
        }
        break;
    }
    const box = h("div", { class: "contact-row__actions", role: "group", "aria-labelledby": nameId }, list);
    return [box];
  }

  function draw(contact) {
    row.contact = contact;
    root.dataset.contactId = contact.id;
    root.dataset.status = contact.status;
    const details = [contact.email, contact.job_title, contact.phone].filter(Boolean);
    body.replaceChildren(
      avatar(contact, { token }),
      h(
        "div",
        { class: "contact-row__who" },
        h(
          "p",
          { class: "contact-row__name", id: nameId },
          contactName(contact),
          isMe && h("span", { class: "tag", dataset: { testid: "you" } }, "You"),
        ),
        details.length > 0 && h("p", { class: "contact-row__meta" }, details.join(" · ")),
      ),
      h("div", { class: "contact-row__status-badge" }, contactStatusBadge(contact.status)),
      h("div", { class: "contact-row__controls" }, roleControl(contact), actions(contact)),
    );
  }

  draw(initial);
  return row;
}
