// Company page (spec A5): the company's address and billing details. Contacts whose role may edit
// company details change them here (saved at once; the server emails the agency the old and new
// values); everyone else sees them read-only. The company name stays with the agency.
import { h } from "../dom.js";
import { pb } from "../pb.js";
import { currentContact } from "../auth.js";
import { card, notice } from "../components.js";
import { field, savingForm, valuesOf } from "../forms.js";
import { can } from "../permissions.js";
import { BASE } from "../paths.js";

// The details a contact may edit, in the order shown, grouped as on an invoice.
const GROUPS = [
  {
    legend: "Address",
    fields: [
      { name: "phone", label: "Phone", type: "tel", autocomplete: "tel", maxlength: "50" },
      { name: "address", label: "Street address", autocomplete: "street-address", maxlength: "300" },
      { name: "city", label: "City", autocomplete: "address-level2", maxlength: "100" },
      { name: "postcode", label: "Postcode", autocomplete: "postal-code", maxlength: "20" },
      { name: "country", label: "Country", autocomplete: "country-name", maxlength: "100" },
    ],
  },
  {
    legend: "Billing",
    fields: [
      { name: "billing_email", label: "Billing email", type: "email", autocomplete: "email", hint: "Invoices are sent here." },
      { name: "billing_address", label: "Billing address", type: "textarea", maxlength: "500" },
      { name: "vat_id", label: "VAT id", maxlength: "50", hint: "Your tax or VAT registration number, e.g. an ABN." },
    ],
  },
];
const FIELD_NAMES = GROUPS.flatMap((group) => group.fields.map((f) => f.name));

export async function render(root) {
  const me = currentContact();
  const company = await pb.collection("clients").getOne(me.client, { fields: ["id", "name", ...FIELD_NAMES].join(",") });
  const editable = can("edit_company");

  root.append(
    h(
      "div",
      { class: "page-header" },
      h(
        "div",
        { class: "page-header__text" },
        h("h1", { class: "page__title" }, "Company"),
        h("p", { class: "page__intro", id: "company-name" }, company.name),
      ),
    ),
    card(
      {
        id: "company",
        title: "Company details",
        action: can("manage_contacts") && h("a", { class: "card__action", href: `${BASE}/contacts` }, "Manage contacts"),
      },
      editable ? detailsForm(company) : detailsList(company),
    ),
  );
}

function detailsForm(company) {
  const { alert, status, form } = savingForm(
    {
      id: "company",
      submitId: "company-save",
      submitLabel: "Save company details",
      check: (f) =>
        f.elements.billing_email.value.trim() && !f.elements.billing_email.checkValidity()
          ? { billing_email: "Enter an email address like accounts@company.com." }
          : {},
      save: async (f) => {
        await pb.collection("clients").update(company.id, valuesOf(f, FIELD_NAMES));
        return "Company details saved. The agency has been told about the change.";
      },
    },
    GROUPS.map((group) =>
      h(
        "fieldset",
        { class: "fieldset" },
        h("legend", { class: "fieldset__legend" }, group.legend),
        group.fields.map(({ name, ...options }) => field({ id: `company-${name.replaceAll("_", "-")}`, name, value: company[name], ...options })),
      ),
    ),
    h("p", { class: "form__note" }, "The company name can only be changed by the agency. Saved changes are sent to the agency."),
  );
  return [alert, status, form];
}

function detailsList(company) {
  return [
    h(
      "div",
      { id: "company-details", class: "details-groups" },
      GROUPS.map((group) =>
        h(
          "div",
          { class: "details-group" },
          h("h3", { class: "details-group__title" }, group.legend),
          h(
            "dl",
            { class: "details" },
            group.fields.map((f) => [
              h("dt", { class: "details__term" }, f.label),
              h("dd", { class: "details__value", dataset: { field: f.name } }, company[f.name] || "Not given"),
            ]),
          ),
        ),
      ),
    ),
    notice("info", h("p", null, "Only colleagues whose role allows editing company details can change these. Ask one of them or your agency contact.")),
  ];
}
