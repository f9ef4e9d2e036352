// Page shells. "portal": the signed-in frame (header with the contact and Sign out, navigation,
// main, and the banner while an admin views the portal as the contact). "public": the plain frame
// around sign-in and other pages for visitors. The router asks for a shell on every route change;
// the current one is reused so the header and menu stay put.
import { h } from "./dom.js";
import { pb } from "./pb.js";
import { contactName, currentContact, signOut } from "./auth.js";
import { impersonator } from "./impersonation.js";
import { canAny, loadPermissions } from "./permissions.js";
import { menuPages } from "./cms-pages.js";
import { HOME, pagePath } from "./paths.js";
import { portalSession } from "./session.js";
// The bundle (pb_hooks/bundle.go) turns the image into its content-hashed URL, cached for good.
import logoURL from "../img/favicon.svg";

// Where an admin goes back to after viewing the portal as a contact: the PocketBase dashboard.
const DASHBOARD = "/_/";

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

  // The name in the header follows the auth store (a refreshed session may bring a new name), and
  // so does the menu (a refreshed session may bring a new role).
  pb.authStore.onChange(() => {
    if (shell?.kind === "portal" && currentContact()) {
      shell.setContact(currentContact());
      loadPermissions().then(
        () => shell?.kind === "portal" && shell.showAllowedLinks(),
        () => {}, // the next page change reports it
      );
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
    h("img", { class: "brand__logo", src: logoURL, alt: "", width: "28", height: "28" }),
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
  const items = links.map((link) => h("li", null, link));
  const pages = cmsPageLinks();
  const nav = h(
    "nav",
    { id: "portal-nav", class: "nav", "aria-label": "Main", "data-open": "false" },
    h("p", { class: "nav__user" }, "Signed in as ", navName),
    h("ul", { class: "nav__list" }, items),
    pages.root,
  );
  const banner = impersonationBanner();

  // The menu mirrors the role (spec A4): links the contact's permissions don't open are left out.
  function showAllowedLinks() {
    navRoutes.forEach((route, i) => {
      items[i].hidden = !canAny(route.permissions);
    });
  }

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
    banner.root,
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
    showAllowedLinks,
    closeMenu: () => setMenuOpen(false),
    update(route) {
      setContact(currentContact());
      showAllowedLinks();
      banner.update();
      setMenuOpen(false);
      pages.markCurrent();
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

/**
 * cmsPageLinks is the menu's list of the admins' pages for the contact (spec M1), filled once the
 * server answers; it stays hidden while there are none (or they cannot be loaded).
 */
function cmsPageLinks() {
  const list = h("ul", { class: "nav__list", id: "nav-pages" });
  const root = h("div", { class: "nav__pages", hidden: true }, h("p", { class: "nav__heading" }, "Information"), list);
  let links = [];

  function markCurrent() {
    for (const link of links) {
      if (link.pathname === window.location.pathname) {
        link.setAttribute("aria-current", "page");
      } else {
        link.removeAttribute("aria-current");
      }
    }
  }

  menuPages().then(
    (pages) => {
      links = pages.map((page) => h("a", { class: "nav__link", href: pagePath(page.slug) }, page.title));
      list.replaceChildren(...links.map((link) => h("li", null, link)));
      root.hidden = links.length === 0;
      markCurrent();
    },
    () => {}, // the pages stay reachable by their links; the rest of the menu works
  );
  return { root, markCurrent };
}

/**
 * impersonationBanner is the notice shown on every page while an admin views the portal as the
 * contact (spec A7), with the button that ends it and returns to the dashboard. It is a labelled
 * region, not a live one: it is there from the first page, not news to announce.
 */
function impersonationBanner() {
  const text = h("p", { class: "impersonation-banner__text", id: "impersonation-text" });
  const end = h(
    "button",
    { type: "button", id: "end-impersonation", class: "button button--small impersonation-banner__end" },
    "End and return to the dashboard",
  );
  const root = h(
    "section",
    { id: "impersonation-banner", class: "impersonation-banner", "aria-label": "Viewing as a contact", hidden: true },
    text,
    end,
  );
  let company = { clientId: null, name: "" };

  end.addEventListener("click", () => {
    signOut();
    window.location.assign(DASHBOARD);
  });

  function describe(contact, admin) {
    const who = company.name ? `${contactName(contact)} (${company.name})` : contactName(contact);
    text.textContent = `You are viewing the portal as ${who}. Everything you do is recorded under ${admin}.`;
  }

  function update() {
    const contact = currentContact();
    const admin = contact ? impersonator() : "";
    root.hidden = !admin;
    if (!admin) {
      return;
    }
    describe(contact, admin);
    if (company.clientId !== contact.client) {
      company = { clientId: contact.client, name: "" };
      const asked = company;
      portalSession()
        .then((session) => {
          if (company === asked && session?.company?.id === asked.clientId) {
            company.name = session.company.name ?? "";
            update();
          }
        })
        .catch(() => {}); // the banner still names the contact and the admin
    }
  }

  return { root, update };
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
