// The event page's people (spec R1–R3): the team leader card, the roster (a photo grid on desktop,
// a list on phones) and the qualifications each shift requires. The server's roster route decides
// what the contact may see and says so in `show`; this module only draws what it was given.
import { h } from "./dom.js";
import { card, emptyState } from "./components.js";
import { formatDate, formatDateRange } from "./format.js";
import { fileURL, initials } from "./photos.js";

/**
 * teamLeaderCard shows the team leader's name and, while the server gives it (until the event
 * ends), the phone as a tel: link. Null when the event has no team leader.
 */
export function teamLeaderCard(leader) {
  if (!leader) {
    return null;
  }
  return h(
    "section",
    { id: "team-leader", class: "leader-card", "aria-labelledby": "team-leader-title" },
    h("h2", { class: "leader-card__label", id: "team-leader-title" }, "Team leader on the day"),
    h("p", { class: "leader-card__name", id: "team-leader-name" }, leader.name),
    leader.phone
      ? h("a", { id: "team-leader-phone", class: "button button--primary leader-card__phone", href: `tel:${leader.phone.replace(/[^+\d]/g, "")}` }, `Call ${leader.phone}`)
      : h("p", { class: "leader-card__note" }, "The phone number is shown until the event ends."),
  );
}

/** rosterCard lists who is coming; null when the contact may not see the roster. */
export function rosterCard(roster, { token, timeZone }) {
  if (!roster.show.roster) {
    return null;
  }
  const people = roster.people;
  const body =
    people.length === 0
      ? emptyState(h("p", null, "Nobody is rostered yet. The agency adds people as they confirm."))
      : h("ul", { id: "roster-list", class: "roster" }, people.map((person) => rosterPerson(person, roster.show, { token, timeZone })));
  return card({ id: "event-roster", title: `Who is coming${people.length ? ` (${people.length})` : ""}` }, body);
}

function rosterPerson(person, show, { token, timeZone }) {
  const photo =
    show.photo && person.photo && token
      ? h("img", { class: "roster__photo", src: fileURL(person.photo, token, "300x300"), alt: `Photo of ${person.name}` })
      : h("span", { class: "roster__photo roster__photo--initials", "aria-hidden": "true" }, initials(person.name));
  const facts = [
    (person.profession || person.team_leader) &&
      h("p", { class: "roster__role" }, person.profession, person.team_leader && h("span", { class: "badge badge--confirmed roster__leader" }, "Team leader")),
    h("p", { class: "roster__when" }, formatDateRange(person.starts_at, person.ends_at, timeZone)),
    person.skills?.length > 0 && h("p", { class: "roster__skills" }, person.skills.join(", ")),
  ];
  const documents = [];
  if (show.photo_id && person.photo_id && token) {
    documents.push(h("li", null, h("a", { href: fileURL(person.photo_id, token), target: "_blank", rel: "noopener", class: "roster__photo-id" }, "Photo ID")));
  }
  for (const q of person.qualifications ?? []) {
    const expiry = q.valid_until ? ` (valid until ${formatDate(q.valid_until, timeZone)})` : "";
    documents.push(
      h(
        "li",
        { class: "roster__qualification" },
        q.certificate && token ? h("a", { href: fileURL(q.certificate, token), target: "_blank", rel: "noopener" }, q.name) : q.name,
        expiry,
      ),
    );
  }
  for (const v of person.vehicles ?? []) {
    documents.push(h("li", { class: "roster__vehicle" }, `Vehicle: ${[v.make, v.model, v.colour].filter(Boolean).join(", ")}, plate ${v.plate}`));
  }
  return h(
    "li",
    { class: "roster__person", dataset: { assignment: person.assignment } },
    photo,
    h("div", { class: "roster__text" }, h("p", { class: "roster__name" }, person.name), facts, documents.length > 0 && h("ul", { class: "roster__documents" }, documents)),
  );
}

/** requiredQualifications shows what each shift requires; null when the setting hides it or none is. */
export function requiredQualificationsCard(roster, { timeZone }) {
  const shifts = (roster.shifts ?? []).filter((s) => s.required_qualifications.length > 0);
  if (!roster.show.required_qualifications || shifts.length === 0) {
    return null;
  }
  return card(
    { id: "event-qualifications", title: "Required qualifications" },
    h(
      "ul",
      { id: "required-qualifications", class: "plain-list" },
      shifts.map((s) =>
        h(
          "li",
          null,
          h("strong", null, s.profession || "Staff"),
          roster.shifts.length > 1 && ` (${formatDateRange(s.starts_at, s.ends_at, timeZone)})`,
          ": ",
          s.required_qualifications.join(", "),
        ),
      ),
    ),
  );
}
