/**
 * The chat widget of /discuter/: choose a topic, wait in the queue, talk with an officer, end,
 * download the conversation, answer the survey. The protocol is docs/protocol.md.
 *
 * A conversation outlives the socket and the page: its id, resume token and last seq live in
 * sessionStorage (store.js); after a reconnect the widget sends `resume` with the highest
 * contiguous seq it shows and receives what it missed, once, in order (log.js).
 */
import { loadConfig } from "../config.js";
import { Alerts } from "./alerts.js";
import { MessageLog } from "./log.js";
import { ChatSocket } from "./socket.js";
import * as store from "./store.js";
import { downloadTranscript } from "./transcript.js";
import { ERRORS, SENDERS, STATES, TOPICS, queueText } from "./words.js";

const TYPING_SEND_MS = 3000; // the server relays one `typing` per 3 s anyway
const TYPING_SHOW_MS = 6000;
const OPEN = new Set(["waiting", "active"]);
const ESCAPE_TWICE_MS = 1000; // as quick-exit.js

function newClientId() {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
}

function defaultWsUrl() {
  return `${window.location.protocol === "https:" ? "wss" : "ws"}://${window.location.host}/ws`;
}

/** The URL to link to, or null: only a site path or an http(s) address becomes a link. */
export function safeUrl(url) {
  if (typeof url !== "string") return null;
  if (/^\/(?![/\\])/.test(url)) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

function closingSentence(closing) {
  if (closing.outcome === "annule") return "Vous avez quitté la file d'attente : votre demande est annulée.";
  if (closing.outcome === "fin_citoyen" || closing.by_citizen) return "Vous avez mis fin à la conversation.";
  if (closing.outcome === "abandon") return "La conversation a été close après votre déconnexion.";
  return "Le policier a clos la conversation.";
}

class ChatWidget {
  constructor(root, config) {
    const $ = (selector) => root.querySelector(selector);
    this.ui = {
      start: $("[data-chat-start]"),
      startError: $("[data-chat-start-error]"),
      topicGroup: $("[data-chat-topic-group]"),
      topicError: $("#tchat-sujet-erreur"),
      firstText: $("#tchat-premier"),
      conversation: $("[data-chat-conversation]"),
      heading: $("#tchat-conv-titre"),
      state: $("[data-chat-state]"),
      scroll: $("[data-chat-scroll]"),
      typing: $("[data-chat-typing]"),
      announce: $("[data-chat-announce]"),
      composer: $("[data-chat-composer]"),
      textarea: $("#tchat-message"),
      error: $("[data-chat-error]"),
      options: $(".tchat__options"),
      discreet: $("[data-chat-discreet]"),
      end: $("[data-chat-end]"),
      confirm: $("[data-chat-confirm]"),
      endYes: $("[data-chat-end-yes]"),
      endNo: $("[data-chat-end-no]"),
      closed: $("[data-chat-closed]"),
      closedHeading: $("#tchat-fin-titre"),
      outcome: $("[data-chat-outcome]"),
      linksBlock: $("[data-chat-links-block]"),
      links: $("[data-chat-links]"),
      downloadBlock: $("[data-chat-download-block]"),
      download: $("[data-chat-download]"),
      downloadError: $("[data-chat-download-error]"),
      survey: $("[data-chat-survey]"),
      restart: $("[data-chat-restart]"),
    };
    this.apiBase = config.apiBase;
    this.log = new MessageLog($("[data-chat-log]"));
    this.alerts = new Alerts();
    this.socket = new ChatSocket(config.wsUrl || defaultWsUrl(), {
      onOpen: () => this.onOpen(),
      onFrame: (frame) => this.onFrame(frame),
      onDown: () => this.onDown(),
    });
    this.state = null; // {conversationId, token, topic, lastSeq, closing} once joined
    this.outbox = []; // [{client_id, text}] sent but not acknowledged
    this.phase = "start"; // start | joining | waiting | active | closed
    this.joinRequest = null;
    this.seenSeq = 0; // seen before a reload: not announced again
    this.lastReadSent = 0;
    this.lastTypingSent = 0;
    this.typingTimer = null;
    this.resuming = false;
    this.pendingClosing = null;
    this.leaving = false;
  }

  init() {
    this.#wire();
    const discreet = store.loadDiscreet();
    this.ui.discreet.checked = discreet;
    this.alerts.setDiscreet(discreet);
    const saved = store.loadChat();
    if (!saved) {
      this.#showStart();
      const topic = new URLSearchParams(window.location.search).get("sujet");
      if (topic && TOPICS[topic]) {
        const radio = this.ui.start.querySelector(`input[name="topic"][value="${topic}"]`);
        if (radio) radio.checked = true;
      }
      return;
    }
    this.state = saved;
    this.outbox = saved.outbox;
    this.seenSeq = saved.lastSeq;
    if (saved.closing) {
      this.phase = "closed";
      this.#showClosed(saved.closing, false);
      return;
    }
    this.#showConversation();
    for (const message of this.outbox) this.log.addPending(message.client_id, message.text);
    this.#setState(STATES.connecting);
    this.phase = "joining";
    this.socket.start();
  }

  // -- socket events ----------------------------------------------------------------

  onOpen() {
    this.#clearError();
    if (this.state) {
      this.resuming = true;
      this.socket.send({
        type: "resume",
        conversation_id: this.state.conversationId,
        token: this.state.token,
        last_seq: this.log.lastContiguous,
        ref: "resume",
      });
    } else if (this.joinRequest) {
      this.socket.send({ type: "join", ...this.joinRequest, ref: "join" });
    }
  }

  onDown() {
    this.#hideTyping();
    if (this.phase !== "closed" && this.phase !== "start") this.#setState(STATES.reconnecting);
  }

  onFrame(frame) {
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
        return this.#receive(frame);
      case "queue":
        // Also after an officer left: the conversation is back in the queue.
        if (this.phase === "closed" || this.phase === "start") return;
        this.phase = "waiting";
        this.#setState(queueText(frame));
        return;
      case "assigned":
        this.phase = "active";
        this.#setState(STATES.assigned);
        this.alerts.notify();
        return;
      case "ack":
        return this.#onAck(frame);
      case "typing":
        if (frame.sender === "officer") this.#showTyping();
        return;
      case "read":
        if (frame.reader === "officer" && Number.isInteger(frame.seq)) this.log.markRead(frame.seq);
        return;
      case "closed":
        return this.#onClosed(frame);
      case "error":
        return this.#onError(frame);
      default:
        return; // pong, and frames this page does not use
    }
  }

  #onJoined(frame) {
    if (typeof frame.conversation_id !== "string" || typeof frame.token !== "string") return;
    this.state = {
      conversationId: frame.conversation_id,
      token: frame.token,
      topic: frame.topic ?? this.joinRequest?.topic ?? null,
      lastSeq: 0,
      closing: null,
    };
    this.joinRequest = null;
    this.phase = frame.status === "active" ? "active" : "waiting";
    this.#setState(this.phase === "active" ? STATES.assigned : STATES.waiting);
    this.#persist();
    this.#flushOutbox();
  }

  #onResumed(frame) {
    this.resuming = true;
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
      this.#setState(frame.status === "active" ? STATES.assigned : STATES.waiting);
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
    this.#sendRead();
  }

  #receive(message) {
    if (!message || typeof message !== "object") return;
    if (message.kind === "closed" && message.data && typeof message.data === "object") {
      this.closingData = message.data;
    }
    const shown = this.log.add(message);
    if (shown) {
      if (message.sender === "officer") this.#hideTyping();
      if (message.seq > this.seenSeq && message.sender !== "citizen") {
        this.#announce(`${SENDERS[message.sender] ?? SENDERS.system} : ${message.text ?? ""}`);
        if (message.sender === "officer") this.alerts.notify();
      }
      this.seenSeq = Math.max(this.seenSeq, message.seq);
      this.#scrollToEnd(message.sender === "citizen");
    }
    if (message.client_id) this.#dropFromOutbox(message.client_id);
    this.#persist();
    this.#sendRead();
  }

  #onAck(frame) {
    if (typeof frame.client_id !== "string" || !Number.isInteger(frame.seq)) return;
    this.log.acknowledge(frame.client_id, frame.seq);
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
    this.#hideTyping();
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
    switch (frame.code) {
      case "conversation_not_found":
        if (this.state) return this.#lost();
        break;
      case "too_many_connections":
        this.socket.stop();
        this.#setState(ERRORS.tooMany);
        return this.#showError(ERRORS.tooMany);
      case "unknown_connection":
      case "not_joined":
        return this.socket.restart();
      case "already_joined":
        return;
      case "conversation_closed":
        if (this.state && this.phase !== "closed") {
          this.resuming = true;
          this.socket.send({
            type: "resume",
            conversation_id: this.state.conversationId,
            token: this.state.token,
            last_seq: this.log.lastContiguous,
            ref: "resume",
          });
        }
        return;
      case "rate_limited": {
        const seconds = Number.isInteger(frame.retry_after) ? frame.retry_after : 10;
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.#flushOutbox(), seconds * 1000);
        return this.#showError(message);
      }
      default:
        break;
    }
    if (frame.ref === "join") {
      this.socket.stop();
      this.joinRequest = null;
      this.log.clear();
      return this.#showStart(message);
    }
    if (pending) {
      if (frame.code === "invalid_input") {
        this.log.fail(pending.client_id);
        this.#dropFromOutbox(pending.client_id);
        this.#persist();
      } else {
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.#flushOutbox(), 5000);
      }
    }
    this.#showError(message);
  }

  /** The saved conversation is gone (expired, or the token no longer matches). */
  #lost() {
    this.socket.stop();
    store.clearChat();
    this.state = null;
    this.outbox = [];
    this.log.clear();
    this.#showStart(ERRORS.notFound);
  }

  // -- citizen actions ----------------------------------------------------------------

  #wire() {
    const ui = this.ui;
    ui.start.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#join();
    });
    ui.start.addEventListener("change", () => this.#topicError(false));
    ui.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#sendComposer();
    });
    ui.textarea.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      event.preventDefault();
      this.#sendComposer();
    });
    ui.textarea.addEventListener("input", () => this.#typing());
    ui.discreet.addEventListener("change", () => {
      const on = ui.discreet.checked;
      this.alerts.setDiscreet(on);
      store.saveDiscreet(on);
      if (!on) this.alerts.unlockSound();
    });
    ui.end.addEventListener("click", () => {
      ui.confirm.hidden = false;
      ui.end.hidden = true;
      ui.endYes.focus();
    });
    ui.endNo.addEventListener("click", () => this.#closeConfirm());
    ui.endYes.addEventListener("click", () => this.#end());
    ui.download.addEventListener("click", () => this.#download());
    ui.restart.addEventListener("click", () => this.#restart());
    document.addEventListener("visibilitychange", () => this.#sendRead());
    // « Quitter rapidement » clears sessionStorage then leaves: nothing may write it back.
    const leave = () => {
      this.leaving = true;
      this.socket.stop();
    };
    document.addEventListener(
      "click",
      (event) => {
        if (event.target instanceof Element && event.target.closest("#quitter-rapidement")) leave();
      },
      true,
    );
    let lastEscape = 0;
    document.addEventListener(
      "keydown",
      (event) => {
        if (event.key !== "Escape") return;
        if (Date.now() - lastEscape <= ESCAPE_TWICE_MS) leave();
        lastEscape = Date.now();
      },
      true,
    );
    window.addEventListener("pagehide", leave); // not beforeunload: tel: links fire it
    window.addEventListener("pageshow", (event) => {
      if (!event.persisted) return;
      this.leaving = false;
      if (this.state && OPEN.has(this.phase)) this.socket.start();
    });
  }

  #join() {
    const choice = this.ui.start.querySelector('input[name="topic"]:checked');
    const topic = choice ? choice.value : "";
    if (!TOPICS[topic]) {
      this.#topicError(true);
      this.ui.start.querySelector('input[name="topic"]').focus();
      return;
    }
    this.#topicError(false);
    this.alerts.unlockSound();
    if (topic === "violences" && !store.loadDiscreet() && !this.ui.discreet.checked) {
      // Someone who may be watched: discreet by default, visibly, and they can turn it off.
      this.ui.discreet.checked = true;
      this.alerts.setDiscreet(true);
    }
    const text = this.ui.firstText.value.trim();
    this.joinRequest = { topic };
    this.log.clear();
    if (text) {
      this.joinRequest.text = text;
      this.joinRequest.client_id = newClientId();
      this.log.addPending(this.joinRequest.client_id, text);
    }
    this.phase = "joining";
    this.seenSeq = 0;
    this.lastReadSent = 0;
    this.#showConversation();
    this.#setState(STATES.connecting);
    this.ui.heading.focus();
    this.ui.conversation.scrollIntoView({ block: "start" });
    this.socket.start();
  }

  #sendComposer() {
    const text = this.ui.textarea.value.trim();
    if (!text) {
      this.#showError(ERRORS.empty);
      return;
    }
    if (this.phase === "closed" || this.phase === "start") return;
    this.#clearError();
    this.alerts.unlockSound();
    const message = { client_id: newClientId(), text };
    this.outbox.push(message);
    this.log.addPending(message.client_id, text);
    this.#persist();
    this.ui.textarea.value = "";
    this.#scrollToEnd(true);
    if (this.state && !this.resuming) this.#sendOne(message);
  }

  #sendOne(message) {
    return this.socket.send({ type: "send", client_id: message.client_id, text: message.text, ref: message.client_id });
  }

  /** Sends what the server has not acknowledged yet, with the same client ids. */
  #flushOutbox() {
    if (!this.state || this.phase === "closed") return;
    this.outbox = this.outbox.filter((message) => !this.log.has(message.client_id));
    for (const message of this.outbox) this.#sendOne(message);
  }

  #dropFromOutbox(clientId) {
    this.outbox = this.outbox.filter((message) => message.client_id !== clientId);
  }

  #typing() {
    if (this.phase !== "active" || !this.ui.textarea.value.trim()) return;
    const now = Date.now();
    if (now - this.lastTypingSent < TYPING_SEND_MS) return;
    if (this.socket.send({ type: "typing" })) this.lastTypingSent = now;
  }

  #sendRead() {
    if (document.visibilityState !== "visible" || !OPEN.has(this.phase) || this.resuming) return;
    const seq = this.log.highest;
    if (seq > this.lastReadSent && this.socket.send({ type: "read", seq })) this.lastReadSent = seq;
  }

  #end() {
    if (!this.state) {
      // Still connecting: nothing was created on the server yet.
      this.socket.stop();
      this.joinRequest = null;
      this.#closeConfirm();
      this.#showStart();
      return;
    }
    if (!this.socket.send({ type: "end", ref: "end" })) {
      this.#showError(ERRORS.offline);
      return;
    }
    this.#closeConfirm();
    this.#setState("Fin de la conversation…");
  }

  #closeConfirm() {
    this.ui.confirm.hidden = true;
    this.ui.end.hidden = false;
    this.ui.end.focus();
  }

  async #download() {
    if (!this.state) return;
    const ui = this.ui;
    ui.download.disabled = true;
    ui.downloadError.hidden = true;
    try {
      await downloadTranscript(this.apiBase, this.state.conversationId, this.state.token);
    } catch {
      ui.downloadError.textContent = ERRORS.download;
      ui.downloadError.hidden = false;
    } finally {
      ui.download.disabled = false;
    }
  }

  #restart() {
    store.clearChat();
    this.state = null;
    this.outbox = [];
    this.closingData = null;
    this.log.clear();
    this.ui.start.reset();
    this.#showStart();
    this.ui.start.querySelector("h2").scrollIntoView({ block: "start" });
    this.ui.start.querySelector('input[name="topic"]').focus();
  }

  // -- display --------------------------------------------------------------------------

  #showStart(error) {
    this.phase = "start";
    const ui = this.ui;
    ui.conversation.hidden = true;
    ui.closed.hidden = true;
    ui.start.hidden = false;
    ui.startError.hidden = !error;
    ui.startError.textContent = error ?? "";
  }

  #showConversation() {
    const ui = this.ui;
    ui.start.hidden = true;
    ui.closed.hidden = true;
    ui.conversation.hidden = false;
    ui.composer.hidden = false;
    ui.options.hidden = false;
    ui.confirm.hidden = true;
    ui.end.hidden = false;
    this.#clearError();
  }

  #showClosed(closing, focus) {
    const ui = this.ui;
    ui.start.hidden = true;
    ui.composer.hidden = true;
    ui.options.hidden = true;
    ui.conversation.hidden = !focus; // after a reload, only the outcome is shown
    ui.state.textContent = "";
    ui.outcome.replaceChildren(closingSentence(closing));
    if (closing.outcome_label && !["annule", "fin_citoyen", "abandon"].includes(closing.outcome)) {
      const label = document.createElement("strong");
      label.textContent = closing.outcome_label;
      ui.outcome.append(" Son orientation : ", label, ".");
    }
    ui.links.replaceChildren();
    for (const link of closing.links) {
      if (!link || typeof link.label !== "string") continue;
      const item = document.createElement("li");
      const href = safeUrl(link.url);
      if (href) {
        const anchor = document.createElement("a");
        anchor.href = href;
        anchor.textContent = link.label;
        if (!href.startsWith("/")) {
          anchor.rel = "noopener noreferrer";
          anchor.className = "lien-externe";
        }
        item.append(anchor);
      } else {
        item.textContent = link.label;
      }
      ui.links.append(item);
    }
    ui.linksBlock.hidden = ui.links.children.length === 0;
    ui.downloadBlock.hidden = closing.outcome === "annule" || !this.state;
    ui.survey.hidden = !(closing.survey && store.pendingSurvey());
    ui.closed.hidden = false;
    if (focus) {
      ui.closedHeading.focus();
      ui.closed.scrollIntoView({ block: "start" });
    }
  }

  #setState(text) {
    if (this.ui.state.textContent !== text) this.ui.state.textContent = text;
  }

  #announce(text) {
    const line = document.createElement("p");
    line.textContent = text;
    this.ui.announce.replaceChildren(line);
  }

  #showError(text) {
    this.ui.error.textContent = text;
    this.ui.error.hidden = false;
  }

  #clearError() {
    this.ui.error.hidden = true;
    this.ui.error.textContent = "";
  }

  #topicError(on) {
    this.ui.topicGroup.classList.toggle("champ--erreur", on);
    this.ui.topicError.hidden = !on;
    const fieldset = this.ui.topicGroup.querySelector("fieldset");
    fieldset.setAttribute("aria-describedby", on ? "tchat-sujet-aide tchat-sujet-erreur" : "tchat-sujet-aide");
  }

  #showTyping() {
    this.ui.typing.hidden = false;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.#hideTyping(), TYPING_SHOW_MS);
    this.#scrollToEnd(false);
  }

  #hideTyping() {
    clearTimeout(this.typingTimer);
    this.ui.typing.hidden = true;
  }

  #scrollToEnd(force) {
    const box = this.ui.scroll;
    if (force || box.scrollHeight - box.scrollTop - box.clientHeight < 120) {
      box.scrollTop = box.scrollHeight;
    }
  }

  #persist() {
    if (!this.state || this.leaving) return;
    store.saveChat({
      ...this.state,
      lastSeq: Math.max(this.seenSeq, this.log.lastContiguous),
      outbox: this.outbox,
    });
  }
}

const root = document.getElementById("chat-widget");
if (root && root.querySelector("[data-chat-start]")) {
  loadConfig().then((config) => new ChatWidget(root, config).init());
}
