// Contact photos. Photos are protected files: their URLs need a short-lived file token, so a page
// asks for one token and builds every URL it shows with it. Without a photo (or a token) the
// contact's initials stand in, drawn in CSS.
import { h } from "./dom.js";
import { pb } from "./pb.js";
import { contactName } from "./auth.js";

/** fileToken resolves to a file token for protected files, or "" when none could be had. */
export async function fileToken() {
  try {
    return await pb.files.getToken({ requestKey: null });
  } catch {
    return "";
  }
}

/**
 * avatar shows record's photo (thumb "100x100" or "300x300") or its initials.
 * options: token (from fileToken), thumb, size ("small" | "large"), alt (default "": the name is
 * usually written beside it).
 */
export function avatar(record, { token, thumb = "100x100", size = "small", alt = "" } = {}) {
  const className = `avatar avatar--${size}`;
  if (record?.photo && token) {
    return h("img", {
      class: className,
      src: pb.files.getURL(record, record.photo, { token, thumb }),
      alt,
    });
  }
  return h("span", { class: `${className} avatar--initials`, "aria-hidden": "true" }, initials(contactName(record)));
}

/** initials are the one or two letters that stand in for a person without a photo. */
export function initials(name) {
  const words = String(name ?? "").trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) {
    return "?";
  }
  const first = words[0][0];
  const last = words.length > 1 ? words[words.length - 1][0] : "";
  return (first + last).toUpperCase();
}

/** fileURL adds the file token (and a thumb size) to a protected file's API path. */
export function fileURL(path, token, thumb) {
  const query = new URLSearchParams({ token });
  if (thumb) {
    query.set("thumb", thumb);
  }
  return `${path}?${query}`;
}
