/**
 * The tab and the panel of one conversation: the tab's preview of the last message and how
 * long the citizen has waited for an answer, the internal notes colleagues left, message log,
 * composer (its draft kept across a reload; « / » opens the canned responses), fiche search,
 * closing with an orientation and links, transfer with a note. Citizen text only ever reaches
 * the page through text nodes.
 */

import { OUTCOMES, PRESENCE, TOPICS } from "/shared/js/vocabulary.js";
import { el, fieldError, options, replaceChildren, setText } from "./dom.js";
import { savedWork, saveWork } from "./drafts.js";
import { clock, duration } from "./format.js";
import { label, outcomeLabel } from "./labels.js";
import { cannedPicker, ficheSearch, publicUrl } from "./tools.js";

const MAX_LINKS = 5;
const MAX_TEXT = 2000;
const LINK_URL = /^(https:\/\/[^\s<>"']+|\/[A-Za-z0-9/_#?=&.-]*)$/;
const SENDERS = { citizen: "Usager", officer: "Vous", system: "Système" };
const BACK_TO_QUEUE = "Remettre dans la file d'attente";
const PREVIEW_CHARS = 70;
const MAX_NOTE = 500;

/** The first characters of a text, on one line. */
function preview(text, length = PREVIEW_CHARS) {
  const line = String(text || "").replace(/\s+/g, " ").trim();
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}

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
    this.previewLine = el("span", { className: "tab-preview" });
    this.waitingLine = el("span", { className: "tab-waiting" });
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
      this.previewLine,
      this.waitingLine,
    );
    this.notesBox = el("aside", { className: "notes", "aria-label": "Notes internes (visibles des policiers seulement)", hidden: true });

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
    this.reply.addEventListener("input", () => {
      actions.typing();
      saveWork(id, { draft: this.reply.value });
    });
    this.reply.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.composer.requestSubmit();
      } else if (event.key === "/" && !event.altKey && !event.ctrlKey && !event.metaKey && this.atLineStart()) {
        event.preventDefault();
        this.openCanned();
      }
    });
    this.composer = el(
      "form",
      { className: "composer", novalidate: true },
      el("label", { for: `reply-${id}` }, "Votre réponse"),
      el("p", { className: "hint", id: `reply-hint-${id}` }, "Entrée pour envoyer, Maj + Entrée pour aller à la ligne, « / » en début de ligne pour les réponses types."),
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
      saveWork(id, { draft: "" });
      this.reply.focus();
    });

    this.canned = cannedPicker((canned) => this.insertCanned(canned), {
      onEscape: () => {
        this.cannedTool.open = false;
        this.reply.focus();
      },
    });
    this.fiches = ficheSearch((link) => this.insertLink(link));
    const cannedTool = el("details", { className: "tool" }, el("summary", {}, "Réponses types"), this.canned.element);
    cannedTool.addEventListener("toggle", () => cannedTool.open && this.canned.refresh());
    this.cannedTool = cannedTool;

    this.buildCloseForm(id);
    this.buildTransferForm(id);
    this.reportTool = model.topic === "stupefiants" ? this.buildReportForm(id) : null;

    this.ended = el("div", { className: "ended", hidden: true, role: "status" });
    this.working = el(
      "div",
      { className: "conversation-tools" },
      cannedTool,
      el("details", { className: "tool" }, el("summary", {}, "Insérer une fiche du site"), this.fiches.element),
      this.reportTool,
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
        this.notesBox,
        this.logBox,
        this.typingLine,
        this.ended,
        this.composer,
      ),
      this.working,
    );
    this.setCitizenConnected(model.citizenConnected !== false);
    for (const message of model.ordered()) this.addMessage(message);
    this.refreshReceipts();
    this.renderNotes();
    this.restoreWork();
  }

  /** Put back what a reload interrupted: the draft, the closing links, the orientation, the note. */
  restoreWork() {
    const work = savedWork(this.model.id);
    if (work.draft) this.reply.value = work.draft;
    for (const link of work.links.slice(0, MAX_LINKS)) this.addLinkRow({ label: String(link.label || ""), url: link.url }, false, false);
    if (work.outcome) this.outcome.value = work.outcome;
    if (work.note) this.transferNote.value = work.note;
  }

  saveLinks() {
    saveWork(this.model.id, { links: this.links().map(({ label: text, url }) => ({ label: text, url })) });
  }

  /** The internal notes colleagues left (transfers, requeues): officers only, never the citizen. */
  renderNotes() {
    const notes = this.model.notes || [];
    this.notesBox.hidden = notes.length === 0;
    replaceChildren(
      this.notesBox,
      el("h3", {}, notes.length > 1 ? "Notes internes de vos collègues" : "Note interne d'un ou une collègue"),
      el(
        "ul",
        {},
        notes.map((note) =>
          el("li", {}, el("p", { className: "meta" }, `${note.by || "Un collègue"} · ${clock(note.at)}`), el("p", { className: "text" }, note.text)),
        ),
      ),
    );
  }

  /** The tab's second and third lines: the last message, and how long the citizen has waited. */
  refreshSummary() {
    const last = this.model.lastMessage();
    setText(this.previewLine, last ? `${last.sender === "officer" ? "Vous" : SENDERS.citizen} : ${preview(last.text)}` : "Pas encore de message.");
    this.refreshWaiting();
  }

  refreshWaiting() {
    const since = this.model.closed ? null : this.model.awaitingSince();
    this.waitingLine.hidden = since === null;
    this.tab.classList.toggle("awaiting", since !== null);
    if (since !== null) setText(this.waitingLine, `Attend votre réponse depuis ${duration(Date.now() / 1000 - since)}`);
  }

  /** « / » at the start of a line: open the canned responses, cursor in their search. */
  atLineStart() {
    const start = this.reply.selectionStart ?? 0;
    return start === (this.reply.selectionEnd ?? 0) && (start === 0 || this.reply.value[start - 1] === "\n");
  }

  openCanned() {
    this.cannedTool.open = true;
    this.canned.refresh();
    this.canned.focus();
  }

  buildCloseForm(id) {
    this.outcome = el("select", { id: `outcome-${id}`, className: "input" }, options("Choisir une orientation…", Object.entries(OUTCOMES)));
    this.outcome.addEventListener("change", () => saveWork(id, { outcome: this.outcome.value }));
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
        el("legend", {}, "Liens remis à l'usager (5 au plus)"),
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
    this.transferNote = el("textarea", { id: `transfer-note-${id}`, className: "input", rows: "2", maxlength: String(MAX_NOTE), "aria-describedby": `transfer-note-hint-${id}` });
    this.transferNote.addEventListener("input", () => saveWork(id, { note: this.transferNote.value }));
    this.transferForm = toolForm("transfer", id, {
      title: "Transférer",
      fieldLabel: "À qui ?",
      control: this.transferTo,
      more: el(
        "div",
        { className: "field" },
        el("label", { for: `transfer-note-${id}` }, "Note pour le ou la collègue (facultatif)"),
        el("p", { className: "hint", id: `transfer-note-hint-${id}` }, "Visible des policiers seulement, jamais de l'usager."),
        this.transferNote,
      ),
      error: this.transferError,
      button: el("button", { type: "submit", className: "button secondary" }, "Transférer"),
      onSubmit: () => {
        setText(this.transferError, "");
        this.actions.transfer(this.transferTo.value || null, this.transferNote.value.trim() || null);
      },
    });
  }

  /**
   * Stupéfiants: a point_de_deal report for the triage queue, pre-filled with what the
   * citizen wrote, linked to this conversation (POST /api/officer/conversations/{id}/report).
   */
  buildReportForm(id) {
    const field = (name, text, control) => el("div", { className: "field" }, el("label", { for: `report-${name}-${id}` }, text), control);
    const input = (name, attributes = {}) => el("input", { id: `report-${name}-${id}`, className: "input", ...attributes });
    this.reportInputs = {
      address: input("address", { maxlength: "200", autocomplete: "off" }),
      postcode: input("postcode", { maxlength: "5", inputmode: "numeric", autocomplete: "off" }),
      commune: input("commune", { maxlength: "100", autocomplete: "off" }),
      description: el("textarea", { id: `report-description-${id}`, className: "input", rows: "4", maxlength: "5000" }),
    };
    const days = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];
    this.reportDays = el(
      "fieldset",
      { className: "days", id: `report-days-${id}` },
      el("legend", {}, "Jours où le trafic est vu"),
      days.map((day) => el("div", { className: "choice" }, el("input", { type: "checkbox", id: `report-day-${day}-${id}`, value: day }), el("label", { for: `report-day-${day}-${id}` }, day))),
    );
    this.reportStatus = el("p", { className: "hint", role: "status" });
    this.reportError = el("p", { className: "form-error", role: "alert" });
    const submit = el("button", { type: "submit", className: "button secondary" }, "Créer le signalement");
    const form = el(
      "form",
      { className: "tool-body", novalidate: true },
      el("p", { className: "hint" }, "Le signalement entre dans la file de tri des signalements, lié à cette conversation. L'usager n'en est pas informé."),
      field("address", "Adresse (numéro et voie, ou lieu)", this.reportInputs.address),
      field("postcode", "Code postal", this.reportInputs.postcode),
      field("commune", "Commune", this.reportInputs.commune),
      this.reportDays,
      field("description", "Description", this.reportInputs.description),
      this.reportError,
      submit,
      this.reportStatus,
    );
    const tool = el("details", { className: "tool report-tool" }, el("summary", {}, "Signaler un point de deal"), form);
    tool.addEventListener("toggle", () => {
      if (tool.open && !this.reportInputs.description.value) {
        const words = this.model.ordered().filter((m) => m.kind === "message" && m.sender === "citizen").map((m) => m.text);
        this.reportInputs.description.value = words.length ? `D'après l'usager (chat) : ${words.join(" / ")}`.slice(0, 5000) : "";
      }
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      setText(this.reportError, "");
      const value = (name) => this.reportInputs[name].value.trim();
      const checks = [
        ["address", value("address") ? "" : "Indiquez l'adresse ou le lieu."],
        ["postcode", /^\d{5}$/.test(value("postcode")) ? "" : "Le code postal a 5 chiffres."],
        ["commune", value("commune") ? "" : "Indiquez la commune."],
        ["description", value("description") ? "" : "Décrivez ce qui est vu."],
      ];
      for (const [name, message] of checks) fieldError(this.reportInputs[name], message);
      const chosen = Array.from(this.reportDays.querySelectorAll("input:checked")).map((box) => box.value);
      const firstBad = checks.find(([, message]) => message);
      if (firstBad) {
        this.reportInputs[firstBad[0]].focus();
        return;
      }
      if (!chosen.length) {
        setText(this.reportError, "Cochez au moins un jour où le trafic est vu.");
        this.reportDays.querySelector("input").focus();
        return;
      }
      submit.disabled = true;
      try {
        const created = await this.actions.fileReport({
          kind: "point_de_deal",
          location: { address: value("address"), postcode: value("postcode"), commune: value("commune") },
          observed: { days: chosen },
          description: value("description"),
        });
        setText(this.reportStatus, `Signalement créé (n° ${created.report_id.slice(0, 8)}) : il est dans la file de tri, onglet « Signalements ».`);
        form.querySelectorAll("input, textarea, button").forEach((node) => (node.disabled = true));
      } catch (error) {
        setText(this.reportError, error.message);
        submit.disabled = false;
      }
    });
    return tool;
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

  addLinkRow(link, focus = false, save = true) {
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
            this.saveLinks();
            this.addLinkButton.focus();
          },
        },
        `Retirer le lien ${index}`,
      ),
    );
    this.linkRows.appendChild(row);
    for (const input of [labelInput, urlInput]) input.addEventListener("input", () => this.saveLinks());
    if (save) this.saveLinks();
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
      fieldError(this.outcome, "Choisissez l'orientation donnée à l'usager.");
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
    this.refreshSummary();
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
    setText(this.typingLine, on ? "L'usager écrit…" : "");
    if (on) this.typingTimer = setTimeout(() => setText(this.typingLine, ""), 6000);
  }

  setCitizenConnected(connected) {
    setText(this.citizenStatus, connected ? "Usager en ligne." : "Usager hors ligne pour le moment : la conversation reste ouverte s'il ou elle revient.");
    this.citizenStatus.classList.toggle("away", !connected);
  }

  /** The badge: « Nouvelle » until the conversation is first opened, then the unread count. */
  setUnread(count, fresh = false) {
    this.badge.hidden = count <= 0 && !fresh;
    this.tab.classList.toggle("fresh", fresh);
    if (fresh) replaceChildren(this.badge, "Nouvelle", el("span", { className: "visually-hidden" }, " conversation, pas encore ouverte"));
    else replaceChildren(this.badge, String(count), el("span", { className: "visually-hidden" }, count > 1 ? " messages non lus" : " message non lu"));
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
    this.refreshWaiting();
    const dismiss = el("button", { type: "button", className: "button", onclick: () => this.actions.dismiss() }, "Fermer l'onglet");
    replaceChildren(this.ended, el("p", {}, text), dismiss);
    this.ended.hidden = false;
    return dismiss;
  }

  endedText(outcome) {
    if (outcome === "fin_citoyen") return "L'usager a mis fin à la conversation.";
    if (outcome === "abandon") return "L'usager a quitté la conversation depuis trop longtemps : elle est close.";
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
