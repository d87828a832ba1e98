// The project form's partner and milestone rows, added and removed in place.
//
// "Add a row" copies the formset's empty form (a <template> the server renders, its names and ids
// holding __prefix__ and its labels __row__) and raises TOTAL_FORMS. "Remove" takes away a row
// not yet saved; saved rows have the "delete" box instead. A removed row leaves a gap in the
// numbering, which Django's formset reads as one more empty row and skips. Without JavaScript
// both buttons stay hidden and the two blank rows the server renders are what there is.
"use strict";

function formsetAddRow(prefix) {
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const max = document.getElementById(`id_${prefix}-MAX_NUM_FORMS`);
  const template = document.querySelector(`template[data-formset-empty="${prefix}"]`);
  const body = document.querySelector(`[data-formset-body="${prefix}"]`);
  const index = Number(total.value);
  if (max && index >= Number(max.value)) {
    return;
  }
  const rows = template.content.cloneNode(true);
  rows.querySelectorAll("*").forEach((element) => {
    for (const attribute of element.attributes) {
      if (attribute.value.includes("__prefix__") || attribute.value.includes("__row__")) {
        attribute.value = attribute.value.replaceAll("__prefix__", index).replaceAll("__row__", index + 1);
      }
    }
  });
  const row = rows.querySelector("[data-formset-row]");
  formsetShowButtons(rows);
  body.append(rows);
  total.value = index + 1;
  row.querySelector("input:not([type=hidden]), select, textarea")?.focus();
}

function formsetRemoveRow(button) {
  const row = button.closest("tr");
  const errors = row.previousElementSibling;
  const add = document.querySelector(`[data-formset-add="${row.parentElement.dataset.formsetBody}"]`);
  if (errors && errors.hasAttribute("data-formset-errors")) {
    errors.remove();
  }
  row.remove();
  add?.focus(); // the focus would otherwise fall back to the top of the page
}

function formsetShowButtons(root) {
  root.querySelectorAll("[data-formset-add], [data-formset-remove]").forEach((button) => {
    button.hidden = false;
  });
}

document.addEventListener("click", (event) => {
  const add = event.target.closest("[data-formset-add]");
  const remove = event.target.closest("[data-formset-remove]");
  if (add) {
    formsetAddRow(add.dataset.formsetAdd);
  } else if (remove) {
    formsetRemoveRow(remove);
  }
});
formsetShowButtons(document);
