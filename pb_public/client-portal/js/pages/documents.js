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
  const [events, timeZone, note] = await Promise.all([
    pb.collection("events").getFullList({ sort: "-starts_at", fields: "id,name,starts_at", requestKey: null }),
    agencyTimeZone(),
    snippetSlot("documents_note"),
  ]);
  let eventId = events.some((e) => e.id === params.get("event")) ? params.get("event") : "";

  const select = h(
    "select",
    { id: "documents-event", name: "event", class: "field__input" },
    h("option", { value: "" }, "All events"),
    events.map((e) => h("option", { value: e.id, selected: e.id === eventId }, `${e.name} (${formatDate(e.starts_at, timeZone)})`)),
  );
  const panel = h("div", { id: "documents-panel" });
  const show = async () => {
    const [list, token] = await Promise.all([listDocuments(eventId), fileToken()]);
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
  await show();

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
