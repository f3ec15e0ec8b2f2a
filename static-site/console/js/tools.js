/**
 * Helpers of the message pane: canned responses (searchable, inserted into the composer) and
 * a search of the site's procedure pages (pagefind index) to insert a link.
 */

import { loadPagefind } from "/shared/js/pagefind.js";
import { api } from "./api.js";
import { el, replaceChildren, setText, uniqueId } from "./dom.js";

const EXCERPT_WORDS = 18; // of the fiche search results

let cannedPromise = null;

/** Every canned response (cached; `reload` after a supervisor changed them). */
export function loadCanned(reload = false) {
  if (!cannedPromise || reload) {
    cannedPromise = api("/officer/canned").then((body) => (body && body.items) || []);
    cannedPromise.catch(() => {
      cannedPromise = null;
    });
  }
  return cannedPromise;
}

function plain(text) {
  return String(text || "")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
}

/** Absolute URL a citizen can follow, from a site path or an https link. */
export function publicUrl(url) {
  return url.startsWith("/") ? `${window.location.origin}${url}` : url;
}

/**
 * The canned-responses picker. `onInsert(canned)` receives {title, text, link?}. Keyboard:
 * type to search (accent-insensitive), ↓ to the results, ↑/↓ between them, Entrée inserts
 * (Entrée in the search inserts the first), Échap calls `onEscape` (back to the reply).
 */
export function cannedPicker(onInsert, { onEscape = null } = {}) {
  const inputId = uniqueId("canned-search");
  const input = el("input", { id: inputId, type: "search", autocomplete: "off", className: "input" });
  const status = el("p", { className: "hint", role: "status" });
  const list = el("ul", { className: "pick-list" });

  async function render() {
    let items;
    try {
      items = await loadCanned();
    } catch (error) {
      setText(status, error.message || "Réponses types indisponibles.");
      return;
    }
    const words = plain(input.value).split(/\s+/).filter(Boolean);
    const matches = items.filter((item) => {
      const haystack = plain(`${item.title} ${item.text}`);
      return words.every((word) => haystack.includes(word));
    });
    shown = matches;
    replaceChildren(
      list,
      matches.slice(0, 30).map((item) =>
        el(
          "li",
          {},
          el(
            "button",
            { type: "button", className: "pick", onclick: () => onInsert(item) },
            el("span", { className: "pick-title" }, item.title),
            el("span", { className: "pick-text" }, item.text),
            item.link ? el("span", { className: "pick-link" }, `Lien : ${item.link.label}`) : null,
          ),
        ),
      ),
    );
    setText(
      status,
      matches.length === 0
        ? "Aucune réponse type ne correspond."
        : `${matches.length} réponse${matches.length > 1 ? "s" : ""} type${matches.length > 1 ? "s" : ""}.`,
    );
  }

  let shown = [];
  input.addEventListener("input", render);
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") {
      const first = list.querySelector("button");
      if (first) {
        event.preventDefault();
        first.focus();
      }
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (shown.length) onInsert(shown[0]);
    }
  });
  list.addEventListener("keydown", (event) => {
    const buttons = Array.from(list.querySelectorAll("button"));
    const index = buttons.indexOf(document.activeElement);
    if (index < 0) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const next = event.key === "ArrowDown" ? buttons[index + 1] : buttons[index - 1];
      (next || (event.key === "ArrowUp" ? input : buttons[index])).focus();
    }
  });
  const box = el(
    "div",
    { className: "tool-body" },
    el("label", { for: inputId }, "Chercher une réponse type"),
    input,
    status,
    list,
  );
  box.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && onEscape) {
      event.preventDefault();
      onEscape();
    }
  });
  return { element: box, refresh: render, focus: () => input.focus() };
}

/** Fiches matching `query`: [{title, url}] (url is the site path /fiches/<slug>/). */
export async function searchFiches(query, limit = 6) {
  const pagefind = await loadPagefind(EXCERPT_WORDS);
  const search = await pagefind.search(query);
  const results = await Promise.all(search.results.slice(0, limit).map((result) => result.data()));
  return results.map((data) => {
    const url = new URL(data.url, window.location.origin).pathname;
    return { title: (data.meta && data.meta.title) || url, url };
  });
}

/** The fiche search. `onInsert({label, url})` receives the fiche's title and site path. */
export function ficheSearch(onInsert) {
  const inputId = uniqueId("fiche-search");
  const input = el("input", { id: inputId, type: "search", autocomplete: "off", className: "input" });
  const status = el("p", { className: "hint", role: "status" });
  const list = el("ul", { className: "pick-list" });
  const form = el(
    "form",
    { className: "tool-body", role: "search" },
    el("label", { for: inputId }, "Chercher une fiche du site"),
    el("div", { className: "inline" }, input, el("button", { type: "submit", className: "button secondary" }, "Chercher")),
    status,
    list,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const query = input.value.trim();
    if (!query) {
      setText(status, "Saisissez un ou plusieurs mots.");
      return;
    }
    setText(status, "Recherche…");
    let results;
    try {
      results = await searchFiches(query);
    } catch {
      setText(status, "La recherche des fiches est indisponible.");
      return;
    }
    replaceChildren(
      list,
      results.map((fiche) =>
        el(
          "li",
          {},
          el(
            "button",
            { type: "button", className: "pick", onclick: () => onInsert({ label: fiche.title, url: fiche.url }) },
            el("span", { className: "pick-title" }, fiche.title),
            el("span", { className: "pick-link" }, fiche.url),
          ),
        ),
      ),
    );
    setText(status, results.length ? `${results.length} fiche${results.length > 1 ? "s" : ""} : choisissez-en une pour insérer son lien.` : "Aucune fiche trouvée.");
  });
  return { element: form };
}
