/**
 * How people write → what the index knows. Pure functions, no DOM (the bench runs them too).
 *
 * « on m'a volé mon téléphone » → ["volé", "téléphone"]: lower case, elisions cut (m', l',
 * qu'…), French stop-words dropped, a few everyday words mapped to the words fiches use
 * (each fiche also lists everyday words in its `keywords`: docs/site.md, « Search »).
 */

const ELISION = /\b(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['’]/g;

// Words that carry no meaning for finding a fiche. Kept short on purpose: « vol », « pas de
// deal » or « plainte » must survive.
export const STOP_WORDS = new Set(
  (
    "a à ai ais ait as au aux avec avez avoir avons c ça ca car ce ceci cela celle celui ces cet " +
    "cette chez comme comment d dans de des dois doit donc du elle elles en es est et été être " +
    "eu fait faire faut il ils j je l la le les leur leurs lui m ma mais me mes moi mon n ne " +
    "ni nos notre nous on ont ou où par pas peu peut peux plus pour pourquoi qu quand que quel " +
    "quelle quelles quels qui quoi s sa sans se ses si son sont suis sur t ta te tes toi ton " +
    "très tu un une vers vos votre vous y est-ce qu'est-ce hier aujourd'hui matin soir étais était " +
    "pendant " +
    "veux voudrais aimerais besoin aide aider svp stp merci bonjour quelqu'un quelqu un"
  ).split(" "),
);

// Everyday word → words the fiches use. Only what keywords cannot express (abbreviations,
// slang, spelling variants without accents).
export const SYNONYMS = {
  cb: ["carte", "bancaire"],
  tel: ["téléphone"],
  tél: ["téléphone"],
  tph: ["téléphone"],
  telephone: ["téléphone"],
  iphone: ["téléphone"],
  flic: ["police"],
  flics: ["police"],
  keufs: ["police"],
  cogne: ["frappe"],
  tape: ["frappe"],
  tabasse: ["frappe"],
  bat: ["frappe"],
  battu: ["frappe"],
  hacke: ["piraté"],
  hacké: ["piraté"],
  pirate: ["piraté"],
  velo: ["vélo"],
  escroque: ["escroquerie"],
  escroqué: ["escroquerie"],
  deale: ["deal"],
  dealeur: ["dealer"],
  stup: ["drogue"],
  stups: ["drogue"],
  beuh: ["drogue"],
  shit: ["drogue"],
  teuf: ["fête"],
  zonzon: ["prison"],
};

const MAX_TERMS = 8;

/** Lower-cased words of a query, without elisions and punctuation. */
export function words(raw) {
  return String(raw || "")
    .toLocaleLowerCase("fr")
    .replace(/[’‘]/g, "'")
    .replace(ELISION, " ")
    .replace(/[^\p{L}\p{N}'-]+/gu, " ")
    .split(/\s+/)
    .map((word) => word.replace(/^[-']+|[-']+$/g, ""))
    .filter(Boolean);
}

/** The terms to search for: meaningful words, synonyms applied, each once, in order. */
export function queryTerms(raw) {
  const terms = [];
  for (const word of words(raw)) {
    if (STOP_WORDS.has(word)) continue;
    for (const term of SYNONYMS[word] || [word]) {
      if (!terms.includes(term)) terms.push(term);
    }
  }
  if (terms.length === 0) return words(raw).slice(0, MAX_TERMS); // only stop-words: keep them
  return terms.slice(0, MAX_TERMS);
}
