// Placeholder for sections that later work fills (finance, documents).
// One module serves them all: the heading is the route title, the intro its props.intro, and the
// admins' note for the section the snippet props.snippet (spec M2).
import { h } from "../dom.js";
import { snippetSlot } from "../snippets.js";

export async function render(root, ctx) {
  const note = ctx.props.snippet ? await snippetSlot(ctx.props.snippet) : null;
  root.append(
    h("h1", { class: "page__title" }, ctx.route.title),
    ctx.props.intro && h("p", { class: "page__intro" }, ctx.props.intro),
    note,
    h("p", { class: "coming-soon" }, "This section is coming soon."),
  );
}
