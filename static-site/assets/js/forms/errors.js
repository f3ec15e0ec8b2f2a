/**
 * Errors the GOV.UK way: a summary at the top of the form (« Il y a un problème ») with a link
 * to each field, focus moved to it, and the same message next to the field, in words.
 * A field is a `.champ[data-field="<API field path>"]` wrapper (templates/partials/form_fields.html).
 */

const ERROR_CLASS = "champ--erreur";
const PAGE_TITLE = document.title;
let counter = 0;

function controlsOf(group) {
  return [...group.querySelectorAll("input, select, textarea")].filter(
    (control) => control.type !== "hidden" && !control.closest("[hidden]"),
  );
}

/** The field wrapper for an API path: exact, else the nearest parent (a.b.0.c → a.b.0 → a.b → a). */
export function fieldGroup(form, path) {
  if (!path) return null;
  const parts = String(path).split(".");
  while (parts.length) {
    const group = form.querySelector(`.champ[data-field="${CSS.escape(parts.join("."))}"]`);
    if (group && !group.hidden) return group;
    parts.pop();
  }
  return null;
}

/** Where the group's description goes: the fieldset of a group of choices, else the control. */
function describedElement(group) {
  const fieldset = group.querySelector(":scope > fieldset");
  return fieldset ?? controlsOf(group)[0] ?? null;
}

function addDescription(element, id) {
  if (!element.dataset.describedbyBase) {
    element.dataset.describedbyBase = element.getAttribute("aria-describedby") ?? "";
  }
  const ids = element.dataset.describedbyBase.split(" ").filter(Boolean);
  element.setAttribute("aria-describedby", [...ids, id].join(" "));
}

function markGroup(group, message) {
  counter += 1;
  const id = `erreur-${counter}`;
  const line = document.createElement("p");
  line.className = "champ__erreur";
  line.id = id;
  line.dataset.jsError = "";
  const prefix = document.createElement("span");
  prefix.className = "visuellement-cache";
  prefix.textContent = "Erreur : ";
  line.append(prefix, message);
  group.classList.add(ERROR_CLASS);
  // After the label/legend and hint, before the controls (GOV.UK order).
  const fieldset = group.querySelector(":scope > fieldset");
  const container = fieldset ?? group;
  const anchor = [...container.children].find(
    (child) => !child.matches("legend, label, .champ__label, .champ__aide, .champ__erreur"),
  );
  container.insertBefore(line, anchor ?? null);
  const described = describedElement(group);
  if (described) addDescription(described, id);
  for (const control of controlsOf(group)) control.setAttribute("aria-invalid", "true");
}

export function clearErrors(form) {
  document.title = PAGE_TITLE;
  form.querySelector(":scope > .resume-erreurs")?.remove();
  for (const line of form.querySelectorAll(".champ__erreur[data-js-error]")) line.remove();
  for (const group of form.querySelectorAll(`.${ERROR_CLASS}`)) group.classList.remove(ERROR_CLASS);
  for (const control of form.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
  for (const element of form.querySelectorAll("[data-describedby-base]")) {
    if (element.dataset.describedbyBase) {
      element.setAttribute("aria-describedby", element.dataset.describedbyBase);
    } else element.removeAttribute("aria-describedby");
    delete element.dataset.describedbyBase;
  }
}

/**
 * Shows `errors` ([{field, message}], field = API path or null) and moves focus to the summary.
 * One message per field: the first one.
 */
export function showErrors(form, errors) {
  clearErrors(form);
  const items = [];
  const marked = new Set();
  for (const error of errors) {
    const group = fieldGroup(form, error.field);
    if (group && marked.has(group)) continue;
    if (group) {
      marked.add(group);
      markGroup(group, error.message);
    }
    items.push({ message: error.message, control: group ? controlsOf(group)[0] : null });
  }
  const summary = document.createElement("div");
  summary.className = "resume-erreurs";
  summary.tabIndex = -1;
  counter += 1;
  const title = document.createElement("h2");
  title.id = `resume-erreurs-${counter}`;
  title.textContent = "Il y a un problème";
  summary.setAttribute("aria-labelledby", title.id);
  const list = document.createElement("ul");
  for (const item of items) {
    const entry = document.createElement("li");
    if (item.control && item.control.id) {
      const link = document.createElement("a");
      link.href = `#${item.control.id}`;
      link.textContent = item.message;
      link.addEventListener("click", (event) => {
        event.preventDefault();
        focusControl(item.control);
      });
      entry.append(link);
    } else {
      entry.textContent = item.message;
    }
    list.append(entry);
  }
  summary.append(title, list);
  const heading = form.querySelector(":scope > h2:first-child");
  if (heading) heading.after(summary);
  else form.prepend(summary);
  document.title = `Erreur : ${PAGE_TITLE}`;
  summary.focus();
  summary.scrollIntoView({ block: "start" });
}

/** Focus a control and bring its label or legend into view with it (GOV.UK behaviour). */
function focusControl(control) {
  const legend = control.closest("fieldset")?.querySelector("legend");
  const label = control.id ? control.form?.querySelector(`label[for="${CSS.escape(control.id)}"]`) : null;
  control.focus({ preventScroll: true });
  (legend ?? label ?? control).scrollIntoView({ block: "start" });
}
