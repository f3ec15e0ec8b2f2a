/**
 * Help while waiting: up to 3 fiches of the site for the topic and the first message, found in
 * the browser on the site's own search index (pagefind, loaded on first use) with the search
 * page's query pipeline (search/query.js, search/engine.js). No text leaves the browser: the
 * index is static files.
 *
 * A first message is long (« Bonjour, je voudrais savoir comment faire une procuration… »):
 * every meaningful word is searched on its own and the fiches matching the most words, then the
 * best scores, come first (the search page's fallback, without its cap of 8 words). With no
 * message, or too few results, the words of the chosen topic's label (« Vol / cambriolage »)
 * complete the list. Measured by bench/waiting_suggestions.py on realistic messages.
 */
import { loadPagefind } from "/shared/js/pagefind.js";
import { TOPICS } from "/shared/js/vocabulary.js";
import { PAGEFIND_OPTIONS } from "../search/engine.js";
import { STOP_WORDS, SYNONYMS, words } from "../search/query.js";

export const MAX_SUGGESTIONS = 3;
const MAX_WORDS = 24;

/** The words of a message worth searching: no stop-words, synonyms applied, each once. */
export function messageTerms(text) {
  const terms = [];
  for (const word of words(text)) {
    if (STOP_WORDS.has(word) || word.length < 2) continue;
    for (const term of SYNONYMS[word] || [word]) {
      if (!terms.includes(term)) terms.push(term);
    }
  }
  return terms.slice(0, MAX_WORDS);
}

/**
 * Results for a message, best first: [{id, matched, score, data}]. Each word adds the page's
 * score for it (relative to the word's best page), weighted by how rare the word is: a word
 * found in most fiches (« faire », a name, a typo that matches by prefix) says little.
 */
export async function rankForMessage(pagefind, text) {
  const byId = new Map();
  for (const term of messageTerms(text)) {
    const found = await pagefind.search(term);
    const best = found.results[0]?.score || 1;
    const weight = 1 / Math.sqrt(Math.max(1, found.results.length));
    for (const result of found.results) {
      const entry = byId.get(result.id) || { id: result.id, data: result.data, matched: 0, score: 0 };
      entry.matched += 1;
      entry.score += (weight * result.score) / best;
      byId.set(result.id, entry);
    }
  }
  return [...byId.values()].sort((a, b) => b.score - a.score);
}

/**
 * Up to 3 fiches [{url, title}] for a topic and a first message. `pagefind` is the loaded
 * index (the bench passes its own); by default it is loaded with the search page's options.
 */
export async function suggestFiches(topic, text, pagefind = null) {
  const index = pagefind ?? (await loadPagefind(PAGEFIND_OPTIONS));
  const picked = [];
  const seen = new Set();
  const take = async (results) => {
    for (const result of results) {
      if (picked.length >= MAX_SUGGESTIONS || seen.has(result.id)) continue;
      seen.add(result.id);
      const data = await result.data();
      picked.push({ url: data.url, title: data.meta?.title || data.url });
    }
  };
  if (text && text.trim()) await take(await rankForMessage(index, text));
  if (picked.length < MAX_SUGGESTIONS && TOPICS[topic]) {
    await take(await rankForMessage(index, TOPICS[topic]));
  }
  return picked;
}
