// Placeholder for sections that later work fills (finance, documents).
// One module serves them all: the heading is the route title, the intro its props.intro.
import { h } from "../dom.js";

export async function render(root, ctx) {
  root.append(
    h("h1", { class: "page__title" }, ctx.route.title),
    ctx.props.intro && h("p", { class: "page__intro" }, ctx.props.intro),
    h("p", { class: "coming-soon" }, "This section is coming soon."),
  );
}
