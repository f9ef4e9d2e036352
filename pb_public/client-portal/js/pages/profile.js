// My profile (spec A5): the contact's own name, phone, job title, photo, email and password. Each
// part saves on its own at once (the agency is emailed the change by the server). A new email
// address only takes effect once confirmed from the link sent to it; a new password signs out
// every other device, so this one signs in again with it.
import { h } from "../dom.js";
import { pb } from "../pb.js";
import { CONTACTS, currentContact, signIn } from "../auth.js";
import { card } from "../components.js";
import { errorMessage } from "../errors.js";
import { field, savingForm, valuesOf, emailField } from "../forms.js";
import { checkNewPassword, newPasswordFields } from "../passwords.js";
import { avatar, fileToken } from "../photos.js";

const PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif"];
const PHOTO_MAX_MB = 5;
const DETAILS = ["name", "phone", "job_title"];

export async function render(root) {
  const me = currentContact();
  const token = await fileToken();

  root.append(
    h(
      "div",
      { class: "page-header" },
      h(
        "div",
        { class: "page-header__text" },
        h("h1", { class: "page__title" }, "My profile"),
        h("p", { class: "page__intro" }, "Your name, contact details, photo, email address and password. Changes are saved at once."),
      ),
    ),
    h(
      "div",
      { class: "card-grid" },
      detailsCard(me),
      photoCard(me, token),
      emailCard(me),
      passwordCard(me),
    ),
  );
}

function detailsCard(me) {
  const { alert, status, form } = savingForm(
    {
      id: "details",
      submitLabel: "Save details",
      check: (f) => (valuesOf(f, ["name"]).name ? {} : { name: "Enter your name." }),
      save: async (f) => {
        await pb.collection(CONTACTS).update(me.id, valuesOf(f, DETAILS));
        return "Your details are saved.";
      },
    },
    field({ id: "details-name", name: "name", label: "Name", value: me.name, autocomplete: "name", maxlength: "120", required: true }),
    field({ id: "details-phone", name: "phone", type: "tel", label: "Phone", value: me.phone, autocomplete: "tel", maxlength: "50" }),
    field({ id: "details-job-title", name: "job_title", label: "Job title", value: me.job_title, autocomplete: "organization-title", maxlength: "100" }),
  );
  return card({ id: "details", title: "Your details" }, alert, status, form);
}

function photoCard(me, token) {
  const picture = h("div", { id: "profile-photo", class: "photo-preview" });
  const remove = h("button", { type: "button", id: "photo-remove", class: "button button--secondary" }, "Remove photo");

  function show(record, fileAccess) {
    picture.replaceChildren(avatar(record, { token: fileAccess, thumb: "300x300", size: "large", alt: "Your photo" }));
    remove.hidden = !record.photo;
  }
  show(me, token);

  async function saveAndShow(body) {
    const record = await pb.collection(CONTACTS).update(me.id, body);
    show(record, await fileToken());
  }

  const { alert, status, form, submit } = savingForm(
    {
      id: "photo",
      submitLabel: "Upload photo",
      busyLabel: "Uploading…",
      extraButtons: [remove],
      check: (f) => {
        const file = f.elements.photo.files[0];
        if (!file) {
          return { photo: "Choose a photo first." };
        }
        if (!PHOTO_TYPES.includes(file.type)) {
          return { photo: "Choose a JPEG, PNG, WebP or GIF image." };
        }
        if (file.size > PHOTO_MAX_MB * 1024 * 1024) {
          return { photo: `Choose an image of up to ${PHOTO_MAX_MB} MB.` };
        }
        return {};
      },
      save: async (f) => {
        const body = new FormData();
        body.append("photo", f.elements.photo.files[0]);
        await saveAndShow(body);
        f.reset();
        return "Your new photo is saved.";
      },
    },
    field({
      id: "photo-file",
      name: "photo",
      type: "file",
      label: "New photo",
      hint: `A JPEG, PNG, WebP or GIF image of up to ${PHOTO_MAX_MB} MB. Colleagues and the agency see it.`,
      accept: PHOTO_TYPES.join(","),
    }),
  );

  remove.addEventListener("click", async () => {
    alert.textContent = "";
    status.textContent = "";
    remove.disabled = true;
    try {
      await saveAndShow({ photo: null });
      status.textContent = "Your photo is removed.";
      submit.focus(); // the button that had the focus is gone
    } catch (err) {
      alert.textContent = errorMessage(err);
    } finally {
      remove.disabled = false;
    }
  });

  return card({ id: "photo", title: "Photo" }, picture, alert, status, form);
}

function emailCard(me) {
  const { alert, status, form } = savingForm(
    {
      id: "email",
      submitLabel: "Change email",
      busyLabel: "Sending…",
      check: (f) => {
        const { newEmail } = valuesOf(f, ["newEmail"]);
        if (!newEmail) {
          return { newEmail: "Enter the new email address." };
        }
        if (!f.elements.newEmail.checkValidity()) {
          return { newEmail: "Enter an email address like name@company.com." };
        }
        if (newEmail.toLowerCase() === String(me.email ?? "").toLowerCase()) {
          return { newEmail: "This is already your email address." };
        }
        return {};
      },
      save: async (f) => {
        const { newEmail } = valuesOf(f, ["newEmail"]);
        await pb.collection(CONTACTS).requestEmailChange(newEmail);
        f.reset();
        return `We have sent a link to ${newEmail}. Open it to confirm the change; until then, keep signing in with ${me.email}.`;
      },
    },
    emailField({
      id: "email-new",
      name: "newEmail",
      label: "New email address",
      hint: "We send a link to the new address. Your email changes when you open it and confirm with your password.",
      autocomplete: "email",
    }),
  );
  return card(
    { id: "email", title: "Email address" },
    h("p", null, "You sign in with ", h("strong", { id: "current-email" }, me.email), "."),
    alert,
    status,
    form,
  );
}

function passwordCard(me) {
  const { alert, status, form } = savingForm(
    {
      id: "password",
      submitLabel: "Change password",
      check: (f) => (f.elements.oldPassword.value ? checkNewPassword(f) : { oldPassword: "Enter your current password." }),
      save: async (f) => {
        const password = f.elements.password.value;
        await pb.collection(CONTACTS).update(me.id, {
          oldPassword: f.elements.oldPassword.value,
          password,
          passwordConfirm: f.elements.passwordConfirm.value,
        });
        // The change ended every session, this one too: sign in again with the new password.
        await signIn(currentContact()?.email || me.email, password);
        f.reset();
        return "Your password is changed. Other devices where you were signed in will ask for it.";
      },
    },
    field({
      id: "password-old",
      name: "oldPassword",
      type: "password",
      label: "Current password",
      autocomplete: "current-password",
      required: true,
    }),
    newPasswordFields("password-new"),
  );
  return card({ id: "password", title: "Password" }, alert, status, form);
}
