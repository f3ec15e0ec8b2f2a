/**
 * One WebSocket that comes back by itself, for the citizen's chat and the officer's console.
 * It knows nothing of the protocol: `onOpen` (each time a socket opens: the owner sends
 * `join`/`resume` or `hello`), `onFrame` (each parsed frame), `onDown` (a socket was lost).
 *
 * The one heartbeat and reconnection policy (docs/protocol.md, docs/site.md):
 * - `ping` every 25 s: API Gateway closes a socket idle for 10 minutes and the protocol asks
 *   for about 25 s, which also refreshes the queue figures (`queue`, `queue_state`) and finds
 *   a dead pipe early without a Lambda call every few seconds per open tab;
 * - a ping (or a probe, or the first frames after an open) answered by nothing within 5 s: the
 *   socket is dead even if the browser has not noticed; it is replaced and `onDown` tells the
 *   page (which shows the connection back at the next frame it receives);
 * - the browser going offline (`offline` event): the socket is given up at once — the page
 *   shows the lost connection within a second, not after a minute of silence;
 * - a probe (a ping with the same 5 s deadline) whenever the tab becomes visible again or the
 *   browser comes back online with a socket still open, and on `probe()` (a message waiting
 *   for its `ack`): a dead pipe shows within seconds of being needed;
 * - reconnection with exponential backoff (1 s, 2 s, 4 s… at most 30 s), each delay drawn in
 *   its upper half (jitter) so that a crowd cut off together does not come back in step, back
 *   to 1 s after a successful open;
 * - an immediate attempt when the browser comes back online or the tab becomes visible again
 *   (a phone that slept should not wait for its backoff).
 */

const HEARTBEAT_MS = 25000;
const ANSWER_MS = 5000;
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 30000;

export class ReconnectingSocket {
  /**
   * @param {() => (string|null|Promise<string|null>)} url the address for each new socket
   *   (null: not now, try again later)
   * @param {{onOpen: () => void, onFrame: (frame: object) => void, onDown: () => void}} handlers
   */
  constructor(url, { onOpen, onFrame, onDown }) {
    this.url = url;
    this.handlers = { onOpen, onFrame, onDown };
    this.ws = null; // the current WebSocket (opening or open), or null
    this.wanted = false;
    this.opening = false; // waiting for the url
    this.attempt = 0;
    this.retryTimer = null;
    this.heartbeat = null;
    this.answerTimer = null; // a ping waiting for any frame back
    this.retryNow = () => {
      if (!this.wanted || document.visibilityState === "hidden") return;
      if (this.ws) this.probe();
      else this.#connectNow();
    };
    this.goneOffline = () => {
      if (this.wanted && this.ws) this.#lost();
    };
  }

  get isOpen() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  start() {
    if (this.wanted) return;
    this.wanted = true;
    window.addEventListener("online", this.retryNow);
    window.addEventListener("offline", this.goneOffline);
    document.addEventListener("visibilitychange", this.retryNow);
    this.#connect();
  }

  /** Close for good: no reconnection until `start()`. */
  stop() {
    this.wanted = false;
    window.removeEventListener("online", this.retryNow);
    window.removeEventListener("offline", this.goneOffline);
    document.removeEventListener("visibilitychange", this.retryNow);
    clearTimeout(this.retryTimer);
    this.#drop(1000);
  }

  /** Close this socket and open another at once (the server forgot the connection). */
  restart() {
    this.#drop(4000);
    this.handlers.onDown();
    this.#connectNow();
  }

  /** Is the pipe alive? A ping that must be answered within 5 s, else the socket is replaced. */
  probe() {
    if (!this.isOpen || this.answerTimer) return;
    if (this.send({ type: "ping" })) this.#expectAnswer();
  }

  /** Sends a frame if a socket is open; returns whether it was sent. */
  send(frame) {
    if (!this.isOpen) return false;
    try {
      this.ws.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  #connectNow() {
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    this.#connect();
  }

  async #connect() {
    if (!this.wanted || this.ws || this.opening) return;
    this.opening = true;
    let url = null;
    try {
      url = await this.url();
    } catch {
      url = null;
    } finally {
      this.opening = false;
    }
    if (!this.wanted || this.ws) return;
    let ws;
    try {
      if (!url) throw new Error("no address yet");
      ws = new WebSocket(url);
    } catch {
      this.#scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.addEventListener("open", () => {
      if (ws !== this.ws) return;
      if (navigator.onLine === false) {
        this.#lost(); // opened from a cache while the browser is offline: not a connection
        return;
      }
      this.attempt = 0;
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => this.#beat(), HEARTBEAT_MS);
      this.handlers.onOpen();
      this.#expectAnswer(); // an open pipe that answers nothing is not a connection
    });
    ws.addEventListener("message", (event) => {
      if (ws !== this.ws) return;
      clearTimeout(this.answerTimer);
      this.answerTimer = null;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame && typeof frame === "object" && typeof frame.type === "string") {
        this.handlers.onFrame(frame);
      }
    });
    ws.addEventListener("close", () => {
      if (ws !== this.ws) return;
      this.#drop();
      this.handlers.onDown();
      this.#scheduleRetry();
    });
  }

  #beat() {
    if (this.send({ type: "ping" })) this.#expectAnswer();
  }

  #expectAnswer() {
    if (this.answerTimer) return;
    this.answerTimer = setTimeout(() => {
      this.answerTimer = null;
      if (this.wanted && this.ws) this.#lost();
    }, ANSWER_MS);
  }

  /** The socket is dead (no answer, or the browser went offline): say so, try again. */
  #lost() {
    this.#drop(4000);
    this.handlers.onDown();
    this.#scheduleRetry();
  }

  #drop(code) {
    clearInterval(this.heartbeat);
    clearTimeout(this.answerTimer);
    this.answerTimer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState <= WebSocket.OPEN) {
      try {
        ws.close(code);
      } catch {
        // Already closing.
      }
    }
  }

  #scheduleRetry() {
    if (!this.wanted) return;
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** this.attempt);
    this.attempt += 1;
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.#connect(), delay);
  }
}
