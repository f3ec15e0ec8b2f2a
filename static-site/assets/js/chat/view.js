/**
 * What the citizen sees of the chat on /discuter/: the markup of chat.html (hidden until this
 * runs) shown, hidden and filled — every received text through textContent — and the
 * citizen's actions passed to the conversation (conversation.js), which owns the protocol.
 */
import { TOPICS } from "/shared/js/vocabulary.js";
import { Alerts } from "./alerts.js";
import { MessageLog } from "./log.js";
import * as store from "./store.js";
import { ERRORS, SENDERS } from "./words.js";

const TYPING_SHOW_MS = 6000;
// A topic where someone may be watched: discreet mode is on by default (visibly, it can be undone).
const DISCREET_TOPIC = "violences";
const SYSTEM_OUTCOMES = new Set(["annule", "fin_citoyen", "abandon"]);

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

function linkItem(link) {
  const item = document.createElement("li");
  const href = safeUrl(link.url);
  if (!href) {
    item.textContent = link.label;
    return item;
  }
  const anchor = document.createElement("a");
  anchor.href = href;
  anchor.textContent = link.label;
  if (!href.startsWith("/")) {
    anchor.rel = "noopener noreferrer";
    anchor.className = "lien-externe";
  }
  item.append(anchor);
  return item;
}

export class ChatView {
  constructor(root) {
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
    this.log = new MessageLog($("[data-chat-log]"));
    this.alerts = new Alerts();
    this.typingTimer = null;
  }

  /** Passes the citizen's actions to `chat` (a CitizenChat); discreet mode as saved in the tab. */
  bind(chat) {
    const ui = this.ui;
    ui.start.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#join(chat);
    });
    ui.start.addEventListener("change", () => this.#topicError(false));
    ui.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#send(chat);
    });
    ui.textarea.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      event.preventDefault();
      this.#send(chat);
    });
    ui.textarea.addEventListener("input", () => {
      if (ui.textarea.value.trim()) chat.typing();
    });
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
    ui.endNo.addEventListener("click", () => this.closeConfirm());
    ui.endYes.addEventListener("click", () => chat.end());
    ui.download.addEventListener("click", () => this.#download(chat));
    ui.restart.addEventListener("click", () => {
      chat.restart();
      this.#startAgain();
    });
    const discreet = store.loadDiscreet();
    ui.discreet.checked = discreet;
    this.alerts.setDiscreet(discreet);
  }

  // -- the citizen's actions ------------------------------------------------------------

  #join(chat) {
    const choice = this.ui.start.querySelector('input[name="topic"]:checked');
    const topic = choice ? choice.value : "";
    if (!TOPICS[topic]) {
      this.#topicError(true);
      this.ui.start.querySelector('input[name="topic"]').focus();
      return;
    }
    this.#topicError(false);
    this.alerts.unlockSound();
    if (topic === DISCREET_TOPIC && !store.loadDiscreet() && !this.ui.discreet.checked) {
      this.ui.discreet.checked = true;
      this.alerts.setDiscreet(true);
    }
    chat.join(topic, this.ui.firstText.value.trim());
    this.ui.heading.focus();
    this.ui.conversation.scrollIntoView({ block: "start" });
  }

  #send(chat) {
    const text = this.ui.textarea.value.trim();
    if (!text) {
      this.showError(ERRORS.empty);
      return;
    }
    this.alerts.unlockSound();
    if (!chat.send(text)) return;
    this.ui.textarea.value = "";
    this.scrollToEnd(true);
  }

  async #download(chat) {
    const ui = this.ui;
    ui.download.disabled = true;
    ui.downloadError.hidden = true;
    try {
      await chat.downloadTranscript();
    } catch {
      ui.downloadError.textContent = ERRORS.download;
      ui.downloadError.hidden = false;
    } finally {
      ui.download.disabled = false;
    }
  }

  #startAgain() {
    this.ui.start.reset();
    this.ui.start.querySelector("h2").scrollIntoView({ block: "start" });
    this.ui.start.querySelector('input[name="topic"]').focus();
  }

  // -- what the conversation shows --------------------------------------------------------

  /** Ticks the topic a link asked for (`/discuter/?sujet=vol`), when it is one. */
  suggestTopic(topic) {
    if (!topic || !TOPICS[topic]) return;
    const radio = Array.from(this.ui.start.querySelectorAll('input[name="topic"]')).find((input) => input.value === topic);
    if (radio) radio.checked = true;
  }

  showStart(error) {
    const ui = this.ui;
    ui.conversation.hidden = true;
    ui.closed.hidden = true;
    ui.start.hidden = false;
    ui.startError.hidden = !error;
    ui.startError.textContent = error ?? "";
  }

  showConversation() {
    const ui = this.ui;
    ui.start.hidden = true;
    ui.closed.hidden = true;
    ui.conversation.hidden = false;
    ui.composer.hidden = false;
    ui.options.hidden = false;
    ui.confirm.hidden = true;
    ui.end.hidden = false;
    this.clearError();
  }

  /**
   * The end: outcome, the officer's links, and what is offered. `focus` after a live close
   * (after a reload only the outcome is shown); `transcript` and `survey` say what is offered.
   */
  showClosed(closing, { focus, transcript, survey }) {
    const ui = this.ui;
    ui.start.hidden = true;
    ui.composer.hidden = true;
    ui.options.hidden = true;
    ui.conversation.hidden = !focus;
    ui.state.textContent = "";
    ui.outcome.replaceChildren(closingSentence(closing));
    if (closing.outcome_label && !SYSTEM_OUTCOMES.has(closing.outcome)) {
      const label = document.createElement("strong");
      label.textContent = closing.outcome_label;
      ui.outcome.append(" Son orientation : ", label, ".");
    }
    ui.links.replaceChildren(
      ...closing.links.filter((link) => link && typeof link.label === "string").map(linkItem),
    );
    ui.linksBlock.hidden = ui.links.children.length === 0;
    ui.downloadBlock.hidden = !transcript;
    ui.survey.hidden = !survey;
    ui.closed.hidden = false;
    if (focus) {
      ui.closedHeading.focus();
      ui.closed.scrollIntoView({ block: "start" });
    }
  }

  /** A stored message, new to the conversation; `fresh` when not seen before a reload. */
  showMessage(message, fresh) {
    this.log.show(message);
    if (message.sender === "officer") this.hideTyping();
    if (fresh && message.sender !== "citizen") {
      this.#announce(`${SENDERS[message.sender] ?? SENDERS.system} : ${message.text ?? ""}`);
      if (message.sender === "officer") this.alerts.notify();
    }
    this.scrollToEnd(message.sender === "citizen");
  }

  /** The officer (or the service) did something worth a sound while the tab is hidden. */
  notify() {
    this.alerts.notify();
  }

  setState(text) {
    if (this.ui.state.textContent !== text) this.ui.state.textContent = text;
  }

  showError(text) {
    this.ui.error.textContent = text;
    this.ui.error.hidden = false;
  }

  clearError() {
    this.ui.error.hidden = true;
    this.ui.error.textContent = "";
  }

  closeConfirm() {
    this.ui.confirm.hidden = true;
    this.ui.end.hidden = false;
    this.ui.end.focus();
  }

  showTyping() {
    this.ui.typing.hidden = false;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.hideTyping(), TYPING_SHOW_MS);
    this.scrollToEnd(false);
  }

  hideTyping() {
    clearTimeout(this.typingTimer);
    this.ui.typing.hidden = true;
  }

  /** To the newest message: always for the citizen's own, else only if they were near it. */
  scrollToEnd(force) {
    const box = this.ui.scroll;
    if (force || box.scrollHeight - box.scrollTop - box.clientHeight < 120) {
      box.scrollTop = box.scrollHeight;
    }
  }

  #announce(text) {
    const line = document.createElement("p");
    line.textContent = text;
    this.ui.announce.replaceChildren(line);
  }

  #topicError(on) {
    this.ui.topicGroup.classList.toggle("champ--erreur", on);
    this.ui.topicError.hidden = !on;
    const fieldset = this.ui.topicGroup.querySelector("fieldset");
    fieldset.setAttribute("aria-describedby", on ? "tchat-sujet-aide tchat-sujet-erreur" : "tchat-sujet-aide");
  }
}
