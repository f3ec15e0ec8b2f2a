/**
 * What the chat keeps in this tab: sessionStorage only (never localStorage, never cookies), so
 * it disappears with the tab and with « Quitter rapidement ». No message text is kept except
 * messages not yet acknowledged by the server (to send them again after a reload).
 *
 * moncommissariat.tchat  {conversationId, token, code, deferred, topic, lastSeq,
 *                         outbox: [{client_id, text}],
 *                         closing: {outcome, outcome_label, links, survey} | null}
 *                         (`code`: the short code shown to the citizen, « K7MQ2-XH9PD »)
 * moncommissariat.avis   {conversation_id, token}: a closed conversation whose survey is due
 * moncommissariat.discret true when discreet mode is on
 */

const CHAT_KEY = "moncommissariat.tchat";
const SURVEY_KEY = "moncommissariat.avis";
const DISCREET_KEY = "moncommissariat.discret";

function read(key) {
  try {
    const value = JSON.parse(window.sessionStorage.getItem(key) || "null");
    return value && typeof value === "object" ? value : null;
  } catch {
    return null; // storage disabled or damaged: behave as a first visit
  }
}

function write(key, value) {
  try {
    if (value === null) window.sessionStorage.removeItem(key);
    else window.sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the conversation still works, only a reload loses it.
  }
}

/** The saved conversation, or null. */
export function loadChat() {
  const saved = read(CHAT_KEY);
  if (!saved || typeof saved.conversationId !== "string" || typeof saved.token !== "string") {
    return null;
  }
  return {
    conversationId: saved.conversationId,
    token: saved.token,
    code: typeof saved.code === "string" ? saved.code : null,
    deferred: saved.deferred === true,
    topic: typeof saved.topic === "string" ? saved.topic : null,
    lastSeq: Number.isInteger(saved.lastSeq) && saved.lastSeq > 0 ? saved.lastSeq : 0,
    outbox: Array.isArray(saved.outbox)
      ? saved.outbox.filter((m) => m && typeof m.client_id === "string" && typeof m.text === "string")
      : [],
    closing: saved.closing && typeof saved.closing === "object" ? saved.closing : null,
  };
}

export function saveChat(state) {
  write(CHAT_KEY, state);
}

export function clearChat() {
  write(CHAT_KEY, null);
}

/** Whether discreet mode was chosen in this tab (kept when a new conversation starts). */
export function loadDiscreet() {
  try {
    return window.sessionStorage.getItem(DISCREET_KEY) === "true";
  } catch {
    return false;
  }
}

export function saveDiscreet(on) {
  try {
    if (on) window.sessionStorage.setItem(DISCREET_KEY, "true");
    else window.sessionStorage.removeItem(DISCREET_KEY);
  } catch {
    // Storage disabled: the choice holds until the page is left.
  }
}

export function offerSurvey(conversationId, token) {
  write(SURVEY_KEY, { conversation_id: conversationId, token });
}

/** {conversation_id, token} of the closed conversation awaiting its survey, or null. */
export function pendingSurvey() {
  const value = read(SURVEY_KEY);
  return value && typeof value.conversation_id === "string" && typeof value.token === "string"
    ? value
    : null;
}

export function forgetSurvey() {
  write(SURVEY_KEY, null);
}
