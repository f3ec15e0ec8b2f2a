/**
 * « Quitter rapidement »: forget what the site stored in this browser and replace the page
 * (location.replace: the back button does not come back here). Without JavaScript the same
 * element is a plain link to the exit page. Pressing Escape twice quickly does the same.
 */

const EXIT_URL = "https://www.google.fr/";
const DOUBLE_PRESS_MS = 1000;

function clearSiteStorage() {
  for (const storage of ["sessionStorage", "localStorage"]) {
    try {
      window[storage].clear();
    } catch {
      // Storage can be disabled by the browser: nothing to clear then.
    }
  }
}

export function quickExit() {
  clearSiteStorage();
  window.location.replace(EXIT_URL);
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
