/**
 * The list of messages on screen. The conversation (conversation.js) decides which messages
 * are new; this places each one at its `seq`, shows the citizen's own messages at once, marked
 * « envoi… », until the server stores them, and « Lu » under the last one the officer read.
 * Every text goes through textContent: nothing received is ever parsed as HTML; addresses and
 * help-line numbers become links built with the DOM (/shared/js/linkify.js).
 */
import { linkify } from "/shared/js/linkify.js";
import { FAILED, PENDING, READ, SENDERS } from "./words.js";

const TIME = new Intl.DateTimeFormat("fr-FR", { hour: "2-digit", minute: "2-digit" });

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export class MessageLog {
  constructor(list) {
    this.list = list;
    this.clear();
  }

  clear() {
    this.list.replaceChildren();
    this.shown = new Map(); // seq -> <li>
    this.pending = new Map(); // client_id -> <li>
    this.readMark = null;
  }

  /** Shows a stored message at its seq; the citizen's pending copy becomes it. */
  show(message) {
    const seq = Number(message.seq);
    let item = null;
    if (message.sender === "citizen" && typeof message.client_id === "string") {
      item = this.pending.get(message.client_id) ?? null;
      this.pending.delete(message.client_id);
    }
    if (item) {
      item.querySelector(".message__etat")?.remove();
      item.classList.remove("message--attente", "message--echec");
    } else {
      item = this.#render(message);
    }
    item.dataset.seq = String(seq);
    this.shown.set(seq, item);
    this.#place(item, seq);
  }

  /** A message of the citizen shown before the server has it. */
  addPending(clientId, text) {
    if (this.pending.has(clientId)) return;
    const item = this.#render({ sender: "citizen", kind: "message", text, sent_at: Date.now() / 1000 });
    item.classList.add("message--attente");
    item.append(element("p", "message__etat", PENDING));
    this.pending.set(clientId, item);
    this.list.append(item);
  }

  /** The server stored the pending `clientId` as `seq`: it stays where it is, as stored. */
  confirm(clientId, seq) {
    if (this.pending.has(clientId)) this.show({ seq, sender: "citizen", kind: "message", client_id: clientId });
  }

  /** The server had `clientId` already (a retry): its stored copy is shown, this one goes. */
  dropPending(clientId) {
    this.pending.get(clientId)?.remove();
    this.pending.delete(clientId);
  }

  fail(clientId) {
    const item = this.pending.get(clientId);
    if (!item) return;
    this.pending.delete(clientId);
    item.classList.replace("message--attente", "message--echec");
    const state = item.querySelector(".message__etat");
    if (state) state.textContent = FAILED;
  }

  /** « Lu » under the citizen's last message the officer has read (up to `seq`). */
  markRead(seq) {
    let target = null;
    for (const [number, item] of this.shown) {
      if (number <= seq && item.classList.contains("message--citoyen")) {
        if (!target || number > Number(target.dataset.seq)) target = item;
      }
    }
    if (!target) return;
    if (!this.readMark) this.readMark = element("p", "message__lu", READ);
    target.append(this.readMark);
  }

  #render(message) {
    const sender = SENDERS[message.sender] ? message.sender : "system";
    const classes = ["message", `message--${{ citizen: "citoyen", officer: "policier" }[sender] ?? "systeme"}`];
    if (message.kind === "system" || message.kind === "closed") classes.push("message--systeme");
    if (message.data && message.data.emergency === true) classes.push("message--urgence");
    const item = element("li", classes.join(" "));
    const meta = element("p", "message__meta");
    meta.append(element("span", "message__auteur", SENDERS[sender]));
    const at = Number(message.sent_at);
    if (Number.isFinite(at) && at > 0) {
      const time = element("time", "message__heure", TIME.format(new Date(at * 1000)));
      time.dateTime = new Date(at * 1000).toISOString();
      meta.append(" ", time);
    }
    const text = element("p", "message__texte");
    text.append(linkify(String(message.text ?? "")));
    item.append(meta, text);
    return item;
  }

  /** Before the first shown message with a greater seq, else before the pending ones. */
  #place(item, seq) {
    let before = null;
    for (const child of this.list.children) {
      if (child === item) continue;
      const other = child.dataset.seq ? Number(child.dataset.seq) : Infinity;
      if (other > seq) {
        before = child;
        break;
      }
    }
    if (item.nextElementSibling !== before || item.parentNode !== this.list) {
      this.list.insertBefore(item, before);
    }
  }
}
