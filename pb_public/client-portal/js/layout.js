// Page shells. "portal": the signed-in frame (header with the contact and Sign out, navigation,
// main). "public": the plain frame around sign-in and other pages for visitors. The router asks
// for a shell on every route change; the current one is reused so the header and menu stay put.
import { h } from "./dom.js";
import { pb } from "./pb.js";
import { contactName, currentContact } from "./auth.js";
import { HOME } from "./paths.js";

// Matches the breakpoint in portal.css where the navigation becomes a permanent sidebar.
const DESKTOP = window.matchMedia("(min-width: 56em)");

/**
 * createLayout returns mount(kind, route) for the router: it shows the shell `kind` ("portal" or
 * "public") in appRoot and returns its <main id="main">.
 * options: appRoot (element to fill), navRoutes (routes with a `nav` label, in menu order),
 * onSignOut (called by the Sign out button).
 */
export function createLayout({ appRoot, navRoutes, onSignOut }) {
  let shell = null;

  // The name in the header follows the auth store (a refreshed session may bring a new name).
  pb.authStore.onChange(() => {
    if (shell?.kind === "portal") {
      shell.setContact(currentContact());
    }
  });
  // Widening the window to desktop shows the sidebar; a menu left open would reappear on narrowing.
  DESKTOP.addEventListener("change", () => shell?.closeMenu?.());

  return function mount(kind, route) {
    if (shell?.kind !== kind) {
      shell = kind === "portal" ? portalShell(navRoutes, onSignOut) : publicShell();
      appRoot.replaceChildren(shell.root);
    }
    shell.update(route);
    return shell.main;
  };
}

function mainElement() {
  return h("main", { id: "main", class: "main", tabindex: "-1" });
}

function skipLink(main) {
  // Handled in script so the URL doesn't gain "#main" (which the router would treat as history).
  return h(
    "a",
    {
      class: "skip-link",
      href: "#main",
      onclick: (event) => {
        event.preventDefault();
        main.focus();
      },
    },
    "Skip to content",
  );
}

function brand() {
  return h(
    "a",
    { class: "brand", href: HOME },
    h("img", { class: "brand__logo", src: "/client-portal/img/favicon.svg", alt: "", width: "28", height: "28" }),
    h("span", { class: "brand__name" }, "Crewportal"),
  );
}

function portalShell(navRoutes, onSignOut) {
  const main = mainElement();
  const name = h("span", { class: "topbar__name", id: "contact-name" });
  const navName = h("span", { class: "nav__user-name" });
  const toggle = h(
    "button",
    { type: "button", class: "nav-toggle", id: "nav-toggle", "aria-expanded": "false", "aria-controls": "portal-nav" },
    h("span", { class: "nav-toggle__icon", "aria-hidden": "true" }),
    h("span", { class: "nav-toggle__label" }, "Menu"),
  );
  const links = navRoutes.map((route) =>
    h("a", { class: "nav__link", href: route.path, dataset: { route: route.name } }, route.nav),
  );
  const nav = h(
    "nav",
    { id: "portal-nav", class: "nav", "aria-label": "Main", "data-open": "false" },
    h("p", { class: "nav__user" }, "Signed in as ", navName),
    h("ul", { class: "nav__list" }, links.map((link) => h("li", null, link))),
  );

  function setMenuOpen(open) {
    toggle.setAttribute("aria-expanded", String(open));
    nav.dataset.open = String(open);
  }

  toggle.addEventListener("click", () => setMenuOpen(toggle.getAttribute("aria-expanded") !== "true"));
  nav.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !DESKTOP.matches && nav.dataset.open === "true") {
      setMenuOpen(false);
      toggle.focus();
    }
  });

  const root = h(
    "div",
    { class: "shell shell--portal" },
    skipLink(main),
    h(
      "header",
      { class: "topbar" },
      toggle,
      brand(),
      h(
        "div",
        { class: "topbar__user" },
        name,
        h("button", { type: "button", id: "signout", class: "button button--secondary button--small", onclick: onSignOut }, "Sign out"),
      ),
    ),
    nav,
    main,
  );

  function setContact(contact) {
    name.textContent = contactName(contact);
    navName.textContent = contactName(contact);
  }

  return {
    kind: "portal",
    root,
    main,
    setContact,
    closeMenu: () => setMenuOpen(false),
    update(route) {
      setContact(currentContact());
      setMenuOpen(false);
      for (const link of links) {
        if (link.dataset.route === route.name) {
          link.setAttribute("aria-current", "page");
        } else if (link.dataset.route === route.section) {
          link.setAttribute("aria-current", "true");
        } else {
          link.removeAttribute("aria-current");
        }
      }
    },
  };
}

function publicShell() {
  const main = mainElement();
  const root = h(
    "div",
    { class: "shell shell--public" },
    skipLink(main),
    h("header", { class: "public-header" }, brand()),
    main,
  );
  return { kind: "public", root, main, update() {} };
}
