// Agency-wide portal settings the pages need for display. The settings record changes rarely, so it
// is fetched once per page load and shared; a failed fetch is not cached, the next caller retries.
import { pb } from "./pb.js";
import { browserTimeZone, isValidTimeZone } from "./format.js";

let timeZonePromise = null;

/**
 * agencyTimeZone resolves to the IANA time zone every date is shown in (portal_settings.time_zone).
 * It never rejects: if the settings can't be read, the browser's own time zone is used.
 */
export function agencyTimeZone() {
  timeZonePromise ??= pb
    .collection("portal_settings")
    // requestKey null: several pages share this one request, the SDK must not auto-cancel it.
    .getFirstListItem("", { fields: "time_zone", requestKey: null })
    .then((settings) => (isValidTimeZone(settings?.time_zone) ? settings.time_zone : browserTimeZone()))
    .catch(() => {
      timeZonePromise = null;
      return browserTimeZone();
    });
  return timeZonePromise;
}
