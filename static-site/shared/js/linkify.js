/**
 * Tappable text, for the citizen's chat and the officer's console alike: a message becomes text
 * nodes and <a> elements built with the DOM — never HTML parsed from the message.
 *
 * - Addresses: `https://…` becomes a link; the site's own paths (`/fiches/vol-a-la-tire/`) and
 *   addresses on the page's own origin (the local platform serves http://) are made absolute on
 *   it. Any other `http://` address, `javascript:`, `data:`… stay plain text. A link opens in a
 *   new tab (the chat or the console stays where it is), with `rel="noopener noreferrer"`, and
 *   reads as its domain and path (« www.service-public.fr/particuliers/… »): people see where it
 *   leads before they tap.
 * - Phone numbers: only the help lines of the site's one list (content/help_lines.yaml, generated
 *   into /shared/js/helplines.js by the build) become `tel:`/`sms:` links, with the same rules as
 *   the pages (static-site/sitegen/helplines.py): not glued to letters or digits (« 17Cyber »,
 *   « 2017 »), not a quantity or a date (« 18 ans », « 15 jours », « le 15 octobre »).
 */
import { HELP_LINES } from "/shared/js/helplines.js";

const DISPLAY_MAX = 64;
const WORD = "[\\p{L}\\p{N}_]"; // what Python's \w means (JS's \w is ASCII only)
const END = `(?!${WORD})`;
const SPACE = "[\\s\\u00a0\\u202f]";

// An absolute address, or one of the site's paths standing on its own (« /fiches/vol/ »,
// not « 24/7 » nor « et/ou »).
const ADDRESS = new RegExp(
  `\\bhttps?:\\/\\/[^\\s<>"'«»]+|(?<![\\p{L}\\p{N}_/.:-])\\/(?:[a-z0-9-]+\\/)+[a-z0-9-]*(?:[?#][^\\s<>"'«»]*)?`,
  "giu",
);
const TRAILING = /[.,;:!?'’"»)\]]+$/u;

const MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre";
// A number followed by a unit or a month is a quantity or a date, not a help line.
const NOT_A_PHONE =
  `(?![\\s\\u00a0]*(?:h${END}|heures?${END}|ans?${END}|jours?${END}|mois${END}|min|semaines?${END}` +
  `|€|euros?${END}|%|er${END}|e${END}|${MONTHS}))`;

function phonePattern(lines) {
  if (lines.length === 0) return null;
  const alternatives = lines.map((line) => line.digits.split("").join(`${SPACE}?`)).join("|");
  return new RegExp(
    `(?<![\\p{L}\\p{N}_/.,])(?<!\\d${SPACE})(?:${alternatives})(?!${WORD}|\\/|[.,:]\\d|${SPACE}\\d)${NOT_A_PHONE}`,
    "gu",
  );
}

const PHONE = phonePattern(HELP_LINES);
const BY_DIGITS = new Map(HELP_LINES.map((line) => [line.digits, line]));

function pageOrigin() {
  return typeof window !== "undefined" && window.location ? window.location.origin : "";
}

/** The absolute URL a found address may link to, or null when it must stay text. */
export function safeHref(raw, origin = pageOrigin()) {
  if (typeof raw !== "string" || raw === "") return null;
  let url;
  try {
    url = raw.startsWith("/") ? new URL(raw, origin) : new URL(raw);
  } catch {
    return null;
  }
  if (raw.startsWith("/") && (raw.startsWith("//") || raw.startsWith("/\\"))) return null;
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && origin && url.origin === origin) return url; // our own site
  return null;
}

/** « www.service-public.fr/particuliers/vosdroits/F1435 »: the domain first, the rest cut. */
export function displayUrl(url) {
  const path = url.pathname === "/" && !url.search ? "" : url.pathname + url.search;
  const text = url.host + path;
  return text.length > DISPLAY_MAX ? `${text.slice(0, DISPLAY_MAX - 1)}…` : text;
}

function linkElement(url, { newTab, hiddenClass }) {
  const anchor = document.createElement("a");
  anchor.href = url.href;
  anchor.rel = "noopener noreferrer";
  anchor.className = "lien-externe";
  anchor.textContent = displayUrl(url);
  if (newTab) {
    anchor.target = "_blank";
    const hint = document.createElement("span");
    hint.className = hiddenClass;
    hint.textContent = " (nouvel onglet)";
    anchor.append(hint);
  }
  return anchor;
}

function phoneElement(text, line) {
  const anchor = document.createElement("a");
  anchor.href = `${line.kind}:${line.digits}`;
  anchor.className = "numero";
  anchor.textContent = text;
  return anchor;
}

/** `text` cut into [{text}, {text, href, kind: "url"|"tel"|"sms"}]: what `linkify` builds. */
export function segments(text, origin = pageOrigin()) {
  const source = String(text ?? "");
  const parts = [];
  let position = 0;
  const plain = (chunk) => {
    if (!chunk) return;
    let at = 0;
    if (PHONE) {
      PHONE.lastIndex = 0;
      for (const match of chunk.matchAll(PHONE)) {
        const line = BY_DIGITS.get(match[0].replace(/\D/g, ""));
        if (!line) continue;
        if (match.index > at) parts.push({ text: chunk.slice(at, match.index) });
        parts.push({ text: match[0], href: `${line.kind}:${line.digits}`, kind: line.kind, line });
        at = match.index + match[0].length;
      }
    }
    if (at < chunk.length) parts.push({ text: chunk.slice(at) });
  };
  for (const match of source.matchAll(ADDRESS)) {
    let found = match[0];
    const trailing = found.match(TRAILING);
    if (trailing) {
      // Keep a closing parenthesis that belongs to the address (Wikipedia-style paths).
      let cut = trailing[0];
      if (cut.startsWith(")") && found.includes("(")) cut = cut.slice(1);
      found = found.slice(0, found.length - cut.length);
    }
    const url = safeHref(found, origin);
    if (!url) continue;
    plain(source.slice(position, match.index));
    parts.push({ text: found, href: url.href, kind: "url", url });
    position = match.index + found.length;
  }
  plain(source.slice(position));
  return parts;
}

/**
 * A DocumentFragment of `text` with its addresses and help-line numbers as links.
 * Options: `newTab` (default true: links open in a new tab, said to screen readers),
 * `hiddenClass` (the app's visually-hidden class: « visuellement-cache » on the site,
 * « visually-hidden » in the console), `origin` (the site's origin; default the page's).
 */
export function linkify(text, { newTab = true, hiddenClass = "visuellement-cache", origin } = {}) {
  const fragment = document.createDocumentFragment();
  for (const part of segments(text, origin ?? pageOrigin())) {
    if (part.kind === "url") fragment.append(linkElement(part.url, { newTab, hiddenClass }));
    else if (part.kind === "tel" || part.kind === "sms") fragment.append(phoneElement(part.text, part.line));
    else fragment.append(document.createTextNode(part.text));
  }
  return fragment;
}
