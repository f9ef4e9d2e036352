// A one-time message carried to the next page (e.g. "Booked." shown on the new event's page). It
// lives in memory only, so a reload or a later visit doesn't show it again.
let pending = null;

/** setFlash leaves text for the page at path to show once. */
export function setFlash(path, text) {
  pending = { path, text };
}

/** takeFlash returns (and forgets) the message left for path, or "". */
export function takeFlash(path) {
  if (!pending || pending.path !== path) {
    return "";
  }
  const { text } = pending;
  pending = null;
  return text;
}
