/**
 * What the citizen sees of the chat on /discuter/: the markup of chat.html (hidden until this
 * runs) shown, hidden and filled — every received text through textContent — and the
 * citizen's actions passed to the conversation (conversation.js), which owns the protocol.
 */
import { safeHref, displayUrl } from "/shared/js/linkify.js";
import { TOPICS } from "/shared/js/vocabulary.js";
import { Alerts } from "./alerts.js";
import { MessageLog } from "./log.js";
import * as store from "./store.js";
import { renderTranscript } from "./transcript.js";
import { CONNECTION_LOST, ERRORS, SENDERS, closedTitle, reopenText } from "./words.js";

const CODE_SHAPE = /^[2-9A-HJKMNP-Z]{10}$/;

const TYPING_SHOW_MS = 6000;
// A topic where someone may be watched: discreet mode is on by default (visibly, it can be undone).
const DISCREET_TOPIC = "violences";
const SYSTEM_OUTCOMES = new Set(["annule", "fin_citoyen", "abandon"]);


function closingSentence(closing) {
  if (closing.outcome === "annule") return "Vous avez quitté la file d'attente : votre demande est annulée.";
  if (closing.outcome === "fin_citoyen" || closing.by_citizen) return "Vous avez mis fin à la conversation.";
  if (closing.outcome === "abandon") return "La conversation a été close après votre déconnexion.";
  return "Le policier a clos la conversation.";
}

/** An officer's closing link: https (or the site's own pages, made absolute), shown with
 * its domain; anything else is its label as text. */
function linkItem(link) {
  const item = document.createElement("li");
  const url = safeHref(link.url);
  if (!url) {
    item.textContent = link.label;
    return item;
  }
  const anchor = document.createElement("a");
  anchor.href = url.href;
  anchor.textContent = link.label;
  anchor.rel = "noopener noreferrer";
  if (url.origin !== window.location.origin) anchor.className = "lien-externe";
  const domain = document.createElement("span");
  domain.className = "lien__domaine";
  domain.textContent = ` (${displayUrl(url)})`;
  item.append(anchor, domain);
  return item;
}

export class ChatView {
  constructor(root) {
    const $ = (selector) => root.querySelector(selector);
    this.ui = {
      serviceClosed: $("[data-chat-service-closed]"),
      closedTitle: $("[data-chat-closed-title]"),
      reopen: $("[data-chat-reopen]"),
      hoursBlock: $("[data-chat-hours-block]"),
      hours: $("[data-chat-hours]"),
      leaveMessage: $("[data-chat-leave-message]"),
      leaveMessageButton: $("[data-chat-leave-message-button]"),
      messageNote: $("[data-chat-message-note]"),
      startTitle: $("[data-chat-start-title]"),
      startButton: $("[data-chat-start-button]"),
      codeForm: $("[data-chat-code-form]"),
      codeField: $("[data-chat-code-field]"),
      codeInput: $("#tchat-code"),
      codeError: $("[data-chat-code-error]"),
      codeBox: $("[data-chat-code-box]"),
      code: $("[data-chat-code]"),
      codeCopy: $("[data-chat-code-copy]"),
      codeCopied: $("[data-chat-code-copied]"),
      connection: $("[data-chat-connection]"),
      suggestions: $("[data-chat-suggestions]"),
      suggestionsList: $("[data-chat-suggestions-list]"),
      transcript: $("[data-chat-transcript]"),
      showTranscript: $("[data-chat-show-transcript]"),
      hideTranscript: $("[data-chat-hide-transcript]"),
      print: $("[data-chat-print]"),
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
    ui.showTranscript.addEventListener("click", () => this.#showTranscript(chat));
    ui.hideTranscript.addEventListener("click", () => this.#hideTranscript());
    ui.print.addEventListener("click", () => window.print());
    ui.codeForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#resumeWithCode(chat);
    });
    ui.codeCopy.addEventListener("click", () => this.#copyCode());
    ui.leaveMessageButton.addEventListener("click", () => this.#offerMessage());
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

  #resumeWithCode(chat) {
    const typed = this.ui.codeInput.value;
    const code = typed.toUpperCase().replace(/[\s.-]+/g, "");
    if (!CODE_SHAPE.test(code)) {
      this.showCodeError(ERRORS.codeShape);
      this.ui.codeInput.focus();
      return;
    }
    this.showCodeError(null);
    chat.resumeWithCode(`${code.slice(0, 5)}-${code.slice(5)}`);
    this.ui.heading.focus();
  }

  async #copyCode() {
    const code = this.ui.code.textContent;
    try {
      await navigator.clipboard.writeText(code);
      this.ui.codeCopied.textContent = "Code copié.";
    } catch {
      window.getSelection()?.selectAllChildren(this.ui.code);
      this.ui.codeCopied.textContent = "Le code est sélectionné : copiez-le, ou notez-le.";
    }
  }

  /** « Laisser un message » while closed: the topic form, worded for a message. */
  #offerMessage() {
    const ui = this.ui;
    ui.serviceClosed.hidden = true;
    ui.start.hidden = false;
    ui.messageNote.hidden = false;
    ui.startTitle.textContent = "Laisser un message";
    ui.startButton.textContent = "Envoyer mon message";
    ui.startTitle.focus();
  }

  async #showTranscript(chat) {
    const ui = this.ui;
    ui.downloadError.hidden = true;
    try {
      renderTranscript(ui.transcript, await chat.transcript());
    } catch {
      ui.downloadError.textContent = ERRORS.download;
      ui.downloadError.hidden = false;
      return;
    }
    ui.transcript.hidden = false;
    document.body.classList.add("avec-transcription");
    ui.transcript.querySelector("h2").focus();
    ui.transcript.scrollIntoView({ block: "start" });
  }

  #hideTranscript() {
    this.ui.transcript.hidden = true;
    document.body.classList.remove("avec-transcription");
    this.ui.showTranscript.focus();
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

  /** Show the parts named in `shown`, hide those in `hidden`; the others stay as they are. */
  reveal(shown, hidden) {
    for (const name of shown) this.ui[name].hidden = false;
    for (const name of hidden) this.ui[name].hidden = true;
  }

  showStart(error) {
    const ui = this.ui;
    this.reveal(
      ["start", "codeForm"],
      ["conversation", "closed", "transcript", "serviceClosed", "codeBox"],
    );
    ui.startError.hidden = !error;
    ui.startError.textContent = error ?? "";
  }

  /** Nobody can answer now (closed, or nobody on duty): said before any form, with what is
   * open now; « Laisser un message » when the service offers it; the code form stays. */
  showServiceClosed(status) {
    const ui = this.ui;
    this.reveal([], ["conversation", "closed", "start"]);
    ui.closedTitle.textContent = closedTitle(status);
    ui.reopen.textContent = reopenText(status);
    const hours = status.hours.map((line) => {
      const item = document.createElement("li");
      item.textContent = line;
      return item;
    });
    ui.hours.replaceChildren(...hours);
    ui.hoursBlock.hidden = hours.length === 0;
    ui.leaveMessage.hidden = !status.messages;
    this.reveal(["serviceClosed", "codeForm"], []);
  }

  showCodeError(text) {
    const ui = this.ui;
    ui.codeField.classList.toggle("champ--erreur", Boolean(text));
    ui.codeError.hidden = !text;
    ui.codeError.replaceChildren();
    if (text) {
      const prefix = document.createElement("span");
      prefix.className = "visuellement-cache";
      prefix.textContent = "Erreur : ";
      ui.codeError.append(prefix, text);
      ui.codeInput.setAttribute("aria-describedby", "tchat-code-aide tchat-code-erreur");
      ui.codeInput.setAttribute("aria-invalid", "true");
    } else {
      ui.codeInput.setAttribute("aria-describedby", "tchat-code-aide");
      ui.codeInput.removeAttribute("aria-invalid");
    }
  }

  /** The short code of the conversation, to copy or note (null: none known in this tab). */
  showCode(code) {
    this.ui.code.textContent = code ?? "";
    this.ui.codeBox.hidden = !code;
  }

  /** « Connexion perdue, reconnexion… » while no socket is up (`ok` false), gone when back. */
  showConnection(ok) {
    const line = this.ui.connection;
    const text = ok ? "" : CONNECTION_LOST;
    if (line.textContent !== text) line.textContent = text;
  }

  /** While waiting: up to 3 fiches for the topic and the first message (found in the
   * browser, on the site's index), opened in a new tab so the place in the queue is kept. */
  async showSuggestions(topic, text) {
    let fiches = [];
    try {
      const { suggestFiches } = await import("./suggestions.js");
      fiches = await suggestFiches(topic, text);
    } catch {
      return; // no index (offline, not built): nothing to suggest
    }
    if (fiches.length === 0) return;
    const items = fiches.map((fiche) => {
      const item = document.createElement("li");
      const anchor = document.createElement("a");
      anchor.href = fiche.url;
      anchor.target = "_blank";
      anchor.rel = "noopener";
      anchor.textContent = fiche.title;
      const hint = document.createElement("span");
      hint.className = "visuellement-cache";
      hint.textContent = " (nouvel onglet)";
      anchor.append(hint);
      item.append(anchor);
      return item;
    });
    this.ui.suggestionsList.replaceChildren(...items);
    this.ui.suggestions.hidden = false;
  }

  hideSuggestions() {
    this.ui.suggestions.hidden = true;
  }

  showConversation() {
    this.reveal(
      ["conversation", "composer", "options", "end"],
      ["start", "serviceClosed", "codeForm", "transcript", "closed", "confirm"],
    );
    this.clearError();
  }

  /**
   * The end: outcome, the officer's links, and what is offered. `focus` after a live close
   * (after a reload only the outcome is shown); `transcript` and `survey` say what is offered.
   */
  showClosed(closing, { focus, transcript, survey }) {
    const ui = this.ui;
    this.reveal([], ["start", "composer", "options", "serviceClosed", "codeForm", "suggestions"]);
    this.showConnection(true);
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
