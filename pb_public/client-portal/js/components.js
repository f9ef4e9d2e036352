// Small presentational pieces reused across pages (cards, notices, empty states), so pages share
// one look and one accessible markup for each.
import { h } from "./dom.js";

/**
 * card wraps content in a titled section labelled by its heading.
 * options: id (used for the heading id), title, action (optional node shown beside the title).
 */
export function card({ id, title, action }, ...children) {
  const headingId = `${id}-title`;
  return h(
    "section",
    { class: "card", "aria-labelledby": headingId },
    h("div", { class: "card__header" }, h("h2", { class: "card__title", id: headingId }, title), action),
    h("div", { class: "card__body" }, ...children),
  );
}

/**
 * notice is an inline message. kind "error" is announced at once (role="alert"); "info" is not.
 */
export function notice(kind, ...children) {
  return h("div", { class: `notice notice--${kind}`, role: kind === "error" ? "alert" : null }, ...children);
}

/** emptyState is the friendly text shown where a list has nothing to list yet. */
export function emptyState(...children) {
  return h("div", { class: "empty-state" }, ...children);
}
