/** Runtime configuration, fetched once from /config.json: {apiBase, wsUrl, cognito}. */

let pending = null;

export function loadConfig() {
  if (!pending) {
    pending = fetch("/config.json", { headers: { Accept: "application/json" }, cache: "no-store" })
      .then((response) => {
        if (!response.ok) throw new Error(`config.json: ${response.status}`);
        return response.json();
      })
      .then((data) => {
        const config = { apiBase: "/api", wsUrl: null, cognito: null, ...data };
        config.apiBase = String(config.apiBase || "/api").replace(/\/+$/, "");
        if (!config.wsUrl) {
          const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
          config.wsUrl = `${scheme}//${window.location.host}/ws`;
        }
        return Object.freeze(config);
      });
    pending.catch(() => {
      pending = null;
    });
  }
  return pending;
}
