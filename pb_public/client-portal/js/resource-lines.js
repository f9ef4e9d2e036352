// "Resources needed" of the booking form (spec B1): free lines of what and how many (radios,
// vehicles…), added and removed with buttons. Each line has one error slot, which the server's
// per-line errors ("resources.0", "resources.1"… counted over the lines sent) are mapped to.
import { h } from "./dom.js";
import { limit } from "./metadata.js";

/**
 * resourceLines returns { root, values(), check(), mapErrors(errors) }.
 * options: prefix (for ids), initial ([{ name, quantity }]).
 * values() gives the lines to send (wholly empty lines are left out); mapErrors turns the server's
 * "resources.N" keys into the names of the matching line's inputs, so forms.showFieldErrors places
 * them; "resources" itself names the fieldset.
 */
export function resourceLines({ prefix, initial = [] }) {
  const list = h("ul", { class: "resource-lines", id: `${prefix}-resource-lines` });
  const add = h("button", { type: "button", class: "button button--secondary button--small", id: `${prefix}-resource-add` }, "Add a resource");
  const groupErrorId = `${prefix}-resources-error`;
  const root = h(
    "fieldset",
    { class: "fieldset", id: `${prefix}-resources`, name: "resources", "aria-describedby": `${prefix}-resources-hint ${groupErrorId}` },
    h("legend", { class: "fieldset__legend" }, "Resources needed"),
    h("p", { class: "field__hint", id: `${prefix}-resources-hint` }, "Equipment or vehicles the team needs, e.g. 6 two-way radios. Leave empty if none."),
    list,
    h("p", { class: "field__error", id: groupErrorId }),
    h("div", null, add),
  );
  const lines = [];
  let next = 0;
  let sent = [];

  function addLine({ name = "", quantity = 1 } = {}) {
    const n = next++;
    const nameId = `${prefix}-resource-${n}-name`;
    const quantityId = `${prefix}-resource-${n}-quantity`;
    const errorId = `${nameId}-error`; // forms.setFieldError finds it from the name input
    const nameInput = h("input", {
      class: "field__input",
      id: nameId,
      name: `resource-${n}-name`,
      value: name,
      maxlength: "200",
      autocomplete: "off",
      "aria-describedby": errorId,
    });
    const quantityInput = h("input", {
      class: "field__input resource-line__quantity",
      id: quantityId,
      name: `resource-${n}-quantity`,
      type: "number",
      min: "1",
      max: limit("max_resource_quantity"),
      step: "1",
      inputmode: "numeric",
      value: String(quantity ?? ""),
      "aria-describedby": errorId,
    });
    const remove = h(
      "button",
      { type: "button", class: "button button--secondary button--small resource-line__remove" },
      "Remove",
      h("span", { class: "visually-hidden" }, " this resource"),
    );
    const item = h(
      "li",
      { class: "resource-line" },
      h("div", { class: "field resource-line__name" }, h("label", { class: "field__label", for: nameId }, "What"), nameInput),
      h("div", { class: "field resource-line__count" }, h("label", { class: "field__label", for: quantityId }, "Quantity"), quantityInput),
      remove,
      h("p", { class: "field__error resource-line__error", id: errorId }),
    );
    const line = { item, nameInput, quantityInput };
    remove.addEventListener("click", () => {
      const at = lines.indexOf(line);
      lines.splice(at, 1);
      item.remove();
      update();
      // Keep the keyboard where it was: the next line, else the previous, else "Add".
      const neighbour = lines[at] ?? lines[at - 1];
      if (neighbour) {
        neighbour.nameInput.focus();
      } else {
        add.focus();
      }
      root.dispatchEvent(new Event("input", { bubbles: true }));
    });
    lines.push(line);
    list.append(item);
    update();
    return line;
  }

  function update() {
    add.disabled = lines.length >= (limit("max_resource_lines") ?? Infinity);
    list.hidden = lines.length === 0;
  }

  add.addEventListener("click", () => addLine().nameInput.focus());
  for (const line of initial) {
    addLine(line);
  }
  update();

  function values() {
    sent = lines.filter((l) => l.nameInput.value.trim() !== "" || l.quantityInput.value.trim() !== "");
    return sent.map((l) => ({
      name: l.nameInput.value.trim(),
      quantity: l.quantityInput.value.trim() === "" ? 0 : Number(l.quantityInput.value),
    }));
  }

  /** check returns { input name: message } for lines that can't be sent as they are. */
  function check() {
    const errors = {};
    for (const l of lines) {
      const name = l.nameInput.value.trim();
      const raw = l.quantityInput.value.trim();
      if (name === "" && raw === "") {
        continue;
      }
      const quantity = Number(raw);
      if (name === "") {
        errors[l.nameInput.name] = "Name the resource, or remove the line.";
      } else if (raw === "" || !Number.isInteger(quantity) || quantity < 1 || quantity > (limit("max_resource_quantity") ?? Infinity)) {
        errors[l.nameInput.name] = `The quantity must be a whole number between 1 and ${limit("max_resource_quantity")}.`;
      }
    }
    return errors;
  }

  function mapErrors(errors) {
    const out = {};
    for (const [key, message] of Object.entries(errors)) {
      const m = /^resources\.(\d+)$/.exec(key);
      const line = m ? sent[Number(m[1])] : null;
      out[line ? line.nameInput.name : key] = message;
    }
    return out;
  }

  return { root, values, check, mapErrors };
}
