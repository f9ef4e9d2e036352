// Documents page (spec D1, D2): every document of the company's events, newest first, filterable by
// event, with download links and, for one's own uploads before the event, delete. With one event
// chosen, contacts who may upload add files to it here too.
import { h } from "../dom.js";
import { pb } from "../pb.js";
import { card, notice } from "../components.js";
import { documentsPanel } from "../documents.js";
import { errorMessage } from "../errors.js";
import { formatDate } from "../format.js";
import { fileToken } from "../photos.js";
import { listDocuments } from "../portal-api.js";
import { agencyTimeZone } from "../settings.js";
import { snippetSlot } from "../snippets.js";

export async function render(root, ctx) {
  const params = new URLSearchParams(window.location.search);
  // The list of all events' documents also names the events to choose from: those with documents
  // and the next upcoming ones (a large company has far too many events for one drop-down).
  const [all, timeZone, note] = await Promise.all([listDocuments(""), agencyTimeZone(), snippetSlot("documents_note")]);
  const events = await withEvent(all.events ?? [], params.get("event"));
  let eventId = events.some((e) => e.id === params.get("event")) ? params.get("event") : "";

  const option = (e) => h("option", { value: e.id, selected: e.id === eventId }, `${e.name} (${formatDate(e.starts_at, timeZone)})`);
  const group = (label, list) => (list.length ? h("optgroup", { label }, list.map(option)) : "");
  const select = h(
    "select",
    { id: "documents-event", name: "event", class: "field__input" },
    h("option", { value: "" }, "All events"),
    group("With documents", events.filter((e) => e.has_documents)),
    group("Other events", events.filter((e) => !e.has_documents)),
  );
  const panel = h("div", { id: "documents-panel" });
  const show = async (loaded) => {
    const [list, token] = await Promise.all([loaded ?? listDocuments(eventId), fileToken()]);
    panel.replaceChildren(...documentsPanel(eventId, list, { token, timeZone }).filter(Boolean));
  };
  select.addEventListener("change", () => {
    eventId = select.value;
    const url = new URL(window.location.href);
    if (eventId) {
      url.searchParams.set("event", eventId);
    } else {
      url.searchParams.delete("event");
    }
    history.replaceState(history.state, "", url);
    show().catch((err) => panel.replaceChildren(notice("error", errorMessage(err))));
  });
  await show(eventId === "" ? all : undefined);

  root.append(
    h("h1", { class: "page__title" }, ctx.route.title),
    h("p", { class: "page__intro" }, "Documents shared between you and the agency, newest first."),
    note ?? "",
    card(
      { id: "documents", title: "Documents" },
      h("div", { class: "field documents-filter" }, h("label", { for: "documents-event", class: "field__label" }, "Event"), select),
      panel,
    ),
  );
}

// withEvent adds the event a link asked for (?event=) when it is not among the choices: an older
// event without documents, still the contact's own (the server refuses any other).
async function withEvent(events, id) {
  if (!id || events.some((e) => e.id === id)) {
    return events;
  }
  try {
    const e = await pb.collection("events").getOne(id, { fields: "id,name,starts_at", requestKey: null });
    return [...events, { ...e, has_documents: false }];
  } catch {
    return events;
  }
}
