// CMS pages (spec M1): pages admins write for clients. The server's rule decides which pages a
// contact may read (published, for clients, not limited to other clients); the menu lists them.
import { pb } from "./pb.js";
import { portalSession } from "./session.js";

/**
 * menuPages resolves to the contact's pages for the menu ({ title, slug }, in menu order), which come
 * with the portal session.
 */
export async function menuPages() {
  const session = await portalSession();
  return session?.menu_pages ?? [];
}

/** findPage resolves to the page with `slug` ({ id, title, slug, body }); it rejects with 404 when
 * there is none the contact may read. */
export function findPage(slug) {
  return pb
    .collection("cms_pages")
    .getFirstListItem(pb.filter("slug = {:slug}", { slug }), { fields: "id,title,slug,body", requestKey: null });
}
