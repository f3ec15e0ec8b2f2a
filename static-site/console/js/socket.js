/**
 * The officer's WebSocket: `?role=officer&token=<IdToken>`, `hello` after every connect,
 * a `ping` every 15 s (answered by `pong` and `queue_state`), and a transparent reconnect with
 * exponential backoff. A socket is only a pipe: the workspace rebuilds itself from the
 * `officer_state` that answers each `hello`.
 */

import { expiresSoon, idToken, refresh } from "./auth.js";
import { loadConfig } from "./config.js";

const PING_EVERY_MS = 15 * 1000;
const DEAD_AFTER_MS = 40 * 1000; // nothing received for this long: the pipe is dead
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000, 30000];

export class OfficerSocket extends EventTarget {
  constructor() {
    super();
    this.ws = null;
    this.stopped = true;
    this.attempt = 0;
    this.pingTimer = null;
    this.retryTimer = null;
    this.lastHeard = 0;
    this.refCounter = 0;
    this.waiting = new Map(); // ref -> {resolve, reject}
  }

  get connected() {
    return Boolean(this.ws && this.ws.readyState === WebSocket.OPEN);
  }

  start() {
    this.stopped = false;
    this.open();
  }

  /** Close for good (sign-out): no reconnect. */
  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    if (this.ws) this.ws.close(1000, "bye");
    this.ws = null;
    this.failWaiting("stopped");
  }

  /** Drop the current pipe and reconnect at once (used by tests and after a long sleep). */
  reconnectNow() {
    if (this.ws) this.ws.close(4000, "reconnect");
  }

  async open() {
    clearTimeout(this.retryTimer);
    if (this.stopped) return;
    if (expiresSoon()) await refresh().catch(() => {});
    const token = idToken();
    if (!token) return;
    const config = await loadConfig();
    const url = new URL(config.wsUrl);
    url.searchParams.set("role", "officer");
    url.searchParams.set("token", token);
    this.emit("status", { state: this.attempt === 0 ? "connecting" : "reconnecting" });
    let ws;
    try {
      ws = new WebSocket(url.toString());
    } catch {
      this.retry();
      return;
    }
    this.ws = ws;
    ws.addEventListener("open", () => {
      if (this.ws !== ws) return;
      this.attempt = 0;
      this.lastHeard = Date.now();
      this.emit("status", { state: "connected" });
      this.send({ type: "hello" });
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.heartbeat(), PING_EVERY_MS);
    });
    ws.addEventListener("message", (event) => {
      if (this.ws !== ws) return;
      this.lastHeard = Date.now();
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (!frame || typeof frame.type !== "string") return;
      this.settle(frame);
      this.emit("frame", frame);
    });
    ws.addEventListener("close", () => {
      if (this.ws !== ws) return;
      clearInterval(this.pingTimer);
      this.ws = null;
      this.failWaiting("disconnected");
      if (!this.stopped) {
        this.emit("status", { state: "reconnecting" });
        this.retry();
      }
    });
  }

  heartbeat() {
    if (!this.connected) return;
    if (Date.now() - this.lastHeard > DEAD_AFTER_MS) {
      this.ws.close(4001, "dead");
      return;
    }
    this.send({ type: "ping" });
  }

  retry() {
    if (this.stopped) return;
    const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt += 1;
    const delay = base / 2 + Math.random() * (base / 2);
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  /** Send a frame now; false when the pipe is down (the caller keeps what must be resent). */
  send(frame) {
    if (!this.connected) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
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
        reject({ code: "disconnected", message: "Connexion perdue : nouvelle tentative en cours." });
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
    for (const { reject } of this.waiting.values()) {
      reject({ code, message: "Connexion perdue : nouvelle tentative en cours." });
    }
    this.waiting.clear();
  }

  emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }
}
