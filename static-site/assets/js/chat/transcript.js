/**
 * The transcript a citizen can bring to a commissariat: GET {apiBase}/conversations/{id}/
 * transcript.json with the resume token in a header (never in the URL), shown in the page as a
 * printable section (the print style sheet keeps only it: « Imprimer ou enregistrer en PDF »
 * uses the browser's own PDF), or saved as a text file (…/transcript, through a Blob). Both
 * carry the reference, Paris time with the date, the orientation, the officer's label and
 * absolute links; the page's links are built with linkify (never HTML from the messages).
 */
import { linkify } from "/shared/js/linkify.js";

function headers(token, accept) {
  return { "X-Resume-Token": token, Accept: accept };
}

function url(apiBase, conversationId, suffix) {
  return `${apiBase}/conversations/${encodeURIComponent(conversationId)}/${suffix}`;
}

export async function downloadTranscript(apiBase, conversationId, token) {
  const response = await fetch(url(apiBase, conversationId, "transcript"), {
    headers: headers(token, "text/plain"),
    cache: "no-store",
  });
  if (!response.ok) throw new Error(`transcript ${response.status}`);
  const blob = await response.blob();
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `conversation-moncommissariat-${new Date().toISOString().slice(0, 10)}.txt`;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

export async function fetchTranscript(apiBase, conversationId, token) {
  const response = await fetch(url(apiBase, conversationId, "transcript.json"), {
    headers: headers(token, "application/json"),
    cache: "no-store",
  });
  if (!response.ok) throw new Error(`transcript ${response.status}`);
  return response.json();
}

function node(tag, text, className) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** The printable transcript, in `section` (chat.html's [data-chat-transcript]). */
export function renderTranscript(section, record) {
  const $ = (selector) => section.querySelector(selector);
  $("[data-transcript-service]").textContent = String(record.service ?? "");
  const facts = [
    ["Référence", record.reference],
    ["Sujet", record.topic],
    ["Commencée le", record.started],
    ["Terminée le", record.ended],
    ["Réponses", record.officer ? `${record.officer} du commissariat en ligne` : null],
  ];
  $("[data-transcript-facts]").replaceChildren(
    ...facts
      .filter(([, value]) => typeof value === "string" && value)
      .flatMap(([term, value]) => [node("dt", term), node("dd", value)]),
  );
  const lines = (Array.isArray(record.messages) ? record.messages : []).map((message) => {
    const item = node("li", undefined, `transcription__message transcription__message--${message.sender}`);
    const meta = node("p", undefined, "transcription__meta");
    const time = node("time", String(message.time ?? ""));
    if (typeof message.at === "string") time.dateTime = message.at;
    meta.append(time, ` — ${message.speaker ?? ""}`);
    const text = node("p", undefined, "transcription__texte");
    text.append(linkify(String(message.text ?? ""), { newTab: false }));
    item.append(meta, text);
    return item;
  });
  $("[data-transcript-messages]").replaceChildren(...lines);
  const links = (Array.isArray(record.links) ? record.links : []).map((link) => {
    const item = node("li");
    item.append(`${link.label} : `, linkify(String(link.url ?? ""), { newTab: false }));
    return item;
  });
  $("[data-transcript-outcome]").textContent = record.outcome_label ? `${record.outcome_label}.` : "";
  $("[data-transcript-links]").replaceChildren(...links);
  $("[data-transcript-orientation]").hidden = !record.outcome_label && links.length === 0;
  $("[data-transcript-note]").textContent =
    `Heures indiquées : ${record.time_zone ?? "heure de Paris"}. ${record.emergency ?? ""}`.trim();
}
