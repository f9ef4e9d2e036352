// CMS pages (spec M1): pages admins write for clients. The server's rule decides which pages a
// contact may read (published, for clients, not limited to other clients); the menu lists them.
import { pb } from "./pb.js";

/** menuPages resolves to the contact's pages for the menu ({ title, slug }, in menu order). */
export function menuPages() {
  return pb.collection("cms_pages").getFullList({ sort: "menu_order,title", fields: "title,slug", requestKey: null });
}

/** findPage resolves to the page with `slug` ({ id, title, slug, body }); it rejects with 404 when
 * there is none the contact may read. */
export function findPage(slug) {
  return pb
    .collection("cms_pages")
    .getFirstListItem(pb.filter("slug = {:slug}", { slug }), { fields: "id,title,slug,body", requestKey: null });
}
