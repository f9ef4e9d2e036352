// Error page shown by the router when a page fails to load or render (ctx.error). It offers a
// retry, because the usual causes (a dropped connection, a deploy mid-visit) are temporary.
import { h } from "../dom.js";
import { errorMessage } from "../errors.js";

export async function render(root, ctx) {
  // An error without an HTTP status is a failed module load or a bug, not an API answer.
  const message =
    typeof ctx.error?.status === "number" ? errorMessage(ctx.error) : "This page could not be loaded. Please try again.";
  root.append(
    h(
      "div",
      { class: "message-page" },
      h("h1", { class: "page__title" }, "Something went wrong"),
      h("p", { role: "alert" }, message),
      h(
        "p",
        null,
        h(
          "button",
          {
            type: "button",
            class: "button button--primary",
            onclick: () => ctx.navigate(window.location.pathname + window.location.search, { replace: true }),
          },
          "Try again",
        ),
      ),
    ),
  );
}
