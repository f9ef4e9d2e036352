// Snippets (spec M2): short admin-written texts in fixed places of the portal, each with its own
// tone or colours and alignment. The server decides which ones the visitor may read (enabled,
// inside their visibility window; before sign-in only the sign-in message), so the portal asks for
// all of them at once and shows the one a place names, or nothing.
import { h } from "./dom.js";
import { pb } from "./pb.js";
import { recentSession } from "./session.js";
import { adminHTML } from "./admin-html.js";

// The snippet catalogue: the places of the portal (collections/content.go).
export const SNIPPET = {
  homeWelcome: "home_welcome",
  bookingHelp: "booking_help",
  financeNote: "finance_note",
  documentsNote: "documents_note",
  signIn: "sign_in_message",
  portalClosed: "portal_closed",
};

// Snippets change rarely; a minute's cache saves a request per page while a window opening or
// closing still shows within a minute.
const MAX_AGE_MS = 60_000;
const TONES = ["neutral", "info", "success", "warning"];
const ALIGNS = ["left", "center", "right"];

let cache = null; // { auth, at, snippets: Promise<Map<key, record>> }

pb.authStore.onChange(() => {
  cache = null;
});

function loadSnippets() {
  const auth = pb.authStore.record?.id ?? "";
  if (!cache || cache.auth !== auth || Date.now() - cache.at > MAX_AGE_MS) {
    // A contact's come with a recent portal session; visitors and older sessions ask the list.
    // Their age is the session's: a minute after it was asked, the list is asked again.
    const recent = recentSession(MAX_AGE_MS);
    const list = recent
      ? recent.session.then((s) => s?.snippets ?? fetchSnippets())
      : fetchSnippets();
    const snippets = list
      .then((all) => new Map(all.map((s) => [s.key, s])))
      .catch(() => new Map()); // a missing note never breaks the page it sits on
    cache = { auth, at: recent?.at ?? Date.now(), snippets };
  }
  return cache.snippets;
}

function fetchSnippets() {
  return pb
    .collection("client_snippets")
    .getFullList({ fields: "key,content,tone,background_color,text_color,text_align", requestKey: null });
}

/** snippetSlot resolves to the snippet of `key` as an element, or null when there is none to show. */
export async function snippetSlot(key) {
  const snippet = (await loadSnippets()).get(key);
  return snippet ? snippetElement(snippet) : null;
}

/**
 * snippetElement renders one snippet record. Custom colours are set through the CSS object model
 * (allowed by the Content-Security-Policy, unlike style attributes); the server checked that they
 * are #rrggbb and readable together.
 */
export function snippetElement(snippet) {
  const tone = TONES.includes(snippet.tone) ? snippet.tone : "neutral";
  const align = ALIGNS.includes(snippet.text_align) ? snippet.text_align : "left";
  const el = h(
    "aside",
    { class: `snippet snippet--${tone} snippet--align-${align}`, dataset: { snippet: snippet.key } },
    adminHTML(snippet.content),
  );
  const color = /^#[0-9a-f]{6}$/i;
  if (color.test(snippet.background_color ?? "") && color.test(snippet.text_color ?? "")) {
    el.classList.add("snippet--custom");
    el.style.setProperty("--snippet-bg", snippet.background_color);
    el.style.setProperty("--snippet-fg", snippet.text_color);
  }
  return el;
}
