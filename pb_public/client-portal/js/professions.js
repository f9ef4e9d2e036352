// Professions (staff categories) as the portal offers and names them. The booking and change forms
// offer only the client-bookable, active ones (spec B1); any profession can be named by id.
import { pb } from "./pb.js";

/** bookableProfessions resolves to [{ id, name }] of the professions a client may book, by name. */
export function bookableProfessions() {
  return pb.collection("professions").getFullList({
    filter: "client_bookable = true && active = true",
    sort: "name",
    fields: "id,name",
    requestKey: null,
  });
}

/** professionName resolves to the name of profession id, or "" when it can't be read. */
export async function professionName(id) {
  if (!id) {
    return "";
  }
  try {
    const profession = await pb.collection("professions").getOne(id, { fields: "name", requestKey: null });
    return profession.name ?? "";
  } catch {
    return "";
  }
}

/**
 * professionOptions turns professions into select options with a "Choose…" first. A current
 * profession that is no longer offered (currentId + currentName) stays selectable, so a form
 * pre-filled from an older event keeps showing it.
 */
export function professionOptions(professions, currentId = "", currentName = "") {
  const options = [{ value: "", label: "Choose the kind of staff…" }];
  options.push(...professions.map((p) => ({ value: p.id, label: p.name })));
  if (currentId && currentName && !professions.some((p) => p.id === currentId)) {
    options.push({ value: currentId, label: `${currentName} (no longer offered)` });
  }
  return options;
}
