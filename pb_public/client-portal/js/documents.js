// Event documents (spec D1, D2), shared by the event page and the Documents page: the list (newest
// first, download links with a file token, delete for one's own uploads before the event) and the
// upload area (drag and drop or a file picker, several files at once, a progress bar and a clear
// message per file). The server decides everything; the page checks type and size first only so
// that a person learns at once, and shows the server's own message when it refuses.
import { h } from "./dom.js";
import { card, emptyState, statusMessage } from "./components.js";
import { errorMessage, fieldErrors } from "./errors.js";
import { formatDate, formatDateTime } from "./format.js";
import { eventPath } from "./paths.js";
import { deleteDocument, uploadDocument } from "./portal-api.js";
import { fileURL } from "./photos.js";

/**
 * documentList shows the documents. options: token (file token), timeZone, showEvent (name the
 * event of each, on the Documents page), onDeleted(item) after a successful delete, status (a
 * statusMessage element to announce it).
 */
export function documentList(items, { token, timeZone, showEvent = false, onDeleted, status }) {
  if (items.length === 0) {
    return emptyState(h("p", null, "No documents yet."));
  }
  return h(
    "ul",
    { class: "document-list", id: "document-list" },
    items.map((item) => {
      const error = h("p", { class: "field__error document-list__error", role: "alert", hidden: true });
      const remove =
        item.deletable &&
        h(
          "button",
          {
            type: "button",
            class: "button button--secondary button--small document-list__delete",
            "aria-label": `Delete ${item.title}`,
            onclick: async (e) => {
              const button = e.currentTarget;
              if (!window.confirm(`Delete “${item.title}”?`)) {
                return;
              }
              button.disabled = true;
              try {
                await deleteDocument(item.id);
                if (status) {
                  status.textContent = `Deleted “${item.title}”.`;
                }
                onDeleted?.(item);
              } catch (err) {
                button.disabled = false;
                error.hidden = false;
                error.textContent = errorMessage(err, { 409: "The event has started, so the document stays. Ask the agency if it must go." });
              }
            },
          },
          "Delete",
        );
      const from = item.from_agency ? "From the agency" : item.mine ? "Uploaded by you" : `Uploaded by ${item.uploaded_by_name}`;
      return h(
        "li",
        { class: "document-list__item", dataset: { documentId: item.id } },
        h(
          "div",
          { class: "document-list__text" },
          token
            ? h("a", { class: "document-list__title", href: fileURL(item.file, token) + "&download=1", download: "" }, item.title)
            : h("span", { class: "document-list__title" }, item.title),
          h(
            "p",
            { class: "document-list__meta" },
            `${from}, ${formatDateTime(item.created, timeZone)}`,
            showEvent && item.event_name && [" · ", h("a", { href: eventPath(item.event) }, item.event_name), ` (${formatDate(item.event_starts_at, timeZone)})`],
          ),
          error,
        ),
        remove,
      );
    }),
  );
}

/**
 * documentsPanel is the documents of one event (eventId) or of all ("": names each one's event):
 * a status line, the upload area when list.uploads allows it and an event is given, and the list,
 * which follows uploads and deletes. list is the answer of listDocuments.
 */
export function documentsPanel(eventId, list, { token, timeZone }) {
  const status = statusMessage(eventId ? "event-documents-status" : "documents-status");
  const items = list.items;
  const slot = h("div", { class: "documents" });
  const redraw = () => {
    slot.replaceChildren(
      documentList(items, {
        token,
        timeZone,
        showEvent: !eventId,
        status,
        onDeleted: (item) => {
          items.splice(items.indexOf(item), 1);
          redraw();
        },
      }),
    );
    if (list.truncated) {
      slot.append(h("p", { class: "card__note" }, "Only the newest documents are shown; choose an event to see all of its documents."));
    }
  };
  redraw();
  let upload = null;
  if (list.uploads.allowed && eventId) {
    upload = uploadArea(eventId, list.uploads, {
      onUploaded: (item) => {
        items.unshift(item);
        redraw();
      },
    });
  } else if (list.uploads.allowed) {
    upload = h("p", { class: "card__note" }, "Choose an event to upload documents to it.");
  }
  return [status, upload, slot];
}

/** documentsCard is the event page's documents section. */
export function documentsCard(eventId, list, options) {
  return card({ id: "event-documents", title: "Documents" }, documentsPanel(eventId, list, options));
}

/**
 * uploadArea lets a contact upload files to the event: policy is the list's `uploads`
 * ({ allowed, max_mb, types }); onUploaded(item) runs after each file the server accepted.
 */
export function uploadArea(eventId, policy, { onUploaded }) {
  const input = h("input", { type: "file", id: "document-files", class: "visually-hidden", multiple: true, accept: policy.types.map((t) => `.${t}`).join(",") });
  const results = h("ul", { id: "upload-results", class: "upload-results", "aria-live": "polite" });
  const send = (files) => {
    for (const file of files) {
      uploadOne(eventId, file, policy, results, onUploaded);
    }
    input.value = "";
  };
  input.addEventListener("change", () => send([...input.files]));
  const zone = h(
    "div",
    { id: "upload-zone", class: "upload-zone" },
    h("p", { class: "upload-zone__text" }, "Drop files here or ", h("label", { for: "document-files", class: "upload-zone__pick" }, "choose files"), "."),
    h("p", { class: "upload-zone__hint" }, `${policy.types.map((t) => t.toUpperCase()).join(", ")}; up to ${policy.max_mb} MB each. The agency is told about each upload.`),
    input,
  );
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("is-dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("is-dragging"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("is-dragging");
    send([...(e.dataTransfer?.files ?? [])]);
  });
  return h("div", { class: "upload" }, zone, results);
}

async function uploadOne(eventId, file, policy, results, onUploaded) {
  const bar = h("progress", { max: "100", value: "0", class: "upload-results__progress", "aria-label": `Uploading ${file.name}` });
  const message = h("span", { class: "upload-results__message" }, "Uploading…");
  const row = h("li", { class: "upload-results__item", dataset: { file: file.name } }, h("span", { class: "upload-results__name" }, file.name), bar, message);
  results.append(row);
  const refused = localProblem(file, policy);
  if (refused) {
    return fail(row, bar, message, refused);
  }
  try {
    const item = await uploadDocument(eventId, file, (fraction) => {
      bar.value = Math.round(fraction * 100);
    });
    bar.value = 100;
    row.classList.add("is-done");
    message.textContent = "Uploaded.";
    onUploaded?.(item);
  } catch (err) {
    fail(row, bar, message, fieldErrors(err).file || errorMessage(err));
  }
}

function fail(row, bar, message, text) {
  bar.remove();
  row.classList.add("is-refused");
  message.setAttribute("role", "alert");
  message.textContent = text;
}

/** localProblem mirrors the server's first checks (type by name, size) so a person learns at once. */
function localProblem(file, policy) {
  const ext = file.name.includes(".") ? file.name.split(".").pop().toLowerCase() : "";
  if (!policy.types.includes(ext)) {
    return `${file.name}: this type of file cannot be uploaded. Allowed: ${policy.types.join(", ")}.`;
  }
  if (file.size > policy.max_mb * 1024 * 1024) {
    return `${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; the limit is ${policy.max_mb} MB.`;
  }
  return "";
}
