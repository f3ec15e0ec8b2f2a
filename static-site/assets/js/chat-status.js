/**
 * Live status of the chat (officers online, estimated wait) from GET {apiBase}/status.
 * Progressive enhancement: the page always shows a plain link to /discuter/; the status line
 * stays hidden unless the API answers with a well-formed status.
 */
import { loadConfig } from "/shared/js/config.js";
import { waitText } from "./chat/words.js";

const TIMEOUT_MS = 5000;
const REFRESH_MS = 60000;

function isCount(value) {
  return Number.isInteger(value) && value >= 0;
}

/** French sentence for a status payload, or null when the payload is not usable. */
export function describeStatus(status) {
  if (!status || typeof status !== "object" || typeof status.open !== "boolean") return null;
  if (!isCount(status.officers_online) || !isCount(status.estimated_wait_seconds)) return null;
  if (!status.open) return "Le tchat est fermé pour le moment. Vous pouvez consulter les fiches pratiques.";
  if (status.officers_online === 0) return "Aucun policier n'est disponible pour le moment.";
  const officers = status.officers_online === 1
    ? "1 policier en ligne"
    : `${status.officers_online} policiers en ligne`;
  return `${officers} · attente estimée : ${waitText(status.estimated_wait_seconds)}`;
}

async function fetchStatus() {
  const { apiBase } = await loadConfig();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const response = await fetch(`${apiBase}/status`, {
      headers: { Accept: "application/json" },
      cache: "no-store",
      signal: controller.signal,
    });
    if (!response.ok) return null;
    return describeStatus(await response.json());
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

async function refresh(elements) {
  const text = await fetchStatus();
  for (const element of elements) {
    element.textContent = text ?? "";
    element.hidden = text === null;
  }
}

const elements = document.querySelectorAll("[data-chat-status]");
if (elements.length > 0) {
  refresh(elements);
  setInterval(() => {
    if (document.visibilityState === "visible") refresh(elements);
  }, REFRESH_MS);
}
