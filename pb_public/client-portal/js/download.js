// Downloads of files that need the contact's session (e.g. the events CSV): the request carries the
// token in the Authorization header, which a plain link cannot, and the answer is handed to the
// browser as a file through a temporary object URL.
import { ClientResponseError } from "/client-portal/vendor/pocketbase/pocketbase.es.mjs";
import { h } from "./dom.js";
import { pb } from "./pb.js";

/**
 * downloadFile fetches url with the session and saves the answer under the server's file name
 * (Content-Disposition) or fallbackName. It rejects with a ClientResponseError, like the SDK, so
 * errors.errorMessage words the failure.
 */
export async function downloadFile(url, fallbackName) {
  let response;
  try {
    response = await fetch(url, { headers: { Authorization: pb.authStore.token }, cache: "no-store" });
  } catch (err) {
    throw new ClientResponseError(err);
  }
  if (!response.ok) {
    if (response.status === 401) {
      pb.authStore.clear(); // as pb.afterSend does for SDK requests
    }
    let data = {};
    try {
      data = await response.json();
    } catch {
      // not JSON: the status alone says enough
    }
    throw new ClientResponseError({ url, status: response.status, data });
  }
  saveFile(await response.blob(), fileName(response) || fallbackName);
}

/** saveFile hands blob to the browser as a download named name. */
function saveFile(blob, name) {
  const href = URL.createObjectURL(blob);
  const link = h("a", { href, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has started reading the blob by now; give it a moment before letting it go.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

function fileName(response) {
  const header = response.headers.get("Content-Disposition") ?? "";
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header);
  if (!match) {
    return "";
  }
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}
