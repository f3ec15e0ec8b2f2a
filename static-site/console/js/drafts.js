/**
 * What an officer was doing, kept across a reload of the console tab: the selected
 * conversation and, per conversation, the reply being written, the closing links prepared,
 * the chosen orientation and the transfer note. sessionStorage only (gone with the tab, never
 * shared with another tab), and forgotten when the conversation leaves the console.
 */

const KEY = "moncommissariat.console.workspace";

function read() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
    if (saved && typeof saved === "object" && saved.conversations && typeof saved.conversations === "object") {
      return saved;
    }
  } catch {
    // unreadable: start afresh
  }
  return { selected: null, conversations: {} };
}

function write(state) {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(state));
  } catch {
    // storage full or refused: the work stays on the page
  }
}

/** The saved work of a conversation: {draft, links, outcome, note} (empty when none). */
export function savedWork(conversationId) {
  const work = read().conversations[conversationId] || {};
  return {
    draft: typeof work.draft === "string" ? work.draft : "",
    links: Array.isArray(work.links) ? work.links.filter((link) => link && typeof link.url === "string") : [],
    outcome: typeof work.outcome === "string" ? work.outcome : "",
    note: typeof work.note === "string" ? work.note : "",
  };
}

/** Merge `part` ({draft?, links?, outcome?, note?}) into the saved work of a conversation. */
export function saveWork(conversationId, part) {
  const state = read();
  const work = { ...(state.conversations[conversationId] || {}), ...part };
  const empty = !work.draft && !(work.links && work.links.length) && !work.outcome && !work.note;
  if (empty) delete state.conversations[conversationId];
  else state.conversations[conversationId] = work;
  write(state);
}

/** The conversation left the console (closed, transferred, dismissed): forget its work. */
export function forgetWork(conversationId) {
  const state = read();
  delete state.conversations[conversationId];
  if (state.selected === conversationId) state.selected = null;
  write(state);
}

export function savedSelection() {
  return read().selected;
}

export function saveSelection(conversationId) {
  const state = read();
  state.selected = conversationId;
  write(state);
}

/** Sign-out: nothing of the session's work stays in the tab. */
export function forgetAll() {
  sessionStorage.removeItem(KEY);
}
