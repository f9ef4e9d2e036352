// Agency-wide portal settings the pages need for display. The settings record changes rarely, so it
// is fetched once per page load and shared; a failed fetch is not cached, the next caller retries.
import { pb } from "./pb.js";
import { browserTimeZone, isValidTimeZone, setDisplayLocale } from "./format.js";
import { portalSession } from "./session.js";

let timeZonePromise = null;

/**
 * agencyTimeZone resolves to the IANA time zone every date is shown in (portal_settings.time_zone),
 * and makes the agency's locale (portal_settings.locale) the one dates are written in: every page
 * awaits it before formatting. It never rejects: if the settings can't be read, the browser's own
 * time zone is used.
 */
export function agencyTimeZone() {
  timeZonePromise ??= displaySettings()
    .then((settings) => {
      setDisplayLocale(settings?.locale);
      return isValidTimeZone(settings?.time_zone) ? settings.time_zone : browserTimeZone();
    })
    .catch(() => {
      timeZonePromise = null;
      return browserTimeZone();
    });
  return timeZonePromise;
}

// A contact's come with the portal session; a visitor's pages ask the settings themselves.
async function displaySettings() {
  const session = await portalSession();
  return (
    session ??
    // requestKey null: several pages share this one request, the SDK must not auto-cancel it.
    pb.collection("portal_settings").getFirstListItem("", { fields: "time_zone,locale", requestKey: null })
  );
}

/**
 * loadSettings fetches the whole settings record afresh: the booking and change forms follow a
 * switch the agency just flipped (who sets the staff count, a new T&C version) without a reload.
 * Fields used: clients_set_staff_count, default_staff_count, terms_file, terms_version.
 */
export function loadSettings() {
  return pb.collection("portal_settings").getFirstListItem("", { requestKey: null });
}

/** termsURL is the link to the agency's T&C document, or "" when none is uploaded (spec B4). */
export function termsURL(settings) {
  return settings?.terms_file ? pb.files.getURL(settings, settings.terms_file) : "";
}
