/**
 * The site's search over pagefind's index: stop-words and synonyms first (query.js), then
 * every word must match (pagefind's rule); when nothing matches, a word-by-word fallback
 * ranks the fiches that match the most words, then by pagefind's own score.
 * Used by the search page and by the bench (bench/search_quality.py) on the built index.
 */

import { queryTerms } from "./query.js";

export const PAGEFIND_OPTIONS = {
  excerptLength: 24,
  // Fiches are long and people type short: length matters less than the words they contain.
  ranking: { pageLength: 0.4, termFrequency: 0.6, termSaturation: 1.6, termSimilarity: 1.0 },
};

/** Apply our options to a freshly imported pagefind module and initialise it. */
export async function configure(pagefind) {
  await pagefind.options(PAGEFIND_OPTIONS);
  await pagefind.init();
  return pagefind;
}

/**
 * Results for a raw query, best first: [{id, score, matched, data}] (data() as pagefind's).
 * `fallback` says whether the word-by-word search was used.
 */
export async function searchFiches(pagefind, raw) {
  const terms = queryTerms(raw);
  if (terms.length === 0) return { terms, fallback: false, results: [] };
  const all = await pagefind.search(terms.join(" "));
  if (all.results.length > 0 || terms.length === 1) {
    const results = all.results.map((result) => ({ ...result, matched: terms.length }));
    return { terms, fallback: false, results };
  }
  const byId = new Map();
  for (const term of terms) {
    const found = await pagefind.search(term);
    const best = found.results[0]?.score || 1;
    for (const result of found.results) {
      const entry = byId.get(result.id) || { ...result, matched: 0, score: 0 };
      entry.matched += 1;
      entry.score += result.score / best; // each word counts the same, whatever its rarity
      byId.set(result.id, entry);
    }
  }
  const results = [...byId.values()].sort(
    (a, b) => b.matched - a.matched || b.score - a.score,
  );
  return { terms, fallback: true, results };
}
