/**
 * One WebSocket that comes back by itself: heartbeat every 25 s (API Gateway closes a socket
 * idle for 10 min), reconnection with exponential backoff and full jitter, immediate retry when
 * the browser comes back online or the tab becomes visible. It knows nothing of the protocol:
 * `onOpen` (each time a socket opens: the widget sends `resume` or `join`), `onFrame`, `onDown`.
 */

const HEARTBEAT_MS = 25000;
const SILENCE_MS = 70000; // no frame at all for this long (pings answer pongs): the socket is dead
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 30000;

export class ChatSocket {
  constructor(url, { onOpen, onFrame, onDown }) {
    this.url = url;
    this.handlers = { onOpen, onFrame, onDown };
    this.socket = null;
    this.wanted = false;
    this.attempt = 0;
    this.retryTimer = null;
    this.heartbeat = null;
    this.lastFrameAt = 0;
    this.retryNow = () => {
      if (this.wanted && !this.socket && document.visibilityState !== "hidden") this.#connectNow();
    };
  }

  get isOpen() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  start() {
    if (this.wanted) return;
    this.wanted = true;
    window.addEventListener("online", this.retryNow);
    document.addEventListener("visibilitychange", this.retryNow);
    this.#connect();
  }

  stop() {
    this.wanted = false;
    window.removeEventListener("online", this.retryNow);
    document.removeEventListener("visibilitychange", this.retryNow);
    clearTimeout(this.retryTimer);
    this.#drop(1000);
  }

  /** Close this socket and open another (the server forgot the connection). */
  restart() {
    this.#drop(4000);
    this.handlers.onDown();
    this.#connectNow();
  }

  /** Sends a frame if a socket is open; returns whether it was sent. */
  send(frame) {
    if (!this.isOpen) return false;
    try {
      this.socket.send(JSON.stringify(frame));
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

  #connect() {
    if (!this.wanted || this.socket) return;
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.#scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.addEventListener("open", () => {
      if (socket !== this.socket) return;
      this.attempt = 0;
      this.lastFrameAt = Date.now();
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => this.#beat(), HEARTBEAT_MS);
      this.handlers.onOpen();
    });
    socket.addEventListener("message", (event) => {
      if (socket !== this.socket) return;
      this.lastFrameAt = Date.now();
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
    socket.addEventListener("close", () => {
      if (socket !== this.socket) return;
      this.#drop();
      this.handlers.onDown();
      this.#scheduleRetry();
    });
  }

  #beat() {
    if (Date.now() - this.lastFrameAt > SILENCE_MS) {
      this.restart();
      return;
    }
    this.send({ type: "ping" });
  }

  #drop(code) {
    clearInterval(this.heartbeat);
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) {
      try {
        socket.close(code);
      } catch {
        // Already closing.
      }
    }
  }

  /** Exponential backoff with jitter: a crowd of citizens does not come back in step. */
  #scheduleRetry() {
    if (!this.wanted) return;
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** this.attempt);
    this.attempt += 1;
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.#connect(), delay);
  }
}
