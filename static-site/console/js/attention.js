/**
 * Nothing missed: a conversation pushed to the officer stays signalled until it is opened —
 * listed under « Nouvelles conversations à ouvrir », counted in the tab title, a desktop
 * notification that stays, and a tone repeated until then (urgent: a distinct tone, more
 * often). Urgent conversations waiting in the queue are offered to every officer present,
 * at capacity too, with « Prendre en priorité ». The sound and the desktop notifications
 * each have a visible button when the browser needs a gesture or a permission.
 */

import { TOPICS } from "/shared/js/vocabulary.js";
import { $, el, replaceChildren, setText } from "./dom.js";
import { duration } from "./format.js";
import { label } from "./labels.js";
import {
  askNotifications,
  chime,
  desktopNotification,
  notice,
  notificationState,
  soundReady,
  unlockSound,
} from "./notify.js";

const REPEAT_NEW_MS = 20000; // a conversation not opened rings again after this
const REPEAT_URGENT_MS = 10000; // an urgent one, sooner
const REPEAT_OFFER_MS = 30000; // an urgent conversation still waiting in the queue

export class Attention {
  /** @param {{open: (id: string) => void, takePriority: () => void}} actions */
  constructor(actions) {
    this.actions = actions;
    this.fresh = new Map(); // conversation id -> {topic, urgent, at, notification}
    this.offers = []; // urgent waiting conversations: [{conversation_id, topic, waiting_seconds}]
    this.offersAt = Date.now();
    this.offered = new Set(); // urgent ids already rung for
    this.active = true; // false while offline: nothing rings
    this.lastRing = 0;
    this.lastOfferRing = 0;

    this.list = $("#to-open-list");
    this.box = $("#to-open");
    this.offerBox = $("#urgent-offers");
    this.offerText = $("#urgent-offers-text");
    $("#take-priority").addEventListener("click", () => actions.takePriority());
    $("#sound-enable").addEventListener("click", () => {
      unlockSound();
      setTimeout(() => this.renderSettings(), 200);
    });
    $("#notify-enable").addEventListener("click", async () => {
      await askNotifications();
      this.renderSettings();
    });
    for (const name of ["pointerdown", "keydown"]) {
      document.addEventListener(name, () => setTimeout(() => this.renderSettings(), 200));
    }
    this.timer = setInterval(() => this.tick(), 1000);
    this.renderSettings();
  }

  /** A conversation pushed to this officer: signal it until it is opened. */
  raise(id, { topic, urgent }) {
    if (this.fresh.has(id)) return;
    const title = urgent ? "Nouvelle conversation URGENTE" : "Nouvelle conversation";
    const notification = desktopNotification(title, label(TOPICS, topic), `conversation-${id}`, () => this.actions.open(id));
    this.fresh.set(id, { topic, urgent, at: Date.now(), notification });
    notice(`${title} : ${label(TOPICS, topic)}. Elle vous attend dans vos onglets.`, urgent ? "urgent" : "new");
    this.ring(urgent ? "urgent" : "default");
    this.render();
  }

  /** The conversation was opened (or left the console): stop signalling it. */
  settle(id) {
    const item = this.fresh.get(id);
    if (!item) return;
    if (item.notification) item.notification.close();
    this.fresh.delete(id);
    this.render();
  }

  isFresh(id) {
    return this.fresh.has(id);
  }

  get count() {
    return this.fresh.size;
  }

  /** Offline: nothing rings and no urgent conversation is offered. */
  setActive(active) {
    this.active = active;
    this.renderOffers();
  }

  /** The queue as last told (`queue_state`): its urgent conversations are offered to all. */
  setQueue(queue) {
    this.offers = (queue.items || []).filter((item) => item.urgent);
    this.offersAt = Date.now();
    const fresh = this.offers.filter((item) => !this.offered.has(item.conversation_id));
    for (const item of this.offers) this.offered.add(item.conversation_id);
    if (fresh.length && this.active) {
      notice(`Urgent : une conversation « ${label(TOPICS, fresh[0].topic)} » attend dans la file.`, "urgent");
      this.ringOffer();
    }
    this.renderOffers();
  }

  ring(kind) {
    if (!this.active) return;
    this.lastRing = Date.now();
    chime(kind);
  }

  ringOffer() {
    this.lastOfferRing = Date.now();
    chime("urgent");
  }

  tick() {
    const now = Date.now();
    if (this.active && this.fresh.size) {
      const urgent = Array.from(this.fresh.values()).some((item) => item.urgent);
      if (now - this.lastRing >= (urgent ? REPEAT_URGENT_MS : REPEAT_NEW_MS)) this.ring(urgent ? "urgent" : "default");
    }
    if (this.active && this.offers.length && now - this.lastOfferRing >= REPEAT_OFFER_MS) this.ringOffer();
    if (this.offers.length) this.renderOfferText();
  }

  render() {
    this.box.hidden = this.fresh.size === 0;
    replaceChildren(
      this.list,
      Array.from(this.fresh.entries()).map(([id, item]) =>
        el(
          "li",
          { className: item.urgent ? "urgent" : "" },
          item.urgent ? el("span", { className: "tag urgent" }, "Urgent") : null,
          el("span", {}, label(TOPICS, item.topic)),
          el("button", { type: "button", className: "button small", dataset: { open: id }, onclick: () => this.actions.open(id) }, "Ouvrir"),
        ),
      ),
    );
  }

  renderOffers() {
    this.offerBox.hidden = !this.active || this.offers.length === 0;
    this.renderOfferText();
  }

  renderOfferText() {
    if (!this.offers.length) return;
    const head = this.offers[0];
    const waited = Number(head.waiting_seconds || 0) + (Date.now() - this.offersAt) / 1000;
    const more = this.offers.length > 1 ? ` (et ${this.offers.length - 1} autre${this.offers.length > 2 ? "s" : ""})` : "";
    setText(this.offerText, `${label(TOPICS, head.topic)}, en attente depuis ${duration(waited)}${more}. Vous pouvez la prendre même si vous avez déjà le maximum de conversations.`);
  }

  renderSettings() {
    const ready = soundReady();
    setText($("#sound-state"), ready ? "Son activé." : "Son coupé par le navigateur : les alertes ne sonnent pas.");
    $("#sound-enable").hidden = ready;
    const state = notificationState();
    const texts = {
      granted: "Notifications du bureau activées.",
      denied: "Notifications du bureau refusées : autorisez-les dans les réglages du navigateur pour ce site.",
      default: "Notifications du bureau désactivées.",
      unsupported: "Ce navigateur ne permet pas les notifications du bureau.",
    };
    setText($("#notify-state"), texts[state] || "");
    $("#notify-enable").hidden = state !== "default";
  }
}
