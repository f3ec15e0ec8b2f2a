/**
 * The live workspace: presence and capacity, the live queue, « Prendre la suivante » and
 * « Prendre en priorité », and the conversations assigned to this officer as tabs. Frames come
 * from OfficerSocket; after every (re)connect the `officer_state` answering `hello` is the
 * truth the tabs are rebuilt from. What the officer must not miss is attention.js; what a
 * reload must not lose, drafts.js; leaving with conversations open asks first (leaving.js).
 */

import { PRESENCE, TOPICS } from "/shared/js/vocabulary.js";
import { api } from "./api.js";
import { Attention } from "./attention.js";
import { $, $all, el, replaceChildren, setText } from "./dom.js";
import { forgetWork, savedSelection, saveSelection } from "./drafts.js";
import { duration, formatNumber } from "./format.js";
import { FRAME_ERRORS, label } from "./labels.js";
import { Conversation } from "./conversation.js";
import { ConversationView } from "./conversation-view.js";
import { askToLeave } from "./leaving.js";
import { notice, titleCount } from "./notify.js";

const TYPING_EVERY_MS = 3000;
const COLLEAGUES_TTL_MS = 5000;
const QUEUE_SHOWN = 8; // waiting conversations listed in the sidebar (the rest are counted)

function frameError(error) {
  return (error && (error.message || FRAME_ERRORS[error.code])) || "L'action a échoué. Réessayez.";
}

export class Workspace {
  constructor(socket) {
    this.socket = socket;
    this.items = new Map(); // conversation id -> {model, view}
    this.selected = null;
    this.officerId = null;
    this.status = "offline";
    this.capacity = 4;
    this.activeCount = 0;
    this.takeInFlight = false;
    this.closing = new Set();
    this.transferring = new Set();
    this.lastTyping = new Map();
    this.queue = { waiting: 0, urgent: 0, oldest_wait_seconds: 0, items: [], at: Date.now() };
    this.colleagues = { at: 0, items: [] };
    this.restoring = savedSelection();
    this.attention = new Attention({
      open: (id) => this.select(id, true),
      takePriority: () => this.takeNext(true),
    });

    this.tabs = $("#tabs");
    this.panels = $("#panels");
    this.empty = $("#no-conversation");
    this.takeButton = $("#take-next");
    this.takeError = $("#take-next-error");
    this.capacitySelect = $("#capacity");
    this.connection = $("#connection-state");

    this.takeButton.addEventListener("click", () => this.takeNext());
    const choose = (event) => event.target.checked && this.choosePresence(event.target.value);
    $("#presence").append(
      ...Object.entries(PRESENCE).map(([value, text]) =>
        el(
          "div",
          { className: "choice" },
          el("input", { type: "radio", name: "presence", id: `presence-${value}`, value, onchange: choose }),
          el("label", { for: `presence-${value}` }, text),
        ),
      ),
    );
    this.capacitySelect.addEventListener("change", () => this.setPresence(this.status, Number(this.capacitySelect.value)));
    this.tabs.addEventListener("keydown", (event) => this.tabKeys(event));
    document.addEventListener("visibilitychange", () => this.selected && this.markRead(this.selected));
    this.clockTimer = setInterval(() => this.renderQueue(), 1000);
    this.waitTimer = setInterval(() => this.refreshWaits(), 5000);

    socket.addEventListener("frame", (event) => this.onFrame(event.detail));
    socket.addEventListener("status", (event) => this.onStatus(event.detail.state));
  }

  // -- connection -----------------------------------------------------------------------

  onStatus(state) {
    const text = {
      connecting: "Connexion au service…",
      connected: "Connecté.",
      reconnecting: "Connexion perdue : reconnexion en cours… Vos messages partiront dès le retour de la connexion.",
    }[state];
    setText(this.connection, text || "");
    this.connection.dataset.state = state;
  }

  onFrame(frame) {
    const handler = {
      officer_state: () => this.applyState(frame),
      conversation_assigned: () => this.assigned(frame.conversation),
      message: () => this.message(frame),
      history: () => (frame.messages || []).forEach((message) => this.message(message)),
      ack: () => this.ack(frame),
      typing: () => frame.sender === "citizen" && this.view(frame.conversation_id)?.setTyping(true),
      read: () => this.readReceipt(frame),
      conversation_closed: () => this.closed(frame),
      conversation_removed: () => this.removed(frame),
      citizen_status: () => this.citizenStatus(frame),
      queue_state: () => this.setQueue(frame),
      // Supervisors only: a burst of urgent requests from one source (possible queue abuse).
      alert: () => typeof frame.message === "string" && notice(frame.message, "error"),
      error: () => !frame.ref && notice(frameError(frame), "error"),
    }[frame.type];
    if (handler) handler();
  }

  /** After hello (and presence): presence, load, queue, and the conversations held. */
  applyState(state) {
    this.officerId = state.officer_id;
    this.status = state.status;
    this.capacity = Number(state.capacity);
    this.activeCount = Number(state.active_count);
    const held = new Set();
    for (const data of state.conversations || []) {
      held.add(data.conversation_id);
      const item = this.items.get(data.conversation_id);
      if (item) {
        for (const message of item.model.update(data)) item.view.addMessage(message);
        item.view.setCitizenConnected(item.model.citizenConnected);
        item.view.refreshReceipts();
        if (item.model.closed) continue;
      } else {
        this.open(data, { announce: false });
      }
    }
    for (const [id, item] of this.items) {
      if (!held.has(id) && !item.model.closed && !this.closing.has(id) && !this.transferring.has(id)) {
        item.model.closed = { outcome: null, byMe: false };
        item.view.showEnded("Cette conversation ne vous est plus attribuée (close ou reprise pendant la coupure).");
      }
    }
    // Messages written while the pipe was down go out again, with the same client_id.
    for (const id of held) this.resendPending(id);
    if (state.queue) this.setQueue(state.queue);
    this.renderPresence();
    // After a reload, the conversation that was selected is selected again.
    if (this.restoring && this.items.has(this.restoring) && this.selected !== this.restoring) {
      this.select(this.restoring, false);
    }
    this.restoring = null;
    if (!this.selected && this.items.size) this.select(this.items.keys().next().value, false);
    this.renderEmpty();
  }

  renderPresence() {
    for (const radio of $all("input[name='presence']")) radio.checked = radio.value === this.status;
    this.capacitySelect.value = String(this.capacity);
    const count = this.activeCount;
    const held = count === 0 ? "Aucune conversation en cours" : `${count} conversation${count > 1 ? "s" : ""} en cours`;
    const room =
      count > this.capacity
        ? ` : au-delà de votre maximum (${this.capacity}), vous n'en recevez pas d'autre pour le moment`
        : ` (maximum : ${this.capacity})`;
    setText($("#load"), `${held}${room} · ${label(PRESENCE, this.status)}`);
    document.body.dataset.presence = this.status;
    this.attention.setActive(this.status !== "offline");
  }

  /** The presence radios: going offline with conversations open asks what to do first. */
  async choosePresence(status) {
    if (status === "offline" && (await this.handOverBeforeLeaving("offline")) === "stay") {
      this.renderPresence();
      return;
    }
    await this.setPresence(status);
  }

  /** Conversations still open: give them back to the queue, or stay. Resolves the choice. */
  async handOverBeforeLeaving(reason) {
    const open = this.openIds();
    if (!open.length) return "none";
    const choice = await askToLeave(open.length, reason);
    if (choice !== "requeue") return "stay";
    for (const id of open) await this.transfer(id, null, null);
    return "requeue";
  }

  openIds() {
    return Array.from(this.items.entries())
      .filter(([, item]) => !item.model.closed)
      .map(([id]) => id);
  }

  async setPresence(status, capacity = undefined) {
    const frame = { type: "presence", status };
    if (capacity) frame.capacity = capacity;
    setText($("#presence-error"), "");
    try {
      await this.socket.request(frame);
    } catch (error) {
      setText($("#presence-error"), frameError(error));
      this.renderPresence();
    }
  }

  // -- queue ----------------------------------------------------------------------------

  setQueue(queue) {
    // A queue_state older than the one shown (pushes and answers can cross) is dropped.
    if (queue.version !== undefined && this.queue.version !== undefined && Number(queue.version) < Number(this.queue.version)) return;
    this.queue = { ...queue, items: queue.items || [], at: Date.now() };
    this.attention.setQueue(this.queue);
    this.renderQueue(true);
  }

  /** The counts tick every second; the list is rebuilt when a new queue_state comes. */
  renderQueue(rebuild = false) {
    const waiting = Number(this.queue.waiting || 0);
    const elapsed = (Date.now() - this.queue.at) / 1000;
    setText($("#queue-waiting"), formatNumber(waiting));
    setText($("#queue-urgent"), formatNumber(this.queue.urgent || 0));
    setText($("#queue-oldest"), waiting ? duration(Number(this.queue.oldest_wait_seconds || 0) + elapsed) : "—");
    $("#queue-urgent").classList.toggle("alert", Number(this.queue.urgent || 0) > 0);
    const list = $("#queue-list");
    if (rebuild) {
      const items = this.queue.items.slice(0, QUEUE_SHOWN);
      replaceChildren(
        list,
        items.map((item) =>
          el(
            "li",
            { className: item.urgent ? "urgent" : "", dataset: { conversationId: item.conversation_id, since: String(Number(item.waiting_seconds || 0)) } },
            el(
              "p",
              { className: "queue-item-head" },
              item.urgent ? el("span", { className: "tag urgent" }, "Urgent") : null,
              el("span", { className: "queue-topic" }, label(TOPICS, item.topic)),
              el("span", { className: "queue-wait" }),
            ),
            item.preview ? el("p", { className: "queue-preview" }, `« ${item.preview} »`) : null,
          ),
        ),
      );
      const more = waiting - items.length;
      setText($("#queue-more"), more > 0 ? `et ${formatNumber(more)} autre${more > 1 ? "s" : ""} en attente` : "");
      $("#queue-empty").hidden = waiting > 0;
    }
    for (const item of list.children) {
      setText(item.querySelector(".queue-wait"), `attend depuis ${duration(Number(item.dataset.since) + elapsed)}`);
    }
  }

  /** « Prendre la suivante »; with `priority`, the urgent head of the queue, even at capacity. */
  async takeNext(priority = false) {
    const errorBox = priority ? $("#take-priority-error") : this.takeError;
    setText(errorBox, "");
    this.takeInFlight = true;
    this.expectedTake = null;
    try {
      const frame = { type: "take_next" };
      if (priority) frame.priority = true;
      const taken = await this.socket.request(frame);
      // Usually selected already, when its conversation_assigned came first (see assigned()).
      if (this.selected !== taken.conversation_id) this.select(taken.conversation_id, true);
      this.socket.send({ type: "ping" }); // fresh queue figures
    } catch (error) {
      setText(errorBox, frameError(error));
    } finally {
      this.takeInFlight = false;
    }
  }

  // -- conversations --------------------------------------------------------------------

  view(id) {
    const item = this.items.get(id);
    return item ? item.view : null;
  }

  open(data, { announce }) {
    const model = new Conversation(data);
    const id = model.id;
    const view = new ConversationView(model, {
      select: () => this.select(id, false),
      send: (text) => this.send(id, text),
      retry: (clientId) => this.sendPending(id, clientId),
      typing: () => this.typing(id),
      close: (outcome, links) => this.close(id, outcome, links),
      transfer: (to, note) => this.transfer(id, to, note),
      loadColleagues: (target) => this.loadColleagues(target),
      dismiss: () => this.drop(id, true),
      fileReport: (report) => api(`/officer/conversations/${encodeURIComponent(id)}/report`, { method: "POST", body: report }),
    });
    this.items.set(id, { model, view });
    this.tabs.appendChild(view.tab);
    this.panels.appendChild(view.panel);
    if (announce) {
      this.attention.raise(id, { topic: model.topic, urgent: model.urgent });
      view.setUnread(model.unread, true);
    }
    this.renderEmpty();
    return { model, view };
  }

  assigned(data) {
    if (!data) return;
    const existing = this.items.get(data.conversation_id);
    if (existing && !existing.model.closed) {
      for (const message of existing.model.update(data)) existing.view.addMessage(message);
      existing.view.renderNotes();
      return;
    }
    if (existing) this.drop(data.conversation_id, false);
    // The answer to « Prendre la suivante » follows its conversation_assigned: the
    // conversation this officer asked for is opened, with the cursor in its reply box, as
    // soon as it arrives — not one frame later, when typing may already have started.
    const asked = this.takeInFlight && !this.expectedTake;
    if (asked) this.expectedTake = data.conversation_id;
    this.open(data, { announce: !asked });
    this.activeCount += 1;
    this.renderPresence();
    if (asked) this.select(data.conversation_id, true);
    else if (!this.selected) this.select(data.conversation_id, false, true);
    this.updateTitle();
  }

  /**
   * Show a conversation. `auto`: the console shows it by itself (the first one pushed while
   * none was shown): it stays « Nouvelle » and unread until the officer opens it.
   */
  select(id, focus, auto = false) {
    if (!this.items.has(id)) return;
    this.selected = id;
    saveSelection(id);
    for (const [key, item] of this.items) item.view.setSelected(key === id);
    const { view } = this.items.get(id);
    if (!auto) this.attention.settle(id);
    this.markRead(id);
    if (focus) view.focusReply();
  }

  markRead(id) {
    const item = this.items.get(id);
    if (!item || id !== this.selected || document.visibilityState !== "visible") return;
    if (this.attention.isFresh(id)) return; // not opened yet: not read either
    item.model.unread = 0;
    item.view.setUnread(0);
    this.updateTitle();
    const seq = item.model.lastSeq;
    if (seq > item.model.readSent && !item.model.closed) {
      if (this.socket.send({ type: "read", conversation_id: id, seq })) item.model.readSent = seq;
    }
  }

  /** The title counts what waits: conversations not opened yet and unread messages. */
  updateTitle() {
    let unread = 0;
    for (const { model } of this.items.values()) unread += model.unread;
    titleCount(unread + this.attention.count);
  }

  /** Every 5 s: how long each citizen has waited for an answer (tab lines). */
  refreshWaits() {
    for (const { view } of this.items.values()) view.refreshWaiting();
  }

  /** Keyboard: the next (+1) or previous (-1) conversation, announced for screen readers. */
  cycle(step) {
    const ids = Array.from(this.items.keys());
    if (!ids.length) return;
    const index = ids.indexOf(this.selected);
    this.goTo(ids[(index + step + ids.length) % ids.length], ids);
  }

  /** Keyboard: the conversation at `position` (1 = first tab). */
  goToPosition(position) {
    const ids = Array.from(this.items.keys());
    if (ids[position - 1]) this.goTo(ids[position - 1], ids);
  }

  goTo(id, ids) {
    this.select(id, true);
    const { model } = this.items.get(id);
    const waiting = model.awaitingSince();
    notice(
      `Conversation ${ids.indexOf(id) + 1} sur ${ids.length} : ${label(TOPICS, model.topic)}${model.urgent ? ", urgente" : ""}${waiting ? `, attend votre réponse depuis ${duration(Date.now() / 1000 - waiting)}` : ""}.`,
    );
  }

  focusReply() {
    const view = this.selected && this.view(this.selected);
    if (view) view.focusReply();
    else this.takeButton.focus();
  }

  openCanned() {
    const view = this.selected && this.view(this.selected);
    if (view && !view.composer.hidden) view.openCanned();
  }

  message(frame) {
    const item = this.items.get(frame.conversation_id);
    if (!item) return;
    if (!item.model.add(frame)) return;
    item.view.addMessage(frame);
    if (frame.sender === "citizen") {
      if (this.selected === frame.conversation_id && document.visibilityState === "visible" && !this.attention.isFresh(frame.conversation_id)) {
        this.markRead(frame.conversation_id);
      } else {
        item.model.unread += 1;
        item.view.setUnread(item.model.unread, this.attention.isFresh(frame.conversation_id));
        this.updateTitle();
      }
    }
  }

  send(id, text) {
    const item = this.items.get(id);
    if (!item || item.model.closed) return;
    const clientId = item.model.queue(text);
    item.view.addPending(clientId, text);
    item.view.refreshWaiting();
    this.sendPending(id, clientId);
  }

  sendPending(id, clientId) {
    const item = this.items.get(id);
    const pending = item && item.model.pending.get(clientId);
    if (!pending) return;
    pending.failed = null;
    this.socket
      .request({ type: "send", conversation_id: id, client_id: clientId, text: pending.text })
      .then((ack) => this.ack(ack))
      .catch((error) => {
        if (error.code === "disconnected" || error.code === "stopped") return; // resent after hello
        pending.failed = error.code;
        item.view.failPending(clientId, frameError(error));
      });
  }

  resendPending(id) {
    const item = this.items.get(id);
    if (!item) return;
    for (const [clientId, pending] of item.model.pending) {
      if (!pending.failed) this.sendPending(id, clientId);
    }
  }

  /** The server stored our message: it has a seq now (the `message` push may come first). */
  ack(frame) {
    const item = this.items.get(frame.conversation_id);
    if (!item) return;
    const pending = item.model.pending.get(frame.client_id);
    if (!pending) return;
    const message = {
      conversation_id: frame.conversation_id,
      seq: frame.seq,
      kind: "message",
      sender: "officer",
      text: pending.text,
      sent_at: Date.now() / 1000,
      client_id: frame.client_id,
    };
    if (item.model.add(message)) item.view.addMessage(message);
    else item.model.pending.delete(frame.client_id);
    const node = item.view.log.querySelector(`li[data-client-id="${CSS.escape(frame.client_id)}"]`);
    if (node) node.remove();
  }

  typing(id) {
    const now = Date.now();
    if (now - (this.lastTyping.get(id) || 0) < TYPING_EVERY_MS) return;
    this.lastTyping.set(id, now);
    this.socket.send({ type: "typing", conversation_id: id });
  }

  readReceipt(frame) {
    const item = this.items.get(frame.conversation_id);
    if (!item || frame.reader !== "citizen") return;
    item.model.readCitizen = Math.max(item.model.readCitizen || 0, Number(frame.seq));
    item.view.refreshReceipts();
  }

  citizenStatus(frame) {
    const item = this.items.get(frame.conversation_id);
    if (!item) return;
    item.model.citizenConnected = Boolean(frame.connected);
    item.view.setCitizenConnected(item.model.citizenConnected);
  }

  async close(id, outcome, links) {
    const item = this.items.get(id);
    if (!item) return;
    this.closing.add(id);
    try {
      await this.socket.request({ type: "close", conversation_id: id, outcome, links });
      this.finish(id, "Conversation close.");
    } catch (error) {
      this.closing.delete(id);
      item.view.showCloseError(frameError(error));
    }
  }

  async transfer(id, to, note) {
    const item = this.items.get(id);
    if (!item) return;
    this.transferring.add(id);
    try {
      const frame = { type: "transfer", conversation_id: id, to_officer_id: to };
      if (note) frame.note = note;
      const answer = await this.socket.request(frame);
      let text = to ? "Conversation transférée à votre collègue." : "Conversation remise dans la file d'attente : un ou une collègue la prendra.";
      if (!to && answer.alone) {
        text = "Conversation remise dans la file d'attente. Aucun autre policier n'est en ligne : elle pourra vous revenir.";
      }
      this.finish(id, text);
    } catch (error) {
      this.transferring.delete(id);
      item.view.showTransferError(frameError(error));
    }
  }

  /** This officer ended or handed over the conversation: the tab goes, focus moves on. */
  finish(id, text) {
    if (!this.items.has(id)) return;
    this.drop(id, true);
    notice(text);
  }

  /**
   * A conversation this officer held is no longer theirs: one fewer in the load. Its item, or
   * null when unknown or when this officer is handing it over (`handing`: finish() follows).
   */
  release(frame, handing) {
    const item = this.items.get(frame.conversation_id);
    if (!item) return null;
    this.activeCount = Math.max(0, this.activeCount - 1);
    this.renderPresence();
    return handing.has(frame.conversation_id) ? null : item;
  }

  closed(frame) {
    const item = this.release(frame, this.closing);
    if (!item) return;
    item.model.closed = { outcome: frame.outcome, byMe: false };
    this.attention.settle(frame.conversation_id);
    item.view.showEnded(item.view.endedText(frame.outcome));
    notice(`Conversation terminée : ${label(TOPICS, item.model.topic)}.`);
  }

  removed(frame) {
    const item = this.release(frame, this.transferring);
    if (!item) return;
    item.model.closed = { outcome: null, byMe: false };
    this.attention.settle(frame.conversation_id);
    item.view.showEnded("Cette conversation vous a été retirée (absence trop longue) : elle est repartie dans la file d'attente.");
  }

  /** Remove a tab; with `moveFocus`, focus goes to the next conversation or to « Prendre la suivante ». */
  drop(id, moveFocus) {
    const item = this.items.get(id);
    if (!item) return;
    const ids = Array.from(this.items.keys());
    const index = ids.indexOf(id);
    item.view.remove();
    this.items.delete(id);
    this.attention.settle(id);
    forgetWork(id);
    this.closing.delete(id);
    this.transferring.delete(id);
    if (this.selected === id) {
      this.selected = null;
      const next = ids[index + 1] || ids[index - 1];
      if (next && this.items.has(next)) this.select(next, moveFocus);
      else if (moveFocus) this.takeButton.focus();
    }
    this.renderEmpty();
    this.updateTitle();
  }

  renderEmpty() {
    this.empty.hidden = this.items.size > 0;
    this.tabs.hidden = this.items.size === 0;
  }

  tabKeys(event) {
    const tabs = $all("[role='tab']", this.tabs);
    const index = tabs.indexOf(document.activeElement);
    if (index < 0) return;
    let next = null;
    if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
    else if (event.key === "ArrowLeft") next = tabs[(index - 1 + tabs.length) % tabs.length];
    else if (event.key === "Home") next = tabs[0];
    else if (event.key === "End") next = tabs[tabs.length - 1];
    if (!next) return;
    event.preventDefault();
    this.select(next.dataset.conversationId, false);
    next.focus();
  }

  async loadColleagues(target) {
    if (Date.now() - this.colleagues.at > COLLEAGUES_TTL_MS) {
      try {
        const body = await api("/officer/officers");
        this.colleagues = { at: Date.now(), items: (body.items || []).filter((o) => o.officer_id !== this.officerId) };
      } catch (error) {
        target.showTransferError(error.message);
        return;
      }
    }
    target.setColleagues(this.colleagues.items);
  }

  /**
   * Sign-out: conversations still open are given back (or the officer stays: resolves false);
   * then offline, so no conversation is assigned to an empty chair.
   */
  async leave() {
    if ((await this.handOverBeforeLeaving("sign-out")) === "stay") return false;
    if (this.socket.connected && this.status !== "offline") {
      await Promise.race([
        this.socket.request({ type: "presence", status: "offline" }).catch(() => {}),
        new Promise((resolve) => setTimeout(resolve, 2000)),
      ]);
    }
    clearInterval(this.clockTimer);
    clearInterval(this.waitTimer);
    for (const id of Array.from(this.items.keys())) this.drop(id, false);
    return true;
  }
}
