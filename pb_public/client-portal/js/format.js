// Formatting of dates, times and money for display. Dates are stored in UTC and always shown in the
// agency's time zone (spec E3), which callers pass in (see settings.js); Intl does the DST maths.

const formatters = new Map();

// Intl formatters are costly to build and lists format many rows, so keep one per option set.
function dateTimeFormat(timeZone, options) {
  const key = JSON.stringify([timeZone, options]);
  let fmt = formatters.get(key);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat(undefined, { ...options, timeZone });
    formatters.set(key, fmt);
  }
  return fmt;
}

const DATE = { weekday: "short", day: "numeric", month: "short", year: "numeric" };
const TIME = { hour: "numeric", minute: "2-digit" };
const DAY_KEY = { year: "numeric", month: "2-digit", day: "2-digit" };

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

/** formatTime prints the time of day only, e.g. "18:00" or "6:00 PM" depending on the locale. */
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
 * formatMoney prints an amount in currency (ISO 4217 code, e.g. "AUD"). An unknown or missing
 * currency still prints the figure with two decimals rather than failing the page.
 */
export function formatMoney(amount, currency) {
  const value = Number(amount);
  if (!Number.isFinite(value)) {
    return "";
  }
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency }).format(value);
  } catch {
    const figure = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
    return currency ? `${figure} ${currency}` : figure;
  }
}
