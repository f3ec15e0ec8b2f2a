/**
 * « Quitter rapidement »: forget what the site stored in this browser and replace the page
 * (location.replace: the back button does not come back here). Without JavaScript the same
 * element is a plain link to the exit page. Pressing Escape twice quickly does the same.
 *
 * The site's own sensitive pages visited just before this one (violence fiche → related
 * violence fiche, or wizard steps) are stepped over too: each sensitive entry remembers in
 * history.state how many sensitive entries precede it (`mcBack`); the exit goes back to the
 * first of them, then replaces it. Back then lands on the last page that was not sensitive.
 */

const EXIT_URL = "https://www.google.fr/";
const DOUBLE_PRESS_MS = 1000;
const EXIT_FLAG = "moncommissariat.sortie"; // sessionStorage: « leave as soon as you load »
const LAST_SENSITIVE = "moncommissariat.sensible"; // sessionStorage: sensitive entry just left
const TRAVERSAL_GRACE_MS = 400;

function clearSiteStorage() {
  for (const storage of ["sessionStorage", "localStorage"]) {
    try {
      window[storage].clear();
    } catch {
      // Storage can be disabled by the browser: nothing to clear then.
    }
  }
}

function leaveNow() {
  clearSiteStorage();
  window.location.replace(EXIT_URL);
}

/** Entries to go back to reach the first sensitive page of the run this one belongs to. */
function sensitiveEntriesBefore() {
  const back = window.history.state?.mcBack;
  return Number.isInteger(back) && back > 0 ? back : 0;
}

export function quickExit() {
  const back = sensitiveEntriesBefore();
  if (back === 0) {
    leaveNow();
    return;
  }
  clearSiteStorage();
  try {
    window.sessionStorage.setItem(EXIT_FLAG, "1");
  } catch {
    leaveNow();
    return;
  }
  window.history.go(-back);
  // Same-document entries (the wizard) end in « popstate »; if nothing happens, leave anyway.
  window.setTimeout(leaveNow, TRAVERSAL_GRACE_MS);
}

function exitRequested() {
  try {
    return window.sessionStorage.getItem(EXIT_FLAG) === "1";
  } catch {
    return false;
  }
}

function leaveIfRequested() {
  if (exitRequested()) leaveNow();
}

/** Remember this entry as the latest sensitive one of the tab, for the next page to chain. */
function rememberSensitiveEntry(back) {
  try {
    window.sessionStorage.setItem(
      LAST_SENSITIVE,
      JSON.stringify({ url: window.location.href, back, length: window.history.length }),
    );
  } catch {
    // Storage disabled: the exit still replaces the current page.
  }
}

/**
 * Record in this history entry how many sensitive entries precede it: one more than the last
 * sensitive page when that page is the entry just before this one, else none. (Sensitive
 * pages send no referrer, so « just before » is read from the tab's history length.)
 */
export function markSensitiveEntry() {
  let previous = null;
  try {
    previous = JSON.parse(window.sessionStorage.getItem(LAST_SENSITIVE) || "null");
  } catch {
    previous = null;
  }
  const follows =
    previous && previous.url !== window.location.href && previous.length + 1 === window.history.length;
  const back = follows ? previous.back + 1 : 0;
  window.history.replaceState({ ...(window.history.state || {}), mcBack: back }, "", window.location.href);
  return back;
}

function exitIsOffered() {
  return [...document.querySelectorAll("[data-quick-exit]")].some((element) => !element.hidden);
}

document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("#quitter-rapidement") : null;
  if (!link) return;
  event.preventDefault();
  quickExit();
});

let lastEscape = 0;
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape" || !exitIsOffered()) return;
  const now = Date.now();
  if (now - lastEscape <= DOUBLE_PRESS_MS) {
    quickExit();
    return;
  }
  lastEscape = now;
});

for (const hint of document.querySelectorAll("[data-quick-exit-hint]")) hint.hidden = false;

// Landing here on the way out (history.go from a later sensitive page): keep going.
leaveIfRequested();
window.addEventListener("pageshow", leaveIfRequested);
window.addEventListener("popstate", leaveIfRequested);

// The wizard shows its steps in place (history.pushState): it announces each new entry.
window.addEventListener("moncommissariat:etape", (event) => {
  const { sensitive, previousBack } = event.detail || {};
  if (!sensitive) return;
  const back = Number.isInteger(previousBack) ? previousBack + 1 : 0;
  window.history.replaceState({ ...(window.history.state || {}), mcBack: back }, "", window.location.href);
});

// Leaving a sensitive page for another page of the site: note it, so that page can chain.
// (Only then: a visit that ends here writes nothing to the browser.)
document.addEventListener(
  "click",
  (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!link || !exitIsOffered() || link.id === "quitter-rapidement") return;
    const target = new URL(link.href, window.location.href);
    if (target.origin !== window.location.origin || target.pathname === window.location.pathname) return;
    const back = window.history.state?.mcBack;
    if (Number.isInteger(back)) rememberSensitiveEntry(back);
  },
  true,
);

// A fresh visit of a sensitive page (not a Back/Forward) records its place in the run.
const navigation = performance.getEntriesByType?.("navigation")?.[0];
const freshVisit = !navigation || navigation.type !== "back_forward";
if (exitIsOffered() && freshVisit && !Number.isInteger(window.history.state?.mcBack)) {
  markSensitiveEntry();
}
