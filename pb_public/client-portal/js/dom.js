// Tiny element builder. All text goes in as text nodes (the same as setting textContent), never as
// HTML, so record data from the API is always escaped; there is deliberately no innerHTML path.

/**
 * h creates an element.
 *
 *   h("a", { href: "/client-portal/", class: "nav__link", dataset: { route: "home" } }, "Home")
 *   h("button", { type: "button", onclick: () => save() }, "Save")
 *
 * attrs: `class` sets className; `dataset` is an object copied to data-* attributes; a function
 * whose key starts with "on" becomes an event listener; `true` renders a boolean attribute;
 * `false`, null and undefined are left out; anything else is set as an attribute string.
 * children: strings and numbers become text nodes, nodes are appended, arrays are flattened,
 * null/undefined/false are skipped (handy for `cond && h(...)`).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === false || value === null || value === undefined) {
      continue;
    }
    if (key === "class") {
      el.className = value;
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(parent, child);
    } else if (child instanceof Node) {
      parent.append(child);
    } else {
      parent.append(document.createTextNode(String(child)));
    }
  }
}
