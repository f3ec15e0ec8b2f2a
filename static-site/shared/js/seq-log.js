/**
 * The messages of one conversation as the server numbered them (`seq`, from 1): each seq kept
 * once whatever the order and however often it arrives (pushes, the history replayed after a
 * reconnect, acks), `void` messages taking their number without being shown. Plain state, no
 * DOM: the citizen's widget and the officer's console each render it their way.
 */

export class SeqLog {
  constructor() {
    this.clear();
  }

  clear() {
    this.messages = new Map(); // seq -> message
    this.clientIds = new Set(); // client ids the server has stored
    this.contiguous = 0;
    this.highest = 0;
  }

  /** Records a stored message; true when it is new and to be shown (not `void`). */
  add(message) {
    const seq = Number(message?.seq);
    if (!Number.isInteger(seq) || seq < 1 || this.messages.has(seq)) return false;
    this.messages.set(seq, message);
    if (typeof message.client_id === "string") this.clientIds.add(message.client_id);
    this.highest = Math.max(this.highest, seq);
    while (this.messages.has(this.contiguous + 1)) this.contiguous += 1;
    return message.kind !== "void";
  }

  has(seq) {
    return this.messages.has(seq);
  }

  /** The server stored the message sent with `clientId` (an `ack`, maybe before the message). */
  stored(clientId) {
    this.clientIds.add(clientId);
  }

  isStored(clientId) {
    return this.clientIds.has(clientId);
  }

  /** Highest seq such that every seq up to it is known: what a `resume` asks after. */
  get lastContiguous() {
    return this.contiguous;
  }

  /** The shown messages, by seq. */
  ordered() {
    return Array.from(this.messages.values())
      .filter((message) => message.kind !== "void")
      .sort((a, b) => a.seq - b.seq);
  }
}
