/**
 * Live status of the chat (open or closed, officers online, estimated wait) from
 * GET {apiBase}/status (chat/service.js). Progressive enhancement: the page always shows a
 * plain link to /discuter/; the status line stays hidden unless the API answers with a
 * well-formed status.
 */
import { loadConfig } from "/shared/js/config.js";
import { fetchStatus, readStatus } from "./chat/service.js";
import { momentText, waitText } from "./chat/words.js";

const REFRESH_MS = 60000;

/** French sentence for a status payload, or null when the payload is not usable. */
export function describeStatus(payload) {
  const status = readStatus(payload);
  if (!status) return null;
  if (!status.within_hours) {
    const when = momentText(status.next_opening);
    return when
      ? `Le tchat est fermé pour le moment. Il rouvre ${when}.`
      : "Le tchat est fermé pour le moment. Vous pouvez consulter les fiches pratiques.";
  }
  if (!status.open || status.officers_online === 0) {
    return status.open
      ? "Les policiers de service sont occupés pour le moment."
      : "Aucun policier n'est disponible pour le moment.";
  }
  const officers = status.officers_online === 1
    ? "1 policier en ligne"
    : `${status.officers_online} policiers en ligne`;
  return `${officers} · attente estimée : ${waitText(status.estimated_wait_seconds)}`;
}

async function refresh(elements) {
  const { apiBase } = await loadConfig();
  const status = await fetchStatus(apiBase);
  const text = status ? describeStatus(status) : null;
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
