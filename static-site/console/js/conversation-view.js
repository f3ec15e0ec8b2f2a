/**
 * The tab and the panel of one conversation: message log, composer, canned responses, fiche
 * search, closing with an orientation and links, transfer. Citizen text only ever reaches the
 * page through text nodes.
 */

import { OUTCOMES, PRESENCE, TOPICS } from "/shared/js/vocabulary.js";
import { el, fieldError, options, replaceChildren, setText } from "./dom.js";
import { clock } from "./format.js";
import { label, outcomeLabel } from "./labels.js";
import { cannedPicker, ficheSearch, publicUrl } from "./tools.js";

const MAX_LINKS = 5;
const MAX_TEXT = 2000;
const LINK_URL = /^(https:\/\/[^\s<>"']+|\/[A-Za-z0-9/_#?=&.-]*)$/;
const SENDERS = { citizen: "Personne", officer: "Vous", system: "Système" };
const BACK_TO_QUEUE = "Remettre dans la file d'attente";

/** A form of the tools column: a heading, one labelled control, more, an error line, a button. */
function toolForm(name, id, { title, fieldLabel, control, more = null, error, button, onSubmit }) {
  const form = el(
    "form",
    { className: `tool-form ${name}-form`, novalidate: true, "aria-labelledby": `${name}-title-${id}` },
    el("h3", { id: `${name}-title-${id}` }, title),
    el("label", { for: control.id }, fieldLabel),
    control,
    more,
    error,
    button,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    onSubmit();
  });
  return form;
}

export class ConversationView {
  /**
   * @param {import("./conversation.js").Conversation} model
   * @param {object} actions {send(text), typing(), close(outcome, links), transfer(toId),
   *   loadColleagues(), retry(clientId), dismiss(), select()}
   */
  constructor(model, actions) {
    this.model = model;
    this.actions = actions;
    const id = model.id;
    this.typingTimer = null;

    this.badge = el("span", { className: "badge", hidden: true });
    this.tab = el(
      "button",
      {
        type: "button",
        role: "tab",
        id: `tab-${id}`,
        className: "tab",
        "aria-controls": `panel-${id}`,
        "aria-selected": "false",
        tabindex: "-1",
        dataset: { conversationId: id },
        onclick: () => actions.select(),
      },
      model.urgent ? el("span", { className: "tag urgent" }, "Urgent") : null,
      el("span", { className: "tab-label" }, `${label(TOPICS, model.topic)} · ${clock(model.createdAt || Date.now() / 1000)}`),
      this.badge,
    );

    this.citizenStatus = el("p", { className: "citizen-status" });
    this.log = el("ol", { className: "messages" });
    this.logBox = el(
      "div",
      { className: "log", role: "log", "aria-label": "Messages de la conversation", tabindex: "0" },
      this.log,
    );
    this.typingLine = el("p", { className: "typing", "aria-live": "polite" });

    this.reply = el("textarea", {
      id: `reply-${id}`,
      className: "input reply",
      rows: "3",
      maxlength: String(MAX_TEXT),
      "aria-describedby": `reply-hint-${id}`,
    });
    this.reply.addEventListener("input", () => actions.typing());
    this.reply.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.composer.requestSubmit();
      }
    });
    this.composer = el(
      "form",
      { className: "composer", novalidate: true },
      el("label", { for: `reply-${id}` }, "Votre réponse"),
      el("p", { className: "hint", id: `reply-hint-${id}` }, "Entrée pour envoyer, Maj + Entrée pour aller à la ligne."),
      this.reply,
      el("button", { type: "submit", className: "button" }, "Envoyer"),
    );
    this.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = this.reply.value.trim();
      if (!text) {
        fieldError(this.reply, "Écrivez un message avant d'envoyer.");
        return;
      }
      if (text.length > MAX_TEXT) {
        fieldError(this.reply, `Le message dépasse ${MAX_TEXT} caractères.`);
        return;
      }
      fieldError(this.reply, "");
      actions.send(text);
      this.reply.value = "";
      this.reply.focus();
    });

    this.canned = cannedPicker((canned) => this.insertCanned(canned));
    this.fiches = ficheSearch((link) => this.insertLink(link));
    const cannedTool = el("details", { className: "tool" }, el("summary", {}, "Réponses types"), this.canned.element);
    cannedTool.addEventListener("toggle", () => cannedTool.open && this.canned.refresh());

    this.buildCloseForm(id);
    this.buildTransferForm(id);

    this.ended = el("div", { className: "ended", hidden: true, role: "status" });
    this.working = el(
      "div",
      { className: "conversation-tools" },
      cannedTool,
      el("details", { className: "tool" }, el("summary", {}, "Insérer une fiche du site"), this.fiches.element),
      this.closeForm,
      this.transferForm,
    );
    this.heading = el(
      "h2",
      { id: `title-${id}`, tabindex: "-1" },
      label(TOPICS, model.topic),
      model.urgent ? el("span", { className: "tag urgent" }, "Urgent") : null,
    );
    this.panel = el(
      "section",
      {
        role: "tabpanel",
        id: `panel-${id}`,
        className: "conversation",
        "aria-labelledby": `tab-${id}`,
        hidden: true,
        dataset: { conversationId: id },
      },
      el(
        "div",
        { className: "conversation-main" },
        el("header", { className: "conversation-head" }, this.heading, this.citizenStatus),
        this.logBox,
        this.typingLine,
        this.ended,
        this.composer,
      ),
      this.working,
    );
    this.setCitizenConnected(model.citizenConnected !== false, model);
    for (const message of model.ordered()) this.addMessage(message);
    this.refreshReceipts();
  }

  buildCloseForm(id) {
    this.outcome = el("select", { id: `outcome-${id}`, className: "input" }, options("Choisir une orientation…", Object.entries(OUTCOMES)));
    this.linkRows = el("ol", { className: "link-rows" });
    this.addLinkButton = el(
      "button",
      { type: "button", className: "button secondary small", onclick: () => this.addLinkRow({ label: "", url: "" }, true) },
      "Ajouter un lien",
    );
    this.closeError = el("p", { className: "form-error", role: "alert" });
    this.closeForm = toolForm("close", id, {
      title: "Clore la conversation",
      fieldLabel: "Orientation donnée",
      control: this.outcome,
      more: el(
        "fieldset",
        { className: "links" },
        el("legend", {}, "Liens remis à la personne (5 au plus)"),
        el("p", { className: "hint" }, "Les fiches insérées s'ajoutent ici ; vous pouvez les modifier."),
        this.linkRows,
        this.addLinkButton,
      ),
      error: this.closeError,
      button: el("button", { type: "submit", className: "button danger" }, "Clore la conversation"),
      onSubmit: () => this.submitClose(),
    });
  }

  buildTransferForm(id) {
    this.transferTo = el("select", { id: `transfer-${id}`, className: "input" }, options(BACK_TO_QUEUE, []));
    this.transferTo.addEventListener("focus", () => this.actions.loadColleagues(this));
    this.transferError = el("p", { className: "form-error", role: "alert" });
    this.transferForm = toolForm("transfer", id, {
      title: "Transférer",
      fieldLabel: "À qui ?",
      control: this.transferTo,
      error: this.transferError,
      button: el("button", { type: "submit", className: "button secondary" }, "Transférer"),
      onSubmit: () => {
        setText(this.transferError, "");
        this.actions.transfer(this.transferTo.value || null);
      },
    });
  }

  /** Fill the colleague list ([{officer_id, username, status, active_count, capacity}]). */
  setColleagues(colleagues) {
    const chosen = this.transferTo.value;
    replaceChildren(
      this.transferTo,
      options(
        BACK_TO_QUEUE,
        colleagues.map((officer) => [
          officer.officer_id,
          `${officer.username} — ${label(PRESENCE, officer.status === "online" ? "online" : "away").toLowerCase()}, ${officer.active_count}/${officer.capacity}`,
          officer.active_count >= officer.capacity,
        ]),
      ),
    );
    this.transferTo.value = chosen;
    if (this.transferTo.value !== chosen) this.transferTo.value = "";
  }

  showTransferError(message) {
    setText(this.transferError, message);
  }

  addLinkRow(link, focus = false) {
    if (this.linkRows.children.length >= MAX_LINKS) {
      setText(this.closeError, `${MAX_LINKS} liens au plus.`);
      return null;
    }
    const index = this.linkRows.children.length + 1;
    const rowId = `${this.model.id}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
    const labelInput = el("input", { id: `link-label-${rowId}`, className: "input", value: link.label, maxlength: "120" });
    const urlInput = el("input", { id: `link-url-${rowId}`, className: "input", value: link.url, maxlength: "500", inputmode: "url" });
    const row = el(
      "li",
      { className: "link-row" },
      el("label", { for: `link-label-${rowId}` }, `Intitulé du lien ${index}`),
      labelInput,
      el("label", { for: `link-url-${rowId}` }, `Adresse du lien ${index}`),
      urlInput,
      el(
        "button",
        {
          type: "button",
          className: "button secondary small",
          onclick: () => {
            row.remove();
            this.addLinkButton.focus();
          },
        },
        `Retirer le lien ${index}`,
      ),
    );
    this.linkRows.appendChild(row);
    if (focus) labelInput.focus();
    return row;
  }

  links() {
    return Array.from(this.linkRows.children).map((row) => {
      const [labelInput, urlInput] = row.querySelectorAll("input");
      return { label: labelInput.value.trim(), url: urlInput.value.trim(), labelInput, urlInput };
    });
  }

  submitClose() {
    setText(this.closeError, "");
    let valid = true;
    if (!this.outcome.value) {
      fieldError(this.outcome, "Choisissez l'orientation donnée à la personne.");
      valid = false;
    } else {
      fieldError(this.outcome, "");
    }
    const links = [];
    for (const link of this.links()) {
      if (!link.label && !link.url) continue;
      fieldError(link.labelInput, link.label ? "" : "Donnez un intitulé au lien.");
      const urlOk = LINK_URL.test(link.url);
      fieldError(link.urlInput, urlOk ? "" : "Adresse invalide : https://… ou une page du site (/fiches/…).");
      if (!link.label || !urlOk) valid = false;
      links.push({ label: link.label, url: link.url });
    }
    if (!valid) {
      const first = this.closeForm.querySelector("[aria-invalid='true']");
      if (first) first.focus();
      return;
    }
    this.actions.close(this.outcome.value, links);
  }

  showCloseError(message) {
    setText(this.closeError, message);
  }

  /** Insert text at the composer's cursor (on its own line). */
  insertText(text) {
    const area = this.reply;
    const start = area.selectionStart ?? area.value.length;
    const end = area.selectionEnd ?? area.value.length;
    const before = area.value.slice(0, start);
    const after = area.value.slice(end);
    const glue = before && !before.endsWith("\n") && !before.endsWith(" ") ? "\n" : "";
    area.value = `${before}${glue}${text}${after}`;
    const caret = before.length + glue.length + text.length;
    area.setSelectionRange(caret, caret);
    area.focus();
  }

  insertCanned(canned) {
    let text = canned.text;
    if (canned.link && canned.link.url) {
      text += `\n${publicUrl(canned.link.url)}`;
      this.rememberLink(canned.link);
    }
    this.insertText(text);
  }

  insertLink(link) {
    this.insertText(`${link.label} : ${publicUrl(link.url)}`);
    this.rememberLink(link);
  }

  /** Prefill the closing links with what was sent (once per URL). */
  rememberLink(link) {
    if (!LINK_URL.test(link.url)) return;
    if (this.links().some((existing) => existing.url === link.url)) return;
    this.addLinkRow({ label: String(link.label).slice(0, 120), url: link.url });
  }

  messageNode(message) {
    const sender = message.kind === "message" ? message.sender : "system";
    return el(
      "li",
      { className: `message from-${sender}`, dataset: { seq: String(message.seq) } },
      el(
        "p",
        { className: "meta" },
        el("span", { className: "who" }, SENDERS[sender] || sender),
        " · ",
        el("time", {}, clock(message.sent_at)),
        sender === "officer" ? el("span", { className: "receipt" }, "Envoyé") : null,
      ),
      el("p", { className: "text", dir: "auto" }, message.text),
    );
  }

  /** Insert a stored message at its place (by seq), replacing its pending copy. */
  addMessage(message) {
    if (message.client_id) {
      const pending = this.log.querySelector(`li[data-client-id="${CSS.escape(message.client_id)}"]`);
      if (pending) pending.remove();
    }
    if (this.log.querySelector(`li[data-seq="${Number(message.seq)}"]`)) return;
    const node = this.messageNode(message);
    const after = Array.from(this.log.querySelectorAll("li[data-seq]")).find(
      (item) => Number(item.dataset.seq) > Number(message.seq),
    );
    const firstPending = this.log.querySelector("li[data-client-id]");
    this.log.insertBefore(node, after || firstPending || null);
    if (message.sender === "citizen") this.setTyping(false);
    this.refreshReceipts();
    this.scrollDown();
  }

  /** A message on its way (shown at the end until the server stores it). */
  addPending(clientId, text) {
    const node = el(
      "li",
      { className: "message from-officer pending", dataset: { clientId } },
      el("p", { className: "meta" }, el("span", { className: "who" }, "Vous"), " · ", el("span", { className: "receipt" }, "Envoi…")),
      el("p", { className: "text", dir: "auto" }, text),
    );
    this.log.appendChild(node);
    this.scrollDown();
  }

  failPending(clientId, message) {
    const node = this.log.querySelector(`li[data-client-id="${CSS.escape(clientId)}"]`);
    if (!node) return;
    node.classList.add("failed");
    const receipt = node.querySelector(".receipt");
    setText(receipt, `Non envoyé : ${message}`);
    if (!node.querySelector("button")) {
      node.appendChild(
        el(
          "button",
          {
            type: "button",
            className: "button secondary small",
            onclick: () => {
              node.classList.remove("failed");
              setText(receipt, "Envoi…");
              node.querySelector("button").remove();
              this.actions.retry(clientId);
            },
          },
          "Réessayer",
        ),
      );
    }
  }

  refreshReceipts() {
    const read = Number(this.model.readCitizen || 0);
    for (const item of this.log.querySelectorAll("li.from-officer[data-seq]")) {
      const receipt = item.querySelector(".receipt");
      if (receipt) setText(receipt, Number(item.dataset.seq) <= read ? "Lu" : "Envoyé");
    }
  }

  scrollDown() {
    this.logBox.scrollTop = this.logBox.scrollHeight;
  }

  setTyping(on) {
    clearTimeout(this.typingTimer);
    setText(this.typingLine, on ? "La personne écrit…" : "");
    if (on) this.typingTimer = setTimeout(() => setText(this.typingLine, ""), 6000);
  }

  /** « Elle peut revenir » only when true: until the end of the grace period (with her code
   * from any device), or later for a message left while the service was closed. */
  setCitizenConnected(connected, { returnsUntil = null, deferred = false } = {}) {
    let text = "La personne est connectée.";
    if (!connected && deferred) {
      text = "La personne a laissé un message : elle lira votre réponse plus tard, avec son code. Répondez, puis clôturez avec l'orientation.";
    } else if (!connected && Number.isFinite(returnsUntil)) {
      const until = new Date(returnsUntil * 1000).toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Paris" });
      text = `La personne s'est déconnectée. Elle peut revenir avec son code jusqu'à ${until} ; passé ce délai, la conversation sera close.`;
    } else if (!connected) {
      text = "La personne s'est déconnectée.";
    }
    setText(this.citizenStatus, text);
    this.citizenStatus.classList.toggle("away", !connected);
  }

  setUnread(count) {
    this.badge.hidden = count <= 0;
    replaceChildren(this.badge, String(count), el("span", { className: "visually-hidden" }, count > 1 ? " messages non lus" : " message non lu"));
  }

  setSelected(selected) {
    this.tab.setAttribute("aria-selected", selected ? "true" : "false");
    this.tab.tabIndex = selected ? 0 : -1;
    this.panel.hidden = !selected;
    if (selected) this.scrollDown();
  }

  /** The conversation ended without this officer closing it: keep it readable, then dismiss. */
  showEnded(text) {
    this.composer.hidden = true;
    this.working.hidden = true;
    this.setTyping(false);
    this.tab.classList.add("ended");
    const dismiss = el("button", { type: "button", className: "button", onclick: () => this.actions.dismiss() }, "Fermer l'onglet");
    replaceChildren(this.ended, el("p", {}, text), dismiss);
    this.ended.hidden = false;
    return dismiss;
  }

  endedText(outcome) {
    if (outcome === "fin_citoyen") return "La personne a mis fin à la conversation.";
    if (outcome === "abandon") return "La personne s'est déconnectée trop longtemps : la conversation est close.";
    return `Conversation close : ${outcomeLabel(outcome)}.`;
  }

  focusReply() {
    if (!this.composer.hidden) this.reply.focus();
    else this.heading.focus();
  }

  remove() {
    clearTimeout(this.typingTimer);
    this.tab.remove();
    this.panel.remove();
  }
}
