// One CMS page (spec M1) at /client-portal/pages/{slug}. A page that does not exist, or that the
// contact may not read (unpublished, staff only, for other clients), gets the same "not found":
// the server answers both alike, so the portal cannot tell them apart either.
import { h } from "../dom.js";
import { adminHTML } from "../admin-html.js";
import { findPage } from "../cms-pages.js";
import { render as renderNotFound } from "./not-found.js";

export async function render(root, ctx) {
  let page;
  try {
    page = await findPage(ctx.params.slug);
  } catch (err) {
    if (err?.status === 404) {
      ctx.setTitle("Page not found");
      return renderNotFound(root);
    }
    throw err;
  }
  ctx.setTitle(page.title);
  root.append(
    h(
      "article",
      { class: "cms-page", dataset: { slug: page.slug } },
      h("h1", { class: "page__title" }, page.title),
      adminHTML(page.body, { id: "cms-page-body" }),
    ),
  );
}
