// The live price estimate of the booking and change forms (spec B3), for roles that may view
// prices: ~400 ms after the last edit a complete form is sent to the server, which does the maths
// (hours × staff × hourly rate of the client's price list). An incomplete form is not sent and
// simply shows no estimate.
import { h } from "./dom.js";
import { pb } from "./pb.js";
import { isAbortError } from "./errors.js";
import { formatMoney, formatNumber } from "./format.js";
import { estimatePrice } from "./portal-api.js";

const DELAY_MS = 400;

/** describeEstimate words an estimate: "AUD 513.00 (5 h × 3 staff × 34.20/h)". */
export function describeEstimate(estimate) {
  const { total, currency, hours, staff_count: staff, hourly_rate: rate } = estimate;
  return `${formatMoney(total, currency)} (${formatNumber(hours)} h × ${staff} staff × ${formatMoney(rate, currency)}/h)`;
}

/**
 * liveEstimate watches form and returns { root, refresh }: root shows the estimate (a polite live
 * region, so the new figure is read out) and refresh() asks at once.
 * options: id (of root), form, body (() => the API body for the form's current values), ready
 * (() => whether the form is complete enough to price; the server is asked only then, so an
 * unfinished form costs no request), label (e.g. "Estimated price"), signal (the page's: stops the
 * timer and the request when leaving).
 */
export function liveEstimate({ id, form, body, ready = () => true, label = "Estimated price", signal }) {
  const line = h("p", { class: "estimate__line", id, role: "status" });
  const note = h("p", { class: "estimate__note", hidden: true });
  const root = h("div", { class: "estimate" }, line, note);
  const key = `estimate:${id}`;
  let timer = 0;
  let seq = 0;

  function show(text, noteText = "") {
    line.textContent = text;
    note.textContent = noteText;
    note.hidden = !noteText;
  }

  async function refresh() {
    clearTimeout(timer);
    const mine = ++seq;
    if (!ready()) {
      pb.cancelRequest(key);
      show("");
      return;
    }
    try {
      const result = await estimatePrice(body(), key);
      if (mine !== seq) {
        return;
      }
      if (result?.estimate) {
        const e = result.estimate;
        show(
          `${label}: ${describeEstimate(e)}`,
          `Rates of the ${e.price_list} price list. The agency confirms the final price.`,
        );
      } else {
        show(result?.message || "No price estimate is available for this booking; the agency will quote it.");
      }
    } catch (err) {
      if (mine === seq && !isAbortError(err)) {
        show(""); // an incomplete form (400) or a passing failure: no estimate rather than an error
      }
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, DELAY_MS);
  }

  form.addEventListener("input", schedule, { signal });
  form.addEventListener("change", schedule, { signal });
  signal?.addEventListener("abort", () => {
    clearTimeout(timer);
    seq++;
    pb.cancelRequest(key);
  });
  return { root, refresh, schedule };
}
