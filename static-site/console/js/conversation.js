/**
 * One conversation as the console holds it: messages by `seq` (deduplicated, in order),
 * messages being sent (by `client_id`, resent after a reconnect), unread count, read state.
 * Plain state, no DOM.
 */

let clientCounter = 0;

/** A fresh client message id ([A-Za-z0-9_-]{1,64}): retries reuse it. */
export function newClientId() {
  clientCounter += 1;
  const random = crypto.getRandomValues(new Uint32Array(2));
  return `o${Date.now().toString(36)}${random[0].toString(36)}${random[1].toString(36)}${clientCounter}`;
}

export class Conversation {
  constructor(data) {
    this.id = data.conversation_id;
    this.messages = new Map(); // seq -> message
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
    const added = [];
    for (const message of data.messages || []) {
      if (this.add(message)) added.push(message);
    }
    return added;
  }

  /** Store a message unless its seq is known; returns true when it is new. */
  add(message) {
    const seq = Number(message.seq);
    if (!Number.isInteger(seq) || seq < 1 || this.messages.has(seq)) return false;
    this.messages.set(seq, message);
    if (message.client_id) this.pending.delete(message.client_id);
    return message.kind !== "void";
  }

  get lastSeq() {
    let last = 0;
    for (const seq of this.messages.keys()) last = Math.max(last, seq);
    return last;
  }

  ordered() {
    return Array.from(this.messages.values())
      .filter((message) => message.kind !== "void")
      .sort((a, b) => a.seq - b.seq);
  }

  queue(text) {
    const clientId = newClientId();
    this.pending.set(clientId, { text, failed: null });
    return clientId;
  }
}
