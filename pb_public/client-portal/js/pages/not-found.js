// "Page not found" for portal paths that match no route.
import { h } from "../dom.js";
import { HOME } from "../paths.js";

export async function render(root) {
  root.append(
    h(
      "div",
      { class: "message-page" },
      h("h1", { class: "page__title" }, "Page not found"),
      h("p", null, "The page you were looking for doesn't exist or has moved."),
      h("p", null, h("a", { class: "button button--primary", href: HOME }, "Go to the home page")),
    ),
  );
}
