// Shown instead of a page the contact's role does not open (a bookmark, a link from a colleague).
// The server refuses the data anyway; this says so politely and says who can change it.
import { h } from "../dom.js";
import { HOME } from "../paths.js";

export async function render(root, ctx) {
  root.append(
    h(
      "div",
      { class: "message-page" },
      h("h1", { class: "page__title" }, "You don't have access to this page"),
      h("p", null, `Your role doesn't include ${ctx.route.title}.`),
      h("p", null, "If you need it, ask a colleague who manages contacts in your company, or your agency contact."),
      h("p", null, h("a", { class: "button button--primary", href: HOME }, "Go to the home page")),
    ),
  );
}
