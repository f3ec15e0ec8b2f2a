/**
 * One conversation as the console holds it: its messages by `seq` (/shared/js/seq-log.js:
 * deduplicated, in order), messages being sent (by `client_id`, resent after a reconnect),
 * unread count, read state, the internal notes colleagues left, and since when the citizen
 * waits for an answer. Plain state, no DOM.
 */

import { newClientId } from "/shared/js/ids.js";
import { SeqLog } from "/shared/js/seq-log.js";

export class Conversation {
  constructor(data) {
    this.id = data.conversation_id;
    this.log = new SeqLog();
    this.pending = new Map(); // client_id -> {text, failed?}
    this.unread = 0;
    this.readSent = 0; // highest seq we told the server we read
    this.closed = null; // {outcome, byMe} once closed
    this.update(data);
  }

  update(data) {
    this.topic = data.topic ?? this.topic;
    this.urgent = Boolean(data.urgent ?? this.urgent);
    this.status = data.status ?? this.status;
    this.createdAt = data.created_at ?? this.createdAt;
    if (data.citizen_connected !== undefined) this.citizenConnected = Boolean(data.citizen_connected);
    this.readCitizen = Math.max(this.readCitizen || 0, Number(data.read_citizen || 0));
    if (Array.isArray(data.notes)) this.notes = data.notes;
    else if (!this.notes) this.notes = [];
    const added = [];
    for (const message of data.messages || []) {
      if (this.add(message)) added.push(message);
    }
    return added;
  }

  /** Store a message unless its seq is known; returns true when it is new (and shown). */
  add(message) {
    const shown = this.log.add(message);
    if (message.client_id && this.log.isStored(message.client_id)) this.pending.delete(message.client_id);
    return shown;
  }

  get lastSeq() {
    return this.log.highest;
  }

  ordered() {
    return this.log.ordered();
  }

  /** The last message written by the citizen or the officer (not the system's), or null. */
  lastMessage() {
    const messages = this.log.ordered();
    for (let index = messages.length - 1; index >= 0; index -= 1) {
      const message = messages[index];
      if (message.kind === "message" && message.sender !== "system") return message;
    }
    return null;
  }

  /**
   * Since when (epoch seconds) the citizen waits for an answer: their first message after the
   * officer's last one; null when the officer spoke last (or nobody spoke yet).
   */
  awaitingSince() {
    let since = null;
    for (const message of this.log.ordered()) {
      if (message.kind !== "message") continue;
      if (message.sender === "officer") since = null;
      else if (message.sender === "citizen" && since === null) since = Number(message.sent_at);
    }
    if (since !== null && this.pending.size) return null; // an answer is on its way
    return since;
  }

  /** A new message to send: its client id (retries reuse it). */
  queue(text) {
    const clientId = newClientId();
    this.pending.set(clientId, { text, failed: null });
    return clientId;
  }
}
