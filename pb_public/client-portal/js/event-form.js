// The event fields shared by the booking form (spec B1) and the change-request form (C1): name,
// start and end (the agency's wall-clock time, sent exactly as <input type="datetime-local"> gives
// it), profession, number of staff (only where the agency lets clients set it), venue, address and
// notes. The field names are the APIs' keys, so the server's field errors land next to them.
import { h } from "./dom.js";
import { field, valuesOf } from "./forms.js";
import { limit } from "./metadata.js";
import { timeZoneName } from "./format.js";
import { professionOptions } from "./professions.js";

const TEXT_FIELDS = ["name", "venue", "address", "notes", "start", "end", "profession"];

/**
 * eventFields builds the fields with ids "{prefix}-name", "{prefix}-start"…
 * options: prefix, values ({ name, start, end, profession, staff_count, venue, address, notes }),
 * professions ([{ id, name }] offered), staffCount (whether to ask for the number of staff),
 * timeZone (the agency's, named in the time hints), currentProfession ({ id, name } kept selectable
 * when no longer offered; change form only).
 */
export function eventFields({ prefix, values = {}, professions, staffCount, timeZone, currentProfession }) {
  const id = (name) => `${prefix}-${name.replaceAll("_", "-")}`;
  const timeHint = `Date and time in ${timeZoneName(timeZone)}.`;
  return [
    field({ id: id("name"), name: "name", label: "Event name", value: values.name, maxlength: "200", required: true, autocomplete: "off" }),
    h(
      "div",
      { class: "field-pair" },
      field({ id: id("start"), name: "start", type: "datetime-local", label: "Start", hint: timeHint, value: values.start, required: true }),
      field({ id: id("end"), name: "end", type: "datetime-local", label: "End", hint: timeHint, value: values.end, required: true }),
    ),
    occurrenceChoice(id, "start"),
    occurrenceChoice(id, "end"),
    h(
      "div",
      { class: "field-pair" },
      field({
        id: id("profession"),
        name: "profession",
        type: "select",
        label: "Staff needed",
        value: values.profession,
        options: professionOptions(professions, currentProfession?.id, currentProfession?.name),
        required: true,
      }),
      staffCount &&
        field({
          id: id("staff_count"),
          name: "staff_count",
          type: "number",
          label: "Number of staff",
          value: values.staff_count,
          min: "1",
          max: limit("max_staff_count"),
          step: "1",
          inputmode: "numeric",
          required: true,
        }),
    ),
    field({ id: id("venue"), name: "venue", label: "Venue", hint: "The place, e.g. Town Hall, Room 2.", value: values.venue, maxlength: "200", autocomplete: "off" }),
    field({ id: id("address"), name: "address", label: "Address", value: values.address, maxlength: "500", autocomplete: "street-address" }),
    field({
      id: id("notes"),
      name: "notes",
      type: "textarea",
      label: "Notes",
      hint: "Dress code, meeting point, anything the team should know.",
      value: values.notes,
      maxlength: limit("max_notes_length"),
    }),
  ];
}

/**
 * occurrenceChoice is the question "which one?" for a start or end the clocks pass twice (the
 * night they go back), hidden until the server asks it (askWhichTime). Its answer goes out as
 * start_occurrence / end_occurrence.
 */
function occurrenceChoice(id, which) {
  const choice = field({
    id: id(`${which}_occurrence`),
    name: `${which}_occurrence`,
    type: "select",
    label: `Which ${which} time do you mean?`,
    options: [{ value: "", label: "Choose one" }],
  });
  choice.hidden = true;
  choice.dataset.occurrence = which;
  return choice;
}

/**
 * askWhichTime shows the "which one?" question next to each time the server found ambiguous in
 * err (code validation_ambiguous_time, with both UTC offsets as params), so the next submission
 * answers it. Changing that time hides the question again: the answer was for the old time.
 */
export function askWhichTime(form, err) {
  const data = err?.response?.data ?? {};
  for (const which of ["start", "end"]) {
    const problem = data[which];
    const select = form.elements.namedItem(`${which}_occurrence`);
    if (problem?.code !== "validation_ambiguous_time" || !select) {
      continue;
    }
    const { earlier, later } = problem.params ?? {};
    const time = String(form.elements.namedItem(which)?.value ?? "").slice(11);
    select.replaceChildren(
      h("option", { value: "" }, "Choose one"),
      h("option", { value: "earlier" }, `The first ${time} (UTC${earlier ?? ""}, before the clocks go back)`),
      h("option", { value: "later" }, `The second ${time} (UTC${later ?? ""}, after the clocks go back)`),
    );
    const wrapper = select.closest(".field");
    wrapper.querySelector(".field__label").textContent = `${time} happens twice that night. Which one do you mean?`;
    wrapper.hidden = false;
    form.elements.namedItem(which)?.addEventListener(
      "input",
      () => {
        wrapper.hidden = true;
        select.value = "";
      },
      { once: true },
    );
  }
}

/**
 * readEventForm returns the event values of form as the APIs take them: trimmed text, times as
 * typed, and staff_count as a number (null when empty) only when staffCount is asked for.
 */
export function readEventForm(form, { staffCount }) {
  const values = valuesOf(form, TEXT_FIELDS);
  for (const which of ["start", "end"]) {
    const answer = valuesOf(form, [`${which}_occurrence`])[`${which}_occurrence`];
    if (answer) {
      values[`${which}_occurrence`] = answer;
    }
  }
  if (staffCount) {
    const raw = String(form.elements.namedItem("staff_count")?.value ?? "").trim();
    values.staff_count = raw === "" ? null : Number(raw);
  }
  return values;
}

/** checkEventForm returns { field: message } for what is missing or clearly wrong in values. */
export function checkEventForm(values, { staffCount }) {
  const errors = {};
  if (!values.name) {
    errors.name = "Give the event a name.";
  }
  if (!values.start) {
    errors.start = "Choose the date and time it starts.";
  }
  if (!values.end) {
    errors.end = "Choose the date and time it ends.";
  } else if (values.start && values.end <= values.start) {
    // Both are "YYYY-MM-DDTHH:MM", so text order is time order.
    errors.end = "The end must be after the start.";
  }
  if (!values.profession) {
    errors.profession = "Choose the kind of staff you need.";
  }
  if (staffCount) {
    const n = values.staff_count;
    if (n === null) {
      errors.staff_count = "How many staff do you need?";
    } else if (!Number.isInteger(n) || n < 1 || n > (limit("max_staff_count") ?? Infinity)) {
      errors.staff_count = `Choose a whole number between 1 and ${limit("max_staff_count")}.`;
    }
  }
  return errors;
}

/**
 * readyToPrice reports whether values hold everything an estimate needs (dates in order, the
 * profession, a valid number of staff), so the live estimate asks the server only then.
 */
export function readyToPrice(values, { staffCount }) {
  const errors = checkEventForm(values, { staffCount });
  return !["start", "end", "profession", "staff_count"].some((name) => errors[name]);
}
