/**
 * The officer's WebSocket: `?role=officer&token=<IdToken>` (the token refreshed when it is
 * about to expire), `hello` after every connect, and `request()`: a frame sent with a `ref`
 * whose direct answer settles a promise. The pipe itself — heartbeat, dead-pipe detection,
 * reconnection with backoff — is the shared ReconnectingSocket (/shared/js/socket.js). A
 * socket is only a pipe: the workspace rebuilds itself from the `officer_state` that answers
 * each `hello`.
 */

import { loadConfig } from "/shared/js/config.js";
import { ReconnectingSocket } from "/shared/js/socket.js";
import { expiresSoon, idToken, refresh } from "./auth.js";

const LOST = "Connexion perdue : nouvelle tentative en cours.";

/** The address of a new socket, or null when signed out. */
async function officerUrl() {
  if (expiresSoon()) await refresh().catch(() => {});
  const token = idToken();
  if (!token) return null;
  const url = new URL((await loadConfig()).wsUrl);
  url.searchParams.set("role", "officer");
  url.searchParams.set("token", token);
  return url.toString();
}

export class OfficerSocket extends EventTarget {
  constructor() {
    super();
    this.pipe = new ReconnectingSocket(officerUrl, {
      onOpen: () => {
        this.emit("status", { state: "connected" });
        this.send({ type: "hello" });
      },
      onFrame: (frame) => {
        this.settle(frame);
        this.emit("frame", frame);
      },
      onDown: () => {
        this.failWaiting("disconnected");
        this.emit("status", { state: "reconnecting" });
      },
    });
    this.refCounter = 0;
    this.waiting = new Map(); // ref -> {resolve, reject}
  }

  /** The current WebSocket, or null (the browser tests close it to cut the pipe). */
  get ws() {
    return this.pipe.ws;
  }

  get connected() {
    return this.pipe.isOpen;
  }

  start() {
    this.emit("status", { state: "connecting" });
    this.pipe.start();
  }

  /** Close for good (sign-out): no reconnect. */
  stop() {
    this.pipe.stop();
    this.failWaiting("stopped");
  }

  /** Send a frame now; false when the pipe is down (the caller keeps what must be resent). */
  send(frame) {
    return this.pipe.send(frame);
  }

  /**
   * Send a frame with a `ref` and resolve with the direct answer (rejects with the `error`
   * frame, or {code: "disconnected"} when the pipe is down).
   */
  request(frame) {
    this.refCounter += 1;
    const ref = `c${this.refCounter}`;
    return new Promise((resolve, reject) => {
      if (!this.send({ ...frame, ref })) {
        reject({ code: "disconnected", message: LOST });
        return;
      }
      this.waiting.set(ref, { resolve, reject });
    });
  }

  settle(frame) {
    if (!frame.ref || !this.waiting.has(frame.ref)) return;
    const { resolve, reject } = this.waiting.get(frame.ref);
    this.waiting.delete(frame.ref);
    if (frame.type === "error") reject(frame);
    else resolve(frame);
  }

  failWaiting(code) {
    for (const { reject } of this.waiting.values()) reject({ code, message: LOST });
    this.waiting.clear();
  }

  emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }
}
