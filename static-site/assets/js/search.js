/**
 * Search page: our own small UI over pagefind's JS API (/pagefind/pagefind.js, loaded on
 * first use). The query goes through search/engine.js (stop-words, synonyms, word-by-word
 * fallback). Results are links with excerpts; the excerpt's <mark> tags are turned into
 * DOM nodes here, everything else is inserted as text (never innerHTML).
 */
import { loadPagefind } from "/shared/js/pagefind.js";

import { PAGEFIND_OPTIONS, searchFiches } from "./search/engine.js";

const MAX_RESULTS = 10;

const form = document.getElementById("recherche");
const input = document.getElementById("q");
const statusLine = document.getElementById("recherche-statut");
const list = document.getElementById("recherche-resultats");
const help = document.getElementById("recherche-aide");

const ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&#x27;": "'" };

function decodeEntities(text) {
  return text.replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, (entity) => ENTITIES[entity]);
}

/** Excerpt string with <mark>…</mark> → list of text nodes and <mark> elements. */
export function excerptNodes(excerpt) {
  const nodes = [];
  const pieces = String(excerpt).split(/(<mark>|<\/mark>)/);
  let marked = false;
  for (const piece of pieces) {
    if (piece === "<mark>") marked = true;
    else if (piece === "</mark>") marked = false;
    else if (piece) {
      const text = decodeEntities(piece);
      if (marked) {
        const mark = document.createElement("mark");
        mark.textContent = text;
        nodes.push(mark);
      } else {
        nodes.push(document.createTextNode(text));
      }
    }
  }
  return nodes;
}

function resultItem(data) {
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta?.title || data.url;
  item.append(link);
  if (data.meta?.categorie) {
    const category = document.createElement("p");
    category.className = "resultats__categorie";
    category.textContent = data.meta.categorie;
    item.append(category);
  }
  const excerpt = document.createElement("p");
  excerpt.append(...excerptNodes(data.excerpt || ""));
  item.append(excerpt);
  return item;
}

function setStatus(text, showHelp) {
  statusLine.textContent = text;
  help.hidden = !showHelp;
}

async function runSearch(query) {
  list.replaceChildren();
  if (!query) {
    setStatus("", false);
    return;
  }
  setStatus("Recherche en cours…", false);
  let results;
  try {
    const pagefind = await loadPagefind(PAGEFIND_OPTIONS);
    const search = await searchFiches(pagefind, query);
    results = await Promise.all(search.results.slice(0, MAX_RESULTS).map((result) => result.data()));
  } catch {
    setStatus("La recherche est indisponible pour le moment.", true);
    return;
  }
  if (input.value.trim() !== query) return; // a newer search started meanwhile
  list.replaceChildren(...results.map(resultItem));
  if (results.length === 0) {
    setStatus(`Aucun résultat pour « ${query} ».`, true);
  } else {
    const count = results.length === 1 ? "1 fiche trouvée" : `${results.length} fiches trouvées`;
    setStatus(`${count} pour « ${query} ».`, false);
  }
}

if (form && input && statusLine && list && help) {
  document.getElementById("recherche-sans-js").hidden = true;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = input.value.trim();
    const url = new URL(window.location.href);
    if (query) url.searchParams.set("q", query);
    else url.searchParams.delete("q");
    history.replaceState(null, "", url);
    runSearch(query);
  });
  const initial = new URLSearchParams(window.location.search).get("q")?.trim() ?? "";
  if (initial) {
    input.value = initial;
    runSearch(initial);
  }
  loadPagefind(PAGEFIND_OPTIONS).catch(() => {}); // warm up while the visitor types
}
