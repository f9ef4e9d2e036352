// Finance (spec F1, F2): summary cards per currency (outstanding, overdue, paid this year), the
// company's issued invoices with their status, dates, amounts, paid and outstanding, filtered by
// status and issue date and a page at a time (in the URL, so reload and links keep them), each
// invoice's payments, the PDF for roles that may download invoices, a CSV export of the whole
// filtered list, and the order history with estimated prices for roles that may see prices. The
// server decides everything shown: drafts never arrive, amounts are integer minor units (cents)
// computed and added up by the server (GET /api/portal/finance), so a company invoiced for years
// is not downloaded to be summed.
import { h } from "../dom.js";
import { card, dataTable, emptyState, notice, pagination, statusBadge, statusMessage } from "../components.js";
import { downloadFile } from "../download.js";
import { errorMessage } from "../errors.js";
import { eventTable } from "../event-table.js";
import { formatDate, formatMoney } from "../format.js";
import { field, formAlert, setBusy, statusFilterField, submitFilters } from "../forms.js";
import { invoiceStatuses } from "../metadata.js";
import { FINANCE } from "../paths.js";
import { pb } from "../pb.js";
import { can } from "../permissions.js";
import { invoicesCsvURL, loadFinance } from "../portal-api.js";
import { agencyTimeZone } from "../settings.js";
import { snippetSlot } from "../snippets.js";

/** invoiceStatusLabels maps each status a client sees to its words, from the server's metadata. */
function invoiceStatusLabels() {
  return Object.fromEntries(invoiceStatuses().map((s) => [s.value, s.label]));
}

const FILTERS = ["status", "from", "to"];
// Invoice and payment dates are calendar dates stored at midnight UTC: read them in UTC.
const DATE_ZONE = "UTC";

export async function render(root, ctx) {
  const filters = readFilters(ctx.query);
  const prices = can("view_prices");
  const [note, page, orders, timeZone] = await Promise.all([
    snippetSlot(ctx.props.snippet),
    loadFinance(filters),
    prices
      ? pb.collection("events").getList(1, 20, {
          sort: "-starts_at",
          fields: "id,name,venue,starts_at,ends_at,status,estimated_price,currency",
          requestKey: "finance-orders",
        })
      : null,
    agencyTimeZone(),
  ]);
  const filterForm = filtersForm(filters, ctx);
  const exporter = exportControls(filters);
  root.append(
    h("h1", { class: "page__title" }, "Finance"),
    h("p", { class: "page__intro" }, "Your invoices, what is paid and what is still open."),
    note,
    summaryCards(page.totals, page.year),
    filterForm,
    card(
      { id: "invoices", title: "Invoices", action: page.totalItems > 0 ? exporter.button : null },
      exporter.messages,
      page.pageClamped && notice("info", page.message),
      invoiceList(page.items, page.payments, filters),
      pagination("invoices-pagination", page, (n) => financeURL({ ...filters, page: n })),
    ),
    orders && card({ id: "orders", title: "Order history" }, orderHistory(orders.items, timeZone)),
  );
}

function readFilters(query) {
  const status = query.get("status") ?? "";
  const page = Number.parseInt(query.get("page") ?? "", 10);
  return {
    status: Object.hasOwn(invoiceStatusLabels(), status) ? status : "",
    from: isDate(query.get("from")) ? query.get("from") : "",
    to: isDate(query.get("to")) ? query.get("to") : "",
    page: page >= 1 ? page : 1,
  };
}

/** isDate reports whether s is a calendar date written YYYY-MM-DD (2026-02-30 is not). */
function isDate(s) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s ?? "")) {
    return false;
  }
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function financeURL(filters) {
  const params = new URLSearchParams();
  for (const key of FILTERS) {
    if (filters[key]) {
      params.set(key, filters[key]);
    }
  }
  if (filters.page > 1) {
    params.set("page", String(filters.page));
  }
  const query = params.toString();
  return query ? `${FINANCE}?${query}` : FINANCE;
}

/** outstanding is what is left to pay on an invoice (nothing on a void one). */
function outstanding(inv) {
  return inv.status === "void" ? 0 : Math.max(0, (inv.total ?? 0) - (inv.paid_amount ?? 0));
}

/**
 * summaryCards shows, per currency, what is outstanding on open invoices, what of it is overdue,
 * and the payments made this calendar year (the agency's year), as the server added them up.
 */
function summaryCards(totals, year) {
  if (totals.length === 0) {
    return null;
  }
  const stat = (label, value, currency, kind) =>
    h("div", { class: `finance-stat${kind ? ` finance-stat--${kind}` : ""}` }, h("dt", null, label), h("dd", null, formatMoney(value, currency)));
  return h(
    "section",
    { id: "finance-summary", class: "finance-summary", "aria-label": "Summary" },
    totals.map((s) =>
      h(
        "dl",
        { class: "finance-summary__currency", dataset: { currency: s.currency } },
        stat("Outstanding", s.outstanding, s.currency),
        stat("Overdue", s.overdue, s.currency, s.overdue > 0 ? "alert" : ""),
        stat(`Paid in ${year}`, s.paidInYear, s.currency),
      ),
    ),
  );
}

function filtersForm(filters, ctx) {
  const alert = formAlert("finance-filters-error");
  const form = h(
    "form",
    { id: "finance-filters", class: "filters", role: "search", "aria-label": "Filter invoices", novalidate: true },
    statusFilterField(filters.status, invoiceStatusLabels()),
    field({ id: "filter-from", name: "from", type: "date", label: "Issued on or after", value: filters.from }),
    field({ id: "filter-to", name: "to", type: "date", label: "Issued on or before", value: filters.to }),
    h(
      "div",
      { class: "filters__actions" },
      h("button", { type: "submit", id: "filter-apply", class: "button button--primary" }, "Show invoices"),
      FILTERS.some((key) => filters[key]) && h("a", { id: "filter-clear", class: "button button--secondary", href: FINANCE }, "Clear filters"),
    ),
  );
  submitFilters(form, alert, FILTERS, {}, (next) => ctx.navigate(financeURL(next)));
  return h("div", { class: "filters-box" }, alert, form);
}

function invoiceList(invoices, payments, filters) {
  if (invoices.length === 0) {
    return emptyState(
      h("p", null, FILTERS.some((key) => filters[key]) ? "No invoices match your filters." : "You have no invoices yet."),
    );
  }
  const download = can("download_invoices");
  return dataTable({
    id: "invoices-table",
    caption: "Invoices",
    columns: [
      { label: "Invoice" },
      { label: "Status" },
      { label: "Issued" },
      { label: "Due" },
      { label: "Amount", number: true },
      { label: "Paid", number: true },
      { label: "Outstanding", number: true },
      { label: "Payments" },
      download && { label: "PDF", hidden: true },
    ],
    rows: invoices.map((inv) => invoiceRow(inv, payments.filter((p) => p.invoice === inv.id), download)),
  });
}

function invoiceRow(inv, payments, download) {
  return h(
    "tr",
    { dataset: { invoiceId: inv.id, status: inv.status } },
    h("th", { scope: "row", class: "data-table__title finance-number" }, inv.number),
    h("td", { dataset: { label: "Status" } }, statusBadge(invoiceStatusLabels(), inv.status)),
    h("td", { dataset: { label: "Issued" } }, formatDate(inv.issued_on, DATE_ZONE)),
    h("td", { dataset: { label: "Due" } }, formatDate(inv.due_on, DATE_ZONE)),
    h("td", { class: "data-table__number", dataset: { label: "Amount" } }, formatMoney(inv.total, inv.currency)),
    h("td", { class: "data-table__number", dataset: { label: "Paid" } }, formatMoney(inv.paid_amount ?? 0, inv.currency)),
    h("td", { class: "data-table__number", dataset: { label: "Outstanding" } }, formatMoney(outstanding(inv), inv.currency)),
    h(
      "td",
      { dataset: { label: "Payments" } },
      payments.length === 0
        ? "—"
        : h(
            "ul",
            { class: "finance-payments" },
            payments.map((p) =>
              h("li", null, `${formatDate(p.paid_on, DATE_ZONE)}: ${formatMoney(p.amount, inv.currency)}${p.method ? ` (${p.method})` : ""}`),
            ),
          ),
    ),
    download && h("td", { dataset: { label: "PDF" } }, inv.pdf ? pdfButton(inv) : "—"),
  );
}

/** pdfButton downloads the invoice's PDF with a short-lived file token (the file is protected). */
function pdfButton(inv) {
  const button = h(
    "button",
    { type: "button", class: "button button--secondary button--small", dataset: { pdf: inv.number }, "aria-label": `Download invoice ${inv.number} (PDF)` },
    "PDF",
  );
  const alert = h("span", { class: "field-error", role: "alert" });
  button.addEventListener("click", async () => {
    alert.textContent = "";
    setBusy(button, true, "…");
    try {
      const token = await pb.files.getToken();
      await downloadFile(pb.files.getURL(inv, inv.pdf, { token }), `${inv.number}.pdf`);
    } catch (err) {
      alert.textContent = errorMessage(err);
    } finally {
      setBusy(button, false);
    }
  });
  return h("span", null, button, alert);
}

/** exportControls is the "Export CSV" button of the whole filtered list (every page) and where it reports. */
function exportControls(filters) {
  const status = statusMessage("invoices-export-status");
  const alert = formAlert("invoices-export-error");
  const button = h("button", { type: "button", id: "invoices-export", class: "button button--secondary button--small" }, "Export CSV");
  button.addEventListener("click", async () => {
    alert.textContent = "";
    status.textContent = "";
    setBusy(button, true, "Preparing…");
    try {
      await downloadFile(invoicesCsvURL(filters), "invoices.csv");
      status.textContent = "The CSV file of these invoices has been downloaded.";
    } catch (err) {
      alert.textContent = `The export failed. ${errorMessage(err)}`;
    } finally {
      setBusy(button, false);
    }
  });
  return { button, messages: [alert, status] };
}

function orderHistory(events, timeZone) {
  if (events.length === 0) {
    return emptyState(h("p", null, "You have no orders yet."));
  }
  return eventTable(events, { id: "orders-table", caption: "Order history", prices: true, timeZone });
}
