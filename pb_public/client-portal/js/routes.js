// The portal's route table: the one place that lists every page, its URL, who may see it and its
// menu label. The router and the navigation are both built from it. Field meanings: see router.js.
import { BASE, BOOK, EVENTS, FINANCE, FORGOT_PASSWORD, HOME, PAGES, SIGN_IN } from "./paths.js";

const placeholder = () => import("./pages/placeholder.js");

export const routes = [
  {
    name: "sign-in",
    path: SIGN_IN,
    title: "Sign in",
    access: "guest",
    load: () => import("./pages/sign-in.js"),
  },
  {
    name: "forgot-password",
    path: FORGOT_PASSWORD,
    title: "Reset your password",
    access: "public",
    layout: "public",
    load: () => import("./pages/forgot-password.js"),
  },
  {
    name: "activate",
    path: `${BASE}/activate`,
    title: "Activate your account",
    access: "public",
    layout: "public",
    props: { mode: "activate" },
    load: () => import("./pages/set-password.js"),
  },
  {
    name: "reset-password",
    path: `${BASE}/reset-password`,
    title: "Choose a new password",
    access: "public",
    layout: "public",
    props: { mode: "reset" },
    load: () => import("./pages/set-password.js"),
  },
  {
    name: "confirm-email",
    path: `${BASE}/confirm-email`,
    title: "Confirm your new email address",
    access: "public",
    layout: "public",
    load: () => import("./pages/confirm-email.js"),
  },
  {
    name: "impersonate",
    path: `${BASE}/impersonate/:id`,
    title: "Open the portal as a contact",
    access: "public",
    layout: "public",
    load: () => import("./pages/impersonate.js"),
  },
  {
    name: "home",
    path: HOME,
    title: "Home",
    nav: "Home",
    access: "contact",
    load: () => import("./pages/home.js"),
  },
  {
    name: "events",
    path: EVENTS,
    title: "Events",
    nav: "Events",
    access: "contact",
    load: () => import("./pages/events.js"),
  },
  {
    name: "event",
    path: `${EVENTS}/:id`,
    title: "Event details",
    section: "events",
    access: "contact",
    load: () => import("./pages/event.js"),
  },
  {
    name: "book",
    path: BOOK,
    title: "Book an event",
    nav: "Book an event",
    access: "contact",
    permissions: ["book_events"],
    load: () => import("./pages/book.js"),
  },
  {
    name: "finance",
    path: FINANCE,
    title: "Finance",
    nav: "Finance",
    access: "contact",
    permissions: ["view_invoices"],
    props: { snippet: "finance_note" },
    load: () => import("./pages/finance.js"),
  },
  {
    name: "documents",
    path: `${BASE}/documents`,
    title: "Documents",
    nav: "Documents",
    access: "contact",
    load: () => import("./pages/documents.js"),
  },
  {
    name: "company",
    path: `${BASE}/company`,
    title: "Company",
    nav: "Company",
    access: "contact",
    load: () => import("./pages/company.js"),
  },
  {
    name: "contacts",
    path: `${BASE}/contacts`,
    title: "Contacts",
    nav: "Contacts",
    access: "contact",
    permissions: ["manage_contacts"],
    load: () => import("./pages/contacts.js"),
  },
  {
    // The admins' CMS pages (spec M1); the menu lists them under the routes with a `nav` label.
    name: "page",
    path: `${PAGES}/:slug`,
    title: "Page",
    access: "contact",
    load: () => import("./pages/cms-page.js"),
  },
  {
    name: "profile",
    path: `${BASE}/profile`,
    title: "My profile",
    nav: "My profile",
    access: "contact",
    load: () => import("./pages/profile.js"),
  },
];

/** notFoundRoute is shown for any portal path no route matches. */
export const notFoundRoute = {
  name: "not-found",
  path: null,
  title: "Page not found",
  access: "public",
  load: () => import("./pages/not-found.js"),
};

/** forbiddenRoute is shown instead of a page whose permissions the contact's role lacks. */
export const forbiddenRoute = {
  name: "forbidden",
  path: null,
  title: "No access",
  access: "contact",
  load: () => import("./pages/forbidden.js"),
};
