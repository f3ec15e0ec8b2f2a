/**
 * Ended conversations, read-only: a day's list (GET /api/officer/conversations, newest first,
 * page by page) filtered by topic and outcome, and one conversation with its messages, links
 * and internal notes (GET /api/officer/conversations/{id}). Officers see the conversations
 * they handled, supervisors all of them (the API decides).
 */

import { OUTCOMES, SYSTEM_OUTCOMES, TOPICS } from "/shared/js/vocabulary.js";
import { api } from "./api.js";
import { $, el, options, replaceChildren, setText } from "./dom.js";
import { clock, formatNumber, isoDay, when } from "./format.js";
import { label, outcomeLabel } from "./labels.js";

const ENDED = new Set(["closed", "abandoned", "cancelled"]);
const PAGE = 50;
const PAGES_PER_CLICK = 5; // filtered pages can be short: read on, within reason
const SENDERS = { citizen: "Usager", officer: "Policier", system: "Système" };

let ready = false;
let next = null;
let shown = 0;
let query = null;

/** How a conversation ended, as the outcome filter and the list name it. */
function issueOf(row) {
  if (row.outcome) return row.outcome;
  if (row.status === "cancelled") return "annule";
  if (row.status === "abandoned") return "abandon";
  return "";
}

function setup(supervisor) {
  $("#history-day").value = isoDay(0);
  $("#history-day").max = isoDay(0);
  $("#history-topic").append(...options(null, Object.entries(TOPICS)));
  $("#history-outcome").append(...options(null, [...Object.entries(OUTCOMES), ...Object.entries(SYSTEM_OUTCOMES)]));
  setText(
    $("#history-scope"),
    supervisor
      ? "Toutes les conversations terminées de l'unité, en lecture seule."
      : "Les conversations terminées que vous avez traitées, en lecture seule.",
  );
  $("#history-filters").addEventListener("submit", (event) => {
    event.preventDefault();
    load(true);
  });
}

/** Show the view (first time: set the filters up and list today's conversations). */
export function showHistory(supervisor) {
  if (!ready) {
    ready = true;
    setup(supervisor);
  }
  load(true);
}

async function load(reset) {
  if (reset) {
    query = {
      day: $("#history-day").value || isoDay(0),
      topic: $("#history-topic").value,
      outcome: $("#history-outcome").value,
    };
    next = null;
    shown = 0;
    replaceChildren($("#history-results"), table());
    $("#history-detail").hidden = true;
  }
  setText($("#history-error"), "");
  setText($("#history-status"), "Chargement…");
  const rows = $("#history-rows");
  try {
    for (let page = 0; page < PAGES_PER_CLICK; page += 1) {
      const body = await api("/officer/conversations", { params: { day: query.day, limit: PAGE, next } });
      for (const row of body.items || []) {
        if (!ENDED.has(row.status)) continue;
        if (query.topic && row.topic !== query.topic) continue;
        if (query.outcome && issueOf(row) !== query.outcome) continue;
        rows.appendChild(rowOf(row));
        shown += 1;
      }
      next = body.next || null;
      if (!next || rows.children.length >= PAGE) break;
    }
  } catch (error) {
    setText($("#history-error"), error.message);
  }
  const more = $("#history-more");
  if (more) more.remove();
  if (next) {
    $("#history-results").appendChild(
      el("button", { type: "button", id: "history-more", className: "button secondary", onclick: () => load(false) }, "Afficher plus"),
    );
  }
  const day = when(`${query.day}T12:00:00`).split(" ")[0];
  setText(
    $("#history-status"),
    shown ? `${formatNumber(shown)} conversation${shown > 1 ? "s" : ""} terminée${shown > 1 ? "s" : ""} le ${day}${next ? " (d'autres peuvent suivre)" : ""}.` : `Aucune conversation terminée le ${day} pour ces critères.`,
  );
}

function table() {
  return el(
    "div",
    { className: "table-wrap", tabindex: "0", role: "region", "aria-label": "Conversations terminées" },
    el(
      "table",
      {},
      el("caption", { className: "visually-hidden" }, "Conversations terminées"),
      el("thead", {}, el("tr", {}, ["Début", "Sujet", "Issue", "Messages", "Lire"].map((name) => el("th", { scope: "col" }, name)))),
      el("tbody", { id: "history-rows" }),
    ),
  );
}

function rowOf(row) {
  const issue = issueOf(row);
  return el(
    "tr",
    { dataset: { conversationId: row.conversation_id } },
    el("td", {}, clock(row.created_at)),
    el("td", {}, label(TOPICS, row.topic), row.urgent ? el("span", { className: "tag urgent" }, "Urgent") : null),
    el("td", {}, issue ? outcomeLabel(issue) : "—"),
    el("td", { className: "number" }, formatNumber(row.messages)),
    el(
      "td",
      {},
      el(
        "button",
        { type: "button", className: "button secondary small", onclick: () => openConversation(row.conversation_id) },
        "Lire",
        el("span", { className: "visually-hidden" }, ` la conversation de ${clock(row.created_at)} (${label(TOPICS, row.topic)})`),
      ),
    ),
  );
}

/** One conversation, all its messages (pages of 100), read-only. */
async function openConversation(conversationId) {
  const box = $("#history-detail");
  box.hidden = false;
  replaceChildren(box, el("p", { className: "hint", role: "status" }, "Chargement de la conversation…"));
  let detail;
  const messages = [];
  try {
    let after = 0;
    for (let page = 0; page < 20; page += 1) {
      detail = await api(`/officer/conversations/${encodeURIComponent(conversationId)}`, { params: { after, limit: 100 } });
      messages.push(...(detail.messages || []));
      if (detail.next_after === null || detail.next_after === undefined) break;
      after = detail.next_after;
    }
  } catch (error) {
    replaceChildren(box, el("p", { className: "form-error", role: "alert" }, error.message));
    return;
  }
  const notes = (detail.history || []).filter((event) => event.note);
  const issue = issueOf(detail);
  replaceChildren(
    box,
    el("h2", { id: "history-detail-title", tabindex: "-1" }, `${label(TOPICS, detail.topic)} — ${when(detail.created_at)}`),
    el(
      "dl",
      { className: "facts" },
      el("dt", {}, "Issue"),
      el("dd", {}, issue ? outcomeLabel(issue) : "—"),
      el("dt", {}, "Urgente"),
      el("dd", {}, detail.urgent ? "Oui" : "Non"),
    ),
    notes.length
      ? el(
          "section",
          { className: "notes", "aria-label": "Notes internes (visibles des policiers seulement)" },
          el("h3", {}, "Notes internes"),
          el("ul", {}, notes.map((note) => el("li", {}, el("p", { className: "meta" }, `${note.by_name || "Un collègue"} · ${clock(note.at)}`), el("p", { className: "text" }, note.note)))),
        )
      : null,
    (detail.links || []).length
      ? el("section", {}, el("h3", {}, "Liens remis"), el("ul", {}, detail.links.map((link) => el("li", {}, `${link.label} : ${link.url}`))))
      : null,
    el("h3", {}, "Messages"),
    el(
      "ol",
      { className: "messages read-only" },
      messages.map((message) =>
        el(
          "li",
          { className: `message from-${message.kind === "message" ? message.sender : "system"}` },
          el("p", { className: "meta" }, `${SENDERS[message.kind === "message" ? message.sender : "system"]} · ${clock(message.sent_at)}`),
          el("p", { className: "text" }, message.text),
        ),
      ),
    ),
  );
  $("#history-detail-title").focus();
}
