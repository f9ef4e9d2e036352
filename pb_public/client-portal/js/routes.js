// The portal's route table: the one place that lists every page, its URL, who may see it and its
// menu label. The router and the navigation are both built from it. Field meanings: see router.js.
import { BASE, FORGOT_PASSWORD, HOME, SIGN_IN } from "./paths.js";

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
    name: "home",
    path: HOME,
    title: "Home",
    nav: "Home",
    access: "contact",
    load: () => import("./pages/home.js"),
  },
  {
    name: "events",
    path: `${BASE}/events`,
    title: "Events",
    nav: "Events",
    access: "contact",
    props: { intro: "Your upcoming and past events, with search, filters and export." },
    load: placeholder,
  },
  {
    name: "event",
    path: `${BASE}/events/:id`,
    title: "Event details",
    section: "events",
    access: "contact",
    props: { intro: "Dates, venue, status, shifts and the team for this event." },
    load: placeholder,
  },
  {
    name: "book",
    path: `${BASE}/book`,
    title: "Book an event",
    nav: "Book an event",
    access: "contact",
    props: { intro: "Book staff for your next event in a few steps." },
    load: placeholder,
  },
  {
    name: "finance",
    path: `${BASE}/finance`,
    title: "Finance",
    nav: "Finance",
    access: "contact",
    props: { intro: "Your orders, invoices and payments." },
    load: placeholder,
  },
  {
    name: "documents",
    path: `${BASE}/documents`,
    title: "Documents",
    nav: "Documents",
    access: "contact",
    props: { intro: "Documents shared between you and the agency." },
    load: placeholder,
  },
  {
    name: "company",
    path: `${BASE}/company`,
    title: "Company",
    nav: "Company",
    access: "contact",
    props: { intro: "Your company's address, billing details and contacts." },
    load: placeholder,
  },
  {
    name: "profile",
    path: `${BASE}/profile`,
    title: "My profile",
    nav: "My profile",
    access: "contact",
    props: { intro: "Your name, contact details, password and photo." },
    load: placeholder,
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
