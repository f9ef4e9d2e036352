// The portal's single PocketBase client. Every module imports this instance so they all share one
// auth store (LocalAuthStore, the SDK default: the session survives reloads and syncs across tabs).
import PocketBase from "/client-portal/vendor/pocketbase/pocketbase.es.mjs";

export const pb = new PocketBase(window.location.origin);

// A 401 means the server no longer accepts our token (expired, contact disabled, password changed
// elsewhere). Dropping it lets the router's auth listener send the user to sign-in instead of
// leaving every page to fail on its own.
pb.afterSend = (response, data) => {
  if (response.status === 401 && pb.authStore.token) {
    pb.authStore.clear();
  }
  return data;
};
