/**
 * Runtime configuration of the citizen site and the officer console, from /config.json:
 * {apiBase, wsUrl, cognito}, read once per page and frozen. When the file cannot be read the
 * promise still resolves, with the defaults and `loaded: false` (the site works without the
 * API; the console says it cannot start), and the next call tries again.
 */

const DEFAULTS = Object.freeze({ apiBase: "/api", wsUrl: null, cognito: null });

let pending = null;

/** The WebSocket API next to the page (the local platform serves it at /ws). */
function sameHostWsUrl() {
  return `${window.location.protocol === "https:" ? "wss" : "ws"}://${window.location.host}/ws`;
}

function settle(data, loaded) {
  const config = { ...DEFAULTS, ...(data && typeof data === "object" ? data : {}), loaded };
  if (typeof config.apiBase !== "string" || !config.apiBase) config.apiBase = DEFAULTS.apiBase;
  config.apiBase = config.apiBase.replace(/\/+$/, "");
  if (typeof config.wsUrl !== "string" || !config.wsUrl) config.wsUrl = sameHostWsUrl();
  return Object.freeze(config);
}

/** @returns {Promise<{apiBase: string, wsUrl: string, cognito: object|null, loaded: boolean}>} */
export function loadConfig() {
  if (!pending) {
    pending = fetch("/config.json", { headers: { Accept: "application/json" }, cache: "no-store" })
      .then((response) => {
        if (!response.ok) throw new Error(`config.json: ${response.status}`);
        return response.json();
      })
      .then((data) => settle(data, true))
      .catch(() => {
        pending = null;
        return settle({}, false);
      });
  }
  return pending;
}
