/**
 * Runtime configuration of the site, fetched once from /config.json.
 * Shape: {apiBase, wsUrl, cognito: {...}}. Missing file or fields fall back to defaults,
 * so the static site still works when it is served without the API.
 */

const DEFAULTS = Object.freeze({ apiBase: "/api", wsUrl: null, cognito: null });

let pending = null;

/** @returns {Promise<{apiBase: string, wsUrl: string|null, cognito: object|null}>} */
export function loadConfig() {
  if (!pending) {
    pending = fetch("/config.json", { headers: { Accept: "application/json" }, cache: "no-store" })
      .then((response) => (response.ok ? response.json() : {}))
      .catch(() => ({}))
      .then((data) => {
        const config = { ...DEFAULTS, ...(data && typeof data === "object" ? data : {}) };
        if (typeof config.apiBase !== "string" || !config.apiBase) config.apiBase = DEFAULTS.apiBase;
        config.apiBase = config.apiBase.replace(/\/+$/, "");
        return config;
      });
  }
  return pending;
}
