/**
 * Building DOM nodes without innerHTML: every string becomes a text node, so text that came
 * from a citizen (or anyone) can never become markup.
 */

/**
 * el("p", {className: "x", dataset: {seq: "3"}, hidden: true, onclick: fn}, "text", child…)
 * Attributes: className, dataset, hidden, on<event> handlers, anything else via setAttribute
 * (never "style": the CSP forbids inline styles). Children: strings (text nodes), nodes,
 * null/false (skipped), arrays.
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "className") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name === "hidden") node.hidden = Boolean(value);
    else if (name === "value") node.value = value;
    else if (name === "checked" || name === "selected" || name === "disabled") node[name] = Boolean(value);
    else if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else if (child instanceof Node) node.appendChild(child);
    else node.appendChild(document.createTextNode(String(child)));
  }
}

/** Replace every child of `node` with `children` (same rules as el). */
export function replaceChildren(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** Text only: sets textContent (the one way citizen text reaches the page). */
export function setText(node, text) {
  node.textContent = text === null || text === undefined ? "" : String(text);
  return node;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

export function $all(selector, root = document) {
  return Array.from(root.querySelectorAll(selector));
}

/** Show a field's error next to it and link it with aria-describedby / aria-invalid. */
export function fieldError(input, message) {
  const id = `${input.id}-erreur`;
  let box = document.getElementById(id);
  if (!box) {
    box = el("p", { id, className: "field-error" });
    input.insertAdjacentElement("beforebegin", box);
  }
  const described = new Set((input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
  if (message) {
    setText(box, message);
    box.hidden = false;
    input.setAttribute("aria-invalid", "true");
    described.add(id);
  } else {
    setText(box, "");
    box.hidden = true;
    input.removeAttribute("aria-invalid");
    described.delete(id);
  }
  if (described.size) input.setAttribute("aria-describedby", Array.from(described).join(" "));
  else input.removeAttribute("aria-describedby");
}

let uniqueCounter = 0;
/** A unique id for label/for pairs in generated markup. */
export function uniqueId(prefix) {
  uniqueCounter += 1;
  return `${prefix}-${uniqueCounter}`;
}

/**
 * The <option>s of a select: `first` (an empty value: « Choisir… », « Tous »…, or null for
 * none), then `entries` as [value, text] or [value, text, disabled].
 */
export function options(first, entries) {
  const list = entries.map(([value, text, disabled]) => el("option", { value, disabled }, text));
  return first === null ? list : [el("option", { value: "" }, first), ...list];
}
