/**
 * The citizen's conversation as the protocol sees it (docs/protocol.md): `join` or `resume`,
 * the messages by `seq`, the outbox of messages the server has not acknowledged, `typing`,
 * `read`, the end. No DOM: it tells its view (view.js) what to show.
 *
 * A conversation outlives the socket and the page: its id, resume token and last seq live in
 * sessionStorage (store.js); after a reconnect it sends `resume` with the highest contiguous
 * seq it shows and receives what it missed, once, in order (/shared/js/seq-log.js). It also
 * outlives the tab: its short code (shown at join) resumes it from any tab or device, and the
 * `resumed` answer hands that tab the resume token.
 */
import { newClientId } from "/shared/js/ids.js";
import { SeqLog } from "/shared/js/seq-log.js";
import { ReconnectingSocket } from "/shared/js/socket.js";
import * as store from "./store.js";
import { downloadTranscript, fetchTranscript } from "./transcript.js";
import { ERRORS, STATES, queueText } from "./words.js";

const TYPING_SEND_MS = 3000; // the server relays one `typing` per 3 s anyway
const OPEN = new Set(["waiting", "active"]);

export class CitizenChat {
  /**
   * @param {import("./view.js").ChatView} view
   * @param {{apiBase: string, wsUrl: string}} config
   */
  constructor(view, config) {
    this.view = view;
    this.apiBase = config.apiBase;
    this.messages = new SeqLog();
    this.socket = new ReconnectingSocket(() => config.wsUrl, {
      onOpen: () => this.#onOpen(),
      onFrame: (frame) => this.#onFrame(frame),
      onDown: () => this.#onDown(),
    });
    this.state = null; // {conversationId, token, code, deferred, topic, lastSeq, closing} once joined
    this.outbox = []; // [{client_id, text}] sent but not acknowledged
    this.phase = "start"; // start | joining | waiting | active | closed
    this.queueVersion = 0; // version of the last `queue` frame applied
    this.joinRequest = null;
    this.codeRequest = null; // a short code typed by the citizen, until `resumed`
    this.firstText = ""; // what the citizen asked first: the waiting suggestions' words
    this.suggested = false;
    this.seenSeq = 0; // seen before a reload: not announced again
    this.lastReadSent = 0;
    this.lastTypingSent = 0;
    this.resuming = false;
    this.pendingClosing = null;
    this.closingData = null;
    this.retryTimer = null;
    this.leaving = false;
  }

  /**
   * Picks up the conversation saved in this tab; else, when nobody can answer (`status` from
   * /api/status: closed, or nobody on duty), says so before any form; else offers a new one
   * (`topic` suggested).
   */
  init(topic, status = null) {
    const saved = store.loadChat();
    if (!saved) {
      if (status && !status.open) {
        this.phase = "start";
        this.view.showServiceClosed(status);
      } else {
        this.#backToStart();
      }
      this.view.suggestTopic(topic);
      return;
    }
    this.state = saved;
    this.outbox = saved.outbox;
    this.seenSeq = saved.lastSeq;
    this.view.showCode(saved.code);
    if (saved.closing) {
      this.phase = "closed";
      this.#showClosed(saved.closing, false);
      return;
    }
    this.view.showConversation();
    for (const message of this.outbox) this.view.log.addPending(message.client_id, message.text);
    this.view.setState(STATES.connecting);
    this.phase = "joining";
    this.socket.start();
  }

  // -- the citizen's actions ------------------------------------------------------------

  join(topic, text) {
    this.joinRequest = { topic };
    this.firstText = text || "";
    this.suggested = false;
    this.#clearMessages();
    if (text) {
      this.joinRequest.text = text;
      this.joinRequest.client_id = newClientId();
      this.view.log.addPending(this.joinRequest.client_id, text);
    }
    this.phase = "joining";
    this.seenSeq = 0;
    this.lastReadSent = 0;
    this.view.showConversation();
    this.view.setState(STATES.connecting);
    this.socket.start();
  }

  /** Opens the conversation of a short code typed by the citizen (another tab or device). */
  resumeWithCode(code) {
    this.codeRequest = code;
    this.joinRequest = null;
    this.firstText = "";
    this.suggested = false;
    this.seenSeq = 0;
    this.lastReadSent = 0;
    this.#clearMessages();
    this.phase = "joining";
    this.view.showConversation();
    this.view.setState(STATES.connecting);
    this.socket.start();
  }

  /** Queues a message (sent now if a socket is open); false when there is no conversation. */
  send(text) {
    if (this.phase === "closed" || this.phase === "start") return false;
    this.view.clearError();
    const message = { client_id: newClientId(), text };
    this.outbox.push(message);
    this.view.log.addPending(message.client_id, text);
    this.#persist();
    if (this.state && !this.resuming && this.#sendOne(message)) this.socket.probe();
    return true;
  }

  typing() {
    if (this.phase !== "active") return;
    const now = Date.now();
    if (now - this.lastTypingSent < TYPING_SEND_MS) return;
    if (this.socket.send({ type: "typing" })) this.lastTypingSent = now;
  }

  /** `read` with the highest seq shown, when the page is visible and it grew. */
  sendRead() {
    if (document.visibilityState !== "visible" || !OPEN.has(this.phase) || this.resuming) return;
    const seq = this.messages.highest;
    if (seq > this.lastReadSent && this.socket.send({ type: "read", seq })) this.lastReadSent = seq;
  }

  end() {
    if (!this.state) {
      // Still connecting: nothing was created on the server yet.
      this.socket.stop();
      this.joinRequest = null;
      this.view.closeConfirm();
      this.#backToStart();
      return;
    }
    if (!this.socket.send({ type: "end", ref: "end" })) {
      this.view.showError(ERRORS.offline);
      return;
    }
    this.view.closeConfirm();
    this.view.setState("Fin de la conversation…");
  }

  async downloadTranscript() {
    if (!this.state) return;
    await downloadTranscript(this.apiBase, this.state.conversationId, this.state.token);
  }

  /** The transcript as data, for the printable page. */
  async transcript() {
    if (!this.state) throw new Error("no conversation");
    return fetchTranscript(this.apiBase, this.state.conversationId, this.state.token);
  }

  /** « Poser une nouvelle question »: the closed conversation is forgotten. */
  restart() {
    store.clearChat();
    this.state = null;
    this.outbox = [];
    this.closingData = null;
    this.#clearMessages();
    this.#backToStart();
  }

  /** « Quitter rapidement » (or the page goes away): nothing may write sessionStorage again. */
  leave() {
    this.leaving = true;
    this.socket.stop();
  }

  /** The page came back from the back/forward cache. */
  comeBack() {
    this.leaving = false;
    if (this.state && OPEN.has(this.phase)) this.socket.start();
  }

  // -- socket events ----------------------------------------------------------------------

  #onOpen() {
    this.view.clearError();
    if (this.state) this.#resume();
    else if (this.codeRequest) {
      this.resuming = true;
      this.socket.send({ type: "resume", code: this.codeRequest, last_seq: 0, ref: "code" });
    } else if (this.joinRequest) this.socket.send({ type: "join", ...this.joinRequest, ref: "join" });
  }

  #onDown() {
    this.view.hideTyping();
    if (this.phase !== "closed" && this.phase !== "start") this.view.showConnection(false);
  }

  #onFrame(frame) {
    this.view.showConnection(true); // the pipe answers: the connection is back
    switch (frame.type) {
      case "joined":
        return this.#onJoined(frame);
      case "resumed":
        return this.#onResumed(frame);
      case "history":
        for (const message of Array.isArray(frame.messages) ? frame.messages : []) {
          this.#receive(message);
        }
        if (!frame.more) this.#afterSync();
        return;
      case "message":
        // The conversation went back to the queue (its officer left or handed it back).
        if (frame.data?.requeued === true && this.phase === "active") this.#backInQueue();
        return this.#receive(frame);
      case "queue":
        // Positions come from the server's fan-out, a moment after the change: a frame older
        // than the last one applied is dropped, and one arriving while an officer holds the
        // conversation is stale (going back to the queue comes as a message, above).
        if (this.phase !== "waiting" && this.phase !== "joining") return;
        if (Number.isInteger(frame.version)) {
          if (frame.version <= this.queueVersion) return;
          this.queueVersion = frame.version;
        }
        this.phase = "waiting";
        this.view.setState(queueText(frame, { deferred: this.state?.deferred === true }));
        this.#suggest();
        return;
      case "assigned":
        this.phase = "active";
        this.view.setState(STATES.assigned);
        this.view.hideSuggestions();
        this.view.notify();
        return;
      case "ack":
        return this.#onAck(frame);
      case "typing":
        if (frame.sender === "officer") this.view.showTyping();
        return;
      case "read":
        if (frame.reader === "officer" && Number.isInteger(frame.seq)) this.view.log.markRead(frame.seq);
        return;
      case "closed":
        return this.#onClosed(frame);
      case "error":
        return this.#onError(frame);
      default:
        return; // pong, and frames this page does not use
    }
  }

  #backInQueue() {
    this.phase = "waiting";
    this.view.setState(STATES.waiting);
  }

  #resume() {
    this.resuming = true;
    this.socket.send({
      type: "resume",
      conversation_id: this.state.conversationId,
      token: this.state.token,
      last_seq: this.messages.lastContiguous,
      ref: "resume",
    });
  }

  #onJoined(frame) {
    if (typeof frame.conversation_id !== "string" || typeof frame.token !== "string") return;
    this.state = {
      conversationId: frame.conversation_id,
      token: frame.token,
      code: typeof frame.code === "string" ? frame.code : null,
      deferred: frame.deferred === true,
      topic: frame.topic ?? this.joinRequest?.topic ?? null,
      lastSeq: 0,
      closing: null,
    };
    this.joinRequest = null;
    this.phase = frame.status === "active" ? "active" : "waiting";
    const waiting = this.state.deferred ? STATES.deferred : STATES.waiting;
    this.view.setState(this.phase === "active" ? STATES.assigned : waiting);
    this.view.showCode(this.state.code);
    this.#persist();
    this.#flushOutbox();
  }

  #onResumed(frame) {
    this.resuming = true;
    if (!this.state && this.codeRequest && typeof frame.token === "string") {
      // Opened by its short code: from now on this tab holds the conversation like the one
      // that joined (reconnects, transcript, survey).
      this.state = {
        conversationId: frame.conversation_id,
        token: frame.token,
        code: this.codeRequest,
        deferred: frame.deferred === true, // a message left: read later, not a queue place
        topic: frame.topic ?? null,
        lastSeq: 0,
        closing: null,
      };
      this.codeRequest = null;
      this.view.showCode(this.state.code);
      this.#persist();
    }
    if (frame.status === "closed") {
      this.pendingClosing = {
        outcome: frame.closing?.outcome ?? "autre",
        outcome_label: "",
        links: Array.isArray(frame.closing?.links) ? frame.closing.links : [],
        survey: true,
      };
    } else if (!OPEN.has(frame.status)) {
      this.pendingClosing = { outcome: "annule", outcome_label: "", links: [], survey: false };
    } else {
      this.phase = frame.status;
      this.view.setState(frame.status === "active" ? STATES.assigned : STATES.waiting);
    }
  }

  /** After `joined`/`resumed` and the history that follows them. */
  #afterSync() {
    if (!this.resuming) return;
    this.resuming = false;
    if (this.pendingClosing) {
      const closing = { ...this.pendingClosing, ...(this.closingData ?? {}) };
      this.pendingClosing = null;
      this.#onClosed(closing);
      return;
    }
    this.#flushOutbox();
    this.sendRead();
  }

  /** While waiting, up to 3 fiches of the site for the topic and the first message. */
  #suggest() {
    if (this.suggested || !this.state) return;
    this.suggested = true;
    const first = this.messages.ordered().find((m) => m.sender === "citizen" && m.kind === "message");
    this.view.showSuggestions(this.state.topic, this.firstText || first?.text || "");
  }

  #receive(message) {
    if (!message || typeof message !== "object") return;
    if (message.kind === "closed" && message.data && typeof message.data === "object") {
      this.closingData = message.data;
    }
    if (this.messages.add(message)) {
      this.view.showMessage(message, message.seq > this.seenSeq);
      this.seenSeq = Math.max(this.seenSeq, message.seq);
    }
    if (message.client_id) this.#dropFromOutbox(message.client_id);
    this.#persist();
    this.sendRead();
  }

  #onAck(frame) {
    if (typeof frame.client_id !== "string" || !Number.isInteger(frame.seq)) return;
    this.messages.stored(frame.client_id);
    const stored = { seq: frame.seq, sender: "citizen", kind: "message", client_id: frame.client_id };
    if (this.messages.add(stored)) this.view.log.confirm(frame.client_id, frame.seq);
    else this.view.log.dropPending(frame.client_id); // a retry: shown already at its seq
    this.#dropFromOutbox(frame.client_id);
    this.#persist();
  }

  #onClosed(frame) {
    const closing = {
      outcome: typeof frame.outcome === "string" ? frame.outcome : "autre",
      outcome_label: typeof frame.outcome_label === "string" ? frame.outcome_label : "",
      links: Array.isArray(frame.links) ? frame.links : [],
      survey: frame.survey === true,
      by_citizen: frame.by_citizen === true,
    };
    this.phase = "closed";
    this.socket.stop();
    this.view.hideTyping();
    if (this.state) {
      this.state.closing = closing;
      this.#persist();
      if (closing.survey) store.offerSurvey(this.state.conversationId, this.state.token);
    }
    this.#showClosed(closing, true);
  }

  #onError(frame) {
    const message = typeof frame.message === "string" && frame.message ? frame.message : ERRORS.generic;
    const pending = this.outbox.find((entry) => entry.client_id === frame.ref);
    if (frame.ref === "code" && !this.state) {
      // A short code that opens nothing (or too many tries): back to the forms, said there.
      this.socket.stop();
      this.codeRequest = null;
      this.resuming = false;
      this.#clearMessages();
      this.#backToStart();
      return this.view.showCodeError(frame.code === "rate_limited" ? ERRORS.codeTooMany : ERRORS.code);
    }
    switch (frame.code) {
      case "conversation_not_found":
        if (this.state) return this.#lost();
        break;
      case "too_many_connections":
        this.socket.stop();
        this.view.setState(ERRORS.tooMany);
        return this.view.showError(ERRORS.tooMany);
      case "unknown_connection":
      case "not_joined":
        return this.socket.restart();
      case "already_joined":
        return;
      case "conversation_closed":
        if (this.state && this.phase !== "closed") this.#resume();
        return;
      case "rate_limited": {
        const seconds = Number.isInteger(frame.retry_after) ? frame.retry_after : 10;
        this.#flushLater(seconds * 1000);
        return this.view.showError(message);
      }
      default:
        break;
    }
    if (frame.ref === "join") {
      this.socket.stop();
      this.joinRequest = null;
      this.#clearMessages();
      return this.#backToStart(message);
    }
    if (pending) {
      if (frame.code === "invalid_input") {
        this.view.log.fail(pending.client_id);
        this.#dropFromOutbox(pending.client_id);
        this.#persist();
      } else {
        this.#flushLater(5000);
      }
    }
    this.view.showError(message);
  }

  /** The saved conversation is gone (expired, or the token no longer matches). */
  #lost() {
    this.socket.stop();
    store.clearChat();
    this.state = null;
    this.outbox = [];
    this.#clearMessages();
    this.#backToStart(ERRORS.notFound);
  }

  // -- helpers ------------------------------------------------------------------------------

  #backToStart(error) {
    this.phase = "start";
    this.view.showStart(error);
  }

  #showClosed(closing, focus) {
    this.view.showClosed(closing, {
      focus,
      transcript: closing.outcome !== "annule" && this.state !== null,
      survey: closing.survey === true && store.pendingSurvey() !== null,
    });
  }

  #clearMessages() {
    this.messages.clear();
    this.view.log.clear();
  }

  #sendOne(message) {
    return this.socket.send({ type: "send", client_id: message.client_id, text: message.text, ref: message.client_id });
  }

  /** Sends what the server has not acknowledged yet, with the same client ids. */
  #flushOutbox() {
    if (!this.state || this.phase === "closed") return;
    this.outbox = this.outbox.filter((message) => !this.messages.isStored(message.client_id));
    for (const message of this.outbox) this.#sendOne(message);
  }

  #flushLater(delayMs) {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.#flushOutbox(), delayMs);
  }

  #dropFromOutbox(clientId) {
    this.outbox = this.outbox.filter((message) => message.client_id !== clientId);
  }

  #persist() {
    if (!this.state || this.leaving) return;
    store.saveChat({
      ...this.state,
      lastSeq: Math.max(this.seenSeq, this.messages.lastContiguous),
      outbox: this.outbox,
    });
  }
}
