// Entry point of the Crewportal client portal (loaded by index.html): wires the route table, the
// shells and the session together and starts the router.
import { createRouter } from "./router.js";
import { createLayout } from "./layout.js";
import { routes, notFoundRoute } from "./routes.js";
import * as errorPage from "./pages/error.js";
import { pb } from "./pb.js";
import { refreshSession, signOut } from "./auth.js";
import { SIGN_IN } from "./paths.js";

const mount = createLayout({
  appRoot: document.getElementById("app"),
  navRoutes: routes.filter((route) => route.nav),
  onSignOut: () => {
    signOut();
    router.navigate(SIGN_IN);
  },
});

const router = createRouter({ routes, notFound: notFoundRoute, errorPage, mount });

// Deferred to a microtask so that code which changes the session and then navigates (sign-in,
// sign-out) has updated the URL first; only sessions lost elsewhere (another tab, an expired or
// revoked token) are left for revalidate to redirect.
pb.authStore.onChange(() => queueMicrotask(() => router.revalidate()));

router.start();
refreshSession();
