// Entry point of the Crewportal client portal (loaded by index.html): wires the route table, the
// shells and the session together and starts the router.
import { createRouter } from "./router.js";
import { createLayout } from "./layout.js";
import { routes, notFoundRoute, forbiddenRoute } from "./routes.js";
import * as errorPage from "./pages/error.js";
import { pb } from "./pb.js";
import { signOut } from "./auth.js";
import { refreshSession } from "./session.js";
import { canAny, loadPermissions } from "./permissions.js";
import { SIGN_IN } from "./paths.js";
import { loadMetadata } from "./metadata.js";

const mount = createLayout({
  appRoot: document.getElementById("app"),
  navRoutes: routes.filter((route) => route.nav),
  onSignOut: () => {
    signOut();
    router.navigate(SIGN_IN);
  },
});

const router = createRouter({
  routes,
  notFound: notFoundRoute,
  forbidden: forbiddenRoute,
  errorPage,
  mount,
  // Pages that need no permission still wait for the role (so the menu is right from the first
  // page) but don't fail with it: until it loads, the menu simply leaves out what needs one.
  authorize: async (route) => {
    try {
      await loadPermissions();
    } catch (err) {
      if (route.permissions?.length) {
        throw err;
      }
    }
    return canAny(route.permissions);
  },
});

// Deferred to a microtask so that code which changes the session and then navigates (sign-in,
// sign-out) has updated the URL first; only sessions lost elsewhere (another tab, an expired or
// revoked token) are left for revalidate to redirect.
pb.authStore.onChange(() => queueMicrotask(() => router.revalidate()));

// The pages word statuses and check forms with the server's metadata, so it comes first.
await loadMetadata();
router.start();
refreshSession();
