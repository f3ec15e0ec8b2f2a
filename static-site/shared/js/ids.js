/**
 * Ids a client makes up for what it sends (a chat message, a report): the server stores a
 * retry with the same id once. A UUID fits the protocol's `[A-Za-z0-9_-]{1,64}`.
 */

export function newClientId() {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  // crypto.randomUUID needs a secure context; plain http on a LAN address has only this.
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
}
