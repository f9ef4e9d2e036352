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

/**
 * statusMessage is where a form or list announces that something worked ("Saved.") to screen
 * readers (role="status", polite) and shows it. Set its textContent after the change.
 */
export function statusMessage(id) {
  return h("p", { id, class: "status-message", role: "status" });
}

/**
 * statusBadge returns the coloured badge for a stored status value: labels maps each known value to
 * its human label; unknown values are shown as they are, in the neutral colour, not hidden.
 */
export function statusBadge(labels, status) {
  const known = Object.hasOwn(labels, status);
  return h(
    "span",
    { class: `badge badge--${known ? status.replaceAll("_", "-") : "unknown"}`, dataset: { status: String(status ?? "") } },
    known ? labels[status] : String(status ?? ""),
  );
}

/**
 * dataTable is a list table with a caption for screen readers: columns are { label, number (right
 * aligned), hidden (label for screen readers only) }, falsy ones left out; rows are <tr> elements
 * whose cells carry data-label, so narrow screens can stack them.
 */
export function dataTable({ id, caption, columns, rows }) {
  const heading = (c) =>
    h("th", { scope: "col", class: c.number ? "data-table__number" : null }, c.hidden ? h("span", { class: "visually-hidden" }, c.label) : c.label);
  return h(
    "table",
    { id, class: "data-table" },
    h("caption", { class: "visually-hidden" }, caption),
    h("thead", null, h("tr", null, columns.filter(Boolean).map(heading))),
    h("tbody", null, rows),
  );
}

/**
 * pagination is the Previous / "Page n of m" / Next bar of a paged list (nothing for one page);
 * pageURL(n) is the address of page n.
 */
export function pagination(id, result, pageURL) {
  if (result.totalPages <= 1) {
    return null;
  }
  const link = (page, label, rel, linkId) =>
    page >= 1 && page <= result.totalPages
      ? h("a", { class: "button button--secondary button--small", id: linkId, rel, href: pageURL(page) }, label)
      : h("span", { class: "button button--secondary button--small is-disabled", id: linkId, "aria-disabled": "true" }, label);
  return h(
    "nav",
    { id, class: "pagination", "aria-label": "Pages" },
    link(result.page - 1, "Previous", "prev", "page-prev"),
    h("span", { class: "pagination__where" }, `Page ${result.page} of ${result.totalPages}`),
    link(result.page + 1, "Next", "next", "page-next"),
  );
}
