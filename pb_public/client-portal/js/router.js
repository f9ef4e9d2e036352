// Client-side router of the portal: maps the URL to a page module, guards signed-in pages, and keeps
// history, document title, focus and the test hook body[data-route] in step. The Go server answers
// every extension-less path under /client-portal/ with index.html, so deep links land here too.
//
// ROUTES (js/routes.js) are plain objects:
//   name     stable id, written to <body data-route="…"> once the page has rendered (tests wait on it)
//   path     e.g. "/client-portal/events/:id"; a ":x" segment matches one segment → ctx.params.x
//   title    page title; document.title becomes "{title} · Crewportal" (ctx.setTitle may refine it)
//   access   "contact": signed-in contacts only, others go to sign-in?next=…
//            "guest":   signed-out visitors only (sign-in), signed-in contacts go home
//            "public":  anyone
//   layout   optional shell, "portal" or "public". Default: portal for "contact", public for "guest",
//            and for "public" routes the portal shell when signed in.
//   nav      optional menu label: routes with one make up the navigation, in table order
//   permissions  optional list of role permissions (spec A4), any one of which opens the page; the
//            menu hides the route without one, and the router shows the forbidden page instead
//   section  optional name of the nav route marked current for this page (a detail page marks its list)
//   props    optional data for the page as ctx.props, so one module can serve several routes
//   load     () => import("./pages/x.js"); each page module loads on its first visit
//
// PAGE MODULES export one function:
//   export async function render(root, ctx) → void | (() => void)
//     root  a fresh detached <div class="page"> that the page fills. It replaces the previous page in
//           <main> only when render resolves, so the user never sees a half-built page.
//     ctx   { route, params, query, props, signal, navigate(to, { replace }), setTitle(title), error }
//           signal aborts when the user leaves the page (use it for listeners and subscriptions);
//           error is only set for the error page.
//   Resolve once the page shows its data or its own inline error; only then does the router set the
//   title and body[data-route] and move focus to <main>. Throwing shows the error page
//   (data-route="error"). A returned function runs when the user leaves the page.
import { h } from "./dom.js";
import { isSignedIn } from "./auth.js";
import { HOME, canonicalPath, isPortalPath, signInUrl } from "./paths.js";

const APP_NAME = "Crewportal";
const RELOADED_FOR = "crewportal.reloadedFor";

/**
 * createRouter wires the route table to the page.
 * options: routes, notFound (route shown when nothing matches), forbidden (route shown instead of a
 * page the contact's role does not open), errorPage (page module shown when a page fails; imported
 * up front so it works even when loading modules fails), mount(layout, route) (builds or reuses the
 * shell and returns its <main>), authorize(route) (async, called before every page while a contact
 * is signed in, so the shell and the page see the loaded permissions; resolves to whether the
 * route is open to the contact).
 */
export function createRouter({ routes, notFound, forbidden, errorPage, mount, authorize }) {
  const table = routes.map((route) => ({ route, segments: segmentsOf(route.path) }));
  let seq = 0;
  let controller = null;
  let cleanup = null;
  let renderedKey = null;
  let currentLayout = null;

  function match(path) {
    const parts = segmentsOf(path);
    for (const { route, segments } of table) {
      const params = matchSegments(segments, parts);
      if (params) {
        return { route, params };
      }
    }
    return { route: notFound, params: {} };
  }

  function layoutFor(route) {
    if (route.layout) {
      return route.layout;
    }
    if (route.access === "contact") {
      return "portal";
    }
    if (route.access === "guest") {
      return "public";
    }
    return isSignedIn() ? "portal" : "public";
  }

  /**
   * navigate goes to `to` (a portal path or URL); other destinations get a normal page load.
   * Focus moves to <main> afterwards unless `focus` is false.
   */
  function navigate(to, { replace = false, focus = true } = {}) {
    const url = new URL(to, window.location.href);
    if (url.origin !== window.location.origin || !isPortalPath(url.pathname)) {
      window.location.assign(url.href);
      return;
    }
    const target = canonicalPath(url.pathname) + url.search + url.hash;
    const current = window.location.pathname + window.location.search + window.location.hash;
    if (replace || target === current) {
      history.replaceState(null, "", target);
    } else {
      history.pushState(null, "", target);
    }
    show({ focus, scroll: true });
  }

  /**
   * revalidate re-checks the current page after the session changed (sign-out in another tab,
   * expired token): a page that needs a contact redirects to sign-in, and a shared page switches shell.
   */
  function revalidate() {
    const { route } = match(canonicalPath(window.location.pathname));
    if ((route.access === "contact" && !isSignedIn()) || layoutFor(route) !== currentLayout) {
      show({ focus: true, scroll: false });
    }
  }

  function leavePage() {
    controller?.abort();
    controller = new AbortController();
    if (cleanup) {
      const fn = cleanup;
      cleanup = null;
      try {
        fn();
      } catch (err) {
        console.error(err);
      }
    }
  }

  async function show({ focus, scroll }) {
    const token = ++seq;
    leavePage();
    const { signal } = controller;

    const path = canonicalPath(window.location.pathname);
    const { search, hash } = window.location;
    if (path !== window.location.pathname) {
      history.replaceState(history.state, "", path + search + hash);
    }
    renderedKey = path + search;
    const { route, params } = match(path);

    if (route.access === "contact" && !isSignedIn()) {
      navigate(signInUrl(path + search), { replace: true, focus });
      return;
    }
    if (route.access === "guest" && isSignedIn()) {
      navigate(HOME, { replace: true, focus });
      return;
    }

    delete document.body.dataset.route;
    document.body.classList.add("is-navigating");

    // Permissions load before the shell is drawn, so the menu never shows what the role can't open.
    let page = route;
    let refusal = null;
    if (authorize && isSignedIn()) {
      try {
        if (!(await authorize(route))) {
          page = forbidden;
        }
      } catch (err) {
        refusal = err;
      }
      if (token !== seq) {
        return;
      }
    }

    currentLayout = layoutFor(route);
    const main = mount(currentLayout, route);
    main.setAttribute("aria-busy", "true");

    let title = page.title;
    let name = page.name;
    const ctx = {
      route,
      params,
      query: new URLSearchParams(search),
      props: route.props ?? {},
      signal,
      navigate,
      setTitle: (text) => {
        title = text;
      },
      error: null,
    };

    const root = h("div", { class: "page" });
    try {
      if (refusal) {
        throw refusal;
      }
      const module = await loadPage(page);
      if (token !== seq) {
        return;
      }
      const done = await module.render(root, ctx);
      if (token !== seq) {
        if (typeof done === "function") {
          done();
        }
        return;
      }
      cleanup = typeof done === "function" ? done : null;
    } catch (err) {
      if (token !== seq) {
        return;
      }
      console.error(err);
      root.replaceChildren();
      name = "error";
      title = "Something went wrong";
      await renderError(root, { ...ctx, error: err });
    }

    main.replaceChildren(root);
    main.removeAttribute("aria-busy");
    document.body.classList.remove("is-navigating");
    document.title = `${title} · ${APP_NAME}`;
    document.body.dataset.route = name;
    if (scroll) {
      window.scrollTo(0, 0);
    }
    if (focus) {
      main.focus({ preventScroll: true });
    }
  }

  // A page's module is a chunk of the bundle whose name carries its content's hash: after an upgrade
  // of the server the old name is gone. Reloading once gets the new shell, which names the new chunks.
  async function loadPage(page) {
    try {
      const module = await page.load();
      sessionStorage.removeItem(RELOADED_FOR);
      return module;
    } catch (err) {
      if (sessionStorage.getItem(RELOADED_FOR) === location.href) {
        throw err;
      }
      sessionStorage.setItem(RELOADED_FOR, location.href);
      location.reload();
      return new Promise(() => {}); // the reload replaces this page
    }
  }

  async function renderError(root, ctx) {
    try {
      await errorPage.render(root, ctx);
    } catch (err) {
      console.error(err);
      root.replaceChildren(h("h1", null, "Something went wrong"), h("p", null, "Please reload the page."));
    }
  }

  // Same-origin links to portal pages are handled here instead of reloading the whole app.
  function onClick(event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!link || link.hasAttribute("download") || (link.target && link.target !== "_self")) {
      return;
    }
    const url = new URL(link.getAttribute("href"), window.location.href);
    if (url.origin !== window.location.origin || !isPortalPath(url.pathname)) {
      return;
    }
    if (url.hash && url.pathname === window.location.pathname && url.search === window.location.search) {
      return; // an anchor on this page: let the browser scroll
    }
    event.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  }

  function onPopState() {
    // Fragment navigation fires popstate too; only a different path or query is a new page.
    if (canonicalPath(window.location.pathname) + window.location.search === renderedKey) {
      return;
    }
    show({ focus: true, scroll: false });
  }

  /** start renders the current URL and begins handling links and the back/forward buttons. */
  function start() {
    document.addEventListener("click", onClick);
    window.addEventListener("popstate", onPopState);
    show({ focus: false, scroll: false });
  }

  return { start, navigate, revalidate };
}

function segmentsOf(path) {
  return canonicalPath(path).split("/").filter(Boolean);
}

function matchSegments(pattern, parts) {
  if (pattern.length !== parts.length) {
    return null;
  }
  const params = {};
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(":")) {
      try {
        params[pattern[i].slice(1)] = decodeURIComponent(parts[i]);
      } catch {
        return null; // malformed %-escape: treat as no match (→ not found)
      }
    } else if (pattern[i] !== parts[i]) {
      return null;
    }
  }
  return params;
}
