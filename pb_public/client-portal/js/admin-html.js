// Admin-written content (CMS pages and snippets, spec M1–M2): the one place the portal turns HTML
// into elements. The server has already cleaned it against its allow-list when it was saved and
// again when it was served (pb_hooks/content_html.go), and the portal's Content-Security-Policy
// forbids inline script, so nothing in it can run. Everything else in the portal goes through
// dom.js, which has no HTML path.
import { h } from "./dom.js";

/**
 * adminHTML returns a <div class="prose …"> holding the cleaned HTML. A <template> parses it
 * inertly (no image loads, no script) before it joins the page. Tables are wrapped so a wide one
 * scrolls on its own instead of widening the page on a phone.
 */
export function adminHTML(html, attrs = {}) {
  const template = document.createElement("template");
  template.innerHTML = html ?? "";
  for (const table of template.content.querySelectorAll("table")) {
    const wrapper = h("div", { class: "prose__table" });
    table.replaceWith(wrapper);
    wrapper.append(table);
  }
  const root = h("div", { ...attrs, class: `prose ${attrs.class ?? ""}`.trim() });
  root.append(template.content);
  return root;
}
