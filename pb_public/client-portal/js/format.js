// Formatting of dates, times and money for display. Dates are stored in UTC and always shown in the
// agency's time zone (spec E3), which callers pass in (see settings.js); Intl does the DST maths.
// Dates, times and numbers are written the agency's way (portal_settings.locale, e.g. en-AU), not
// the browser's, so every client reads dates the way the agency's emails write them (pb_hooks/dates.go,
// the same CLDR conventions; small differences remain, e.g. Intl writes "06:00 AM" where emails write
// "6:00 am" for en-US).

const formatters = new Map();

/** DEFAULT_LOCALE is used until the agency's locale is known, and when it is not one Intl knows. */
export const DEFAULT_LOCALE = "en-GB";
let displayLocale = DEFAULT_LOCALE;

/** setDisplayLocale makes the agency's locale (a BCP 47 tag) the one every formatter uses. */
export function setDisplayLocale(tag) {
  let supported = [];
  try {
    supported = Intl.DateTimeFormat.supportedLocalesOf(tag || []);
  } catch {
    // a malformed tag: keep the default
  }
  displayLocale = supported[0] ?? DEFAULT_LOCALE;
}

// Intl formatters are costly to build and lists format many rows, so keep one per option set.
// A fixed locale is for machine-readable parts.
function dateTimeFormat(timeZone, options, locale = displayLocale) {
  const key = JSON.stringify([locale ?? "", timeZone, options]);
  let fmt = formatters.get(key);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    formatters.set(key, fmt);
  }
  return fmt;
}

const DATE = { weekday: "short", day: "numeric", month: "short", year: "numeric" };
const TIME = { hour: "2-digit", minute: "2-digit" };
const DAY_KEY = { year: "numeric", month: "2-digit", day: "2-digit" };
// The parts of a wall-clock time as <input type="datetime-local"> spells it (always Latin digits).
const LOCAL_INPUT = { ...DAY_KEY, hour: "2-digit", minute: "2-digit", hourCycle: "h23", numberingSystem: "latn" };
const LOCAL_INPUT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** browserTimeZone is the time zone of this device, used when the agency's one is unknown. */
export function browserTimeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** isValidTimeZone reports whether tz is an IANA zone this browser knows (e.g. "Australia/Melbourne"). */
export function isValidTimeZone(tz) {
  if (typeof tz !== "string" || tz === "") {
    return false;
  }
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * parseDate accepts a Date or a PocketBase datetime string ("2025-06-14 08:00:00.000Z"; the space
 * instead of "T" is not parsed by every browser) and returns a Date, or null when empty/invalid.
 */
export function parseDate(value) {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? null : value;
  }
  if (typeof value !== "string" || value.trim() === "") {
    return null;
  }
  const date = new Date(value.trim().replace(" ", "T"));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** formatDate prints the day only, e.g. "Sat, 14 Jun 2025". Empty string for a missing date. */
export function formatDate(iso, timeZone) {
  const date = parseDate(iso);
  return date ? dateTimeFormat(timeZone, DATE).format(date) : "";
}

/** formatTime prints the time of day only, e.g. "06:00" (en-GB) or "06:00 am" (en-AU). */
export function formatTime(iso, timeZone) {
  const date = parseDate(iso);
  return date ? dateTimeFormat(timeZone, TIME).format(date) : "";
}

/** formatDateTime prints day and time, e.g. "Sat, 14 Jun 2025, 18:00". */
export function formatDateTime(iso, timeZone) {
  const date = parseDate(iso);
  return date ? `${formatDate(date, timeZone)}, ${formatTime(date, timeZone)}` : "";
}

/**
 * formatDateRange prints a start–end span. When both fall on the same day in timeZone the date is
 * printed once ("Sat, 14 Jun 2025, 18:00 – 23:30"); otherwise both ends are printed in full.
 */
export function formatDateRange(startIso, endIso, timeZone) {
  const start = parseDate(startIso);
  const end = parseDate(endIso);
  if (!start || !end) {
    return formatDateTime(start ?? end, timeZone);
  }
  const dayKey = dateTimeFormat(timeZone, DAY_KEY);
  if (dayKey.format(start) === dayKey.format(end)) {
    return `${formatDateTime(start, timeZone)} – ${formatTime(end, timeZone)}`;
  }
  return `${formatDateTime(start, timeZone)} – ${formatDateTime(end, timeZone)}`;
}

/**
 * toLocalInput gives the wall-clock time of iso in timeZone as "YYYY-MM-DDTHH:MM", the value of an
 * <input type="datetime-local"> and what the booking and change APIs expect (spec E3: the server
 * applies the agency's zone, the browser never converts). Empty string for a missing date.
 */
export function toLocalInput(iso, timeZone) {
  const date = parseDate(iso);
  if (!date) {
    return "";
  }
  const parts = {};
  for (const part of dateTimeFormat(timeZone, LOCAL_INPUT, "en-US").formatToParts(date)) {
    parts[part.type] = part.value;
  }
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/**
 * formatLocalInput prints a wall-clock value "YYYY-MM-DDTHH:MM" (already in the agency's zone, e.g.
 * a proposed start) like formatDateTime does, without converting it. Unparseable values print as
 * they are.
 */
export function formatLocalInput(value) {
  const m = LOCAL_INPUT_PATTERN.exec(String(value ?? ""));
  if (!m) {
    return String(value ?? "");
  }
  // The same wall clock read as UTC and printed in UTC: no zone maths, no DST surprises.
  return formatDateTime(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5])), "UTC");
}

const numberFormatters = new Map();

/** formatNumber prints value with at least min and at most max decimals, e.g. 5, 5.5, 34.20. */
export function formatNumber(value, min = 0, max = 2) {
  const key = `${displayLocale}:${min}:${max}`;
  let fmt = numberFormatters.get(key);
  if (!fmt) {
    fmt = new Intl.NumberFormat(displayLocale, { minimumFractionDigits: min, maximumFractionDigits: max });
    numberFormatters.set(key, fmt);
  }
  const n = value === null || value === undefined || value === "" ? NaN : Number(value);
  return Number.isFinite(n) ? fmt.format(n) : "";
}

function moneyFormat(currency) {
  const key = `${displayLocale}:money:${currency}`;
  let fmt = numberFormatters.get(key);
  if (!fmt) {
    try {
      fmt = new Intl.NumberFormat(displayLocale, { style: "currency", currency, currencyDisplay: "code" });
    } catch {
      // not an ISO code Intl knows: the common two digits, the code as text
      fmt = new Intl.NumberFormat(displayLocale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    numberFormatters.set(key, fmt);
  }
  return fmt;
}

/**
 * minorToDecimal turns integer minor units into an exact decimal string in major units with the
 * currency's digits ("123450", 2 → "1234.50"): Intl formats the string exactly, where dividing
 * would go through a binary float.
 */
function minorToDecimal(minor, digits) {
  const n = BigInt(minor);
  const sign = n < 0n ? "-" : "";
  const s = (n < 0n ? -n : n).toString().padStart(digits + 1, "0");
  return digits === 0 ? sign + s : `${sign}${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

/**
 * formatMoney prints an amount stored as integer minor units (cents: 125000 is 1,250.00) of an
 * ISO currency with Intl.NumberFormat in the agency's locale, code first, e.g. "AUD 1,250.00" (the
 * code is unambiguous where symbols are not: $ is many currencies; JPY has no decimals). Empty
 * string for a missing amount. The server writes money the same way (Go package money).
 */
export function formatMoney(minor, currency) {
  if (minor === null || minor === undefined || minor === "" || !Number.isInteger(Number(minor))) {
    return "";
  }
  const fmt = moneyFormat(currency || "");
  const digits = fmt.resolvedOptions().maximumFractionDigits;
  const text = fmt.format(minorToDecimal(Number(minor), digits));
  return currency && fmt.resolvedOptions().style !== "currency" ? `${currency} ${text}` : text;
}

/** timeZoneName prints an IANA zone for people, e.g. "America/New_York" → "America/New York". */
export function timeZoneName(timeZone) {
  return String(timeZone ?? "").replaceAll("_", " ");
}
