/**
 * Supervisors only (the API refuses the others anyway): the dashboard (chat statistics,
 * each officer now, conversations by hour for shift planning, survey answers, reports) with
 * Chart.js — live: read again every 30 s while it is shown — canned-response management,
 * survey results and the workshop volunteers.
 */

import { api } from "./api.js";
import { chartFigure, loadChartLibrary } from "./charts.js";
import { $, el, fieldError, replaceChildren, setText, uniqueId } from "./dom.js";
import { duration, formatNumber, percent, shortDay, when } from "./format.js";
import { CHAT_QUESTIONS, HOW_FAR, NON_USER_QUESTIONS, PRESENCE, REPORT_KINDS, REPORT_STATUSES, SURVEY_ANSWERS, WANTED_ONLINE } from "/shared/js/vocabulary.js";
import { label, outcomeLabel } from "./labels.js";
import { loadCanned } from "./tools.js";

const charts = [];
let volunteersNext = null;
const LIVE_EVERY_MS = 30000;
let loading = null;

function dashboardShown() {
  return document.body.dataset.current === "supervision" && document.visibilityState === "visible";
}

export function startSupervision() {
  $("#dashboard-refresh").addEventListener("click", () => loadDashboard());
  $("#dashboard-days").addEventListener("change", () => loadDashboard());
  // Live: the figures are read again every 30 s while the dashboard is on screen.
  setInterval(() => dashboardShown() && loadDashboard(true), LIVE_EVERY_MS);
  document.addEventListener("visibilitychange", () => dashboardShown() && loadDashboard(true));
  refreshSupervision();
}

export function refreshSupervision() {
  loadDashboard();
  loadCannedAdmin();
  loadVolunteers(true);
}

// -- dashboard --------------------------------------------------------------------------

function kpi(name, title, value) {
  return el("div", { dataset: { kpi: name } }, el("dt", {}, title), el("dd", {}, value));
}

/** Read and draw the dashboard; `live`: a timed refresh (no « Chargement » announced). */
function loadDashboard(live = false) {
  if (loading) return loading;
  loading = drawDashboard(live).finally(() => {
    loading = null;
  });
  return loading;
}

async function drawDashboard(live) {
  const days = Number($("#dashboard-days").value) || 14;
  const status = $("#dashboard-status");
  if (!live) setText(status, "Chargement des chiffres…");
  const [chat, feedback, present] = await Promise.allSettled([
    api("/officer/stats/chat", { params: { days } }),
    api("/officer/feedback/summary", { params: { days } }),
    api("/officer/stats/officers"),
  ]);
  renderOfficers(present.status === "fulfilled" ? present.value.items : null, present.reason);
  const problems = [];
  if (chat.status === "rejected") problems.push(`statistiques du chat : ${chat.reason.message}`);
  if (feedback.status === "rejected") problems.push(`questionnaires et signalements : ${feedback.reason.message}`);
  const stats = chat.status === "fulfilled" ? chat.value : null;
  const summary = feedback.status === "fulfilled" ? feedback.value : null;
  renderKpis(stats, summary);
  try {
    await renderCharts(stats, summary);
  } catch {
    problems.push("les graphiques n'ont pas pu être dessinés");
  }
  renderSurvey(summary);
  const text = problems.length
    ? `Indisponible : ${problems.join(" ; ")}.`
    : `Chiffres des ${days} derniers jours, mis à jour à ${new Date().toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit", second: "2-digit" })} (mise à jour automatique toutes les 30 secondes).`;
  // A timed refresh does not re-announce the same sentence to screen readers every 30 s.
  if (live) $("#dashboard-updated").textContent = text;
  else setText(status, text);
  if (!live) $("#dashboard-updated").textContent = "";
}

/** Each officer online or away now: presence, load, longest wait for an answer. */
function renderOfficers(items, failure) {
  const box = $("#officers-now");
  if (!items) {
    replaceChildren(box, el("p", { className: "form-error" }, (failure && failure.message) || "Indisponible."));
    return;
  }
  if (!items.length) {
    replaceChildren(box, el("p", {}, "Aucun policier en ligne ni en pause."));
    return;
  }
  replaceChildren(
    box,
    el(
      "div",
      { className: "table-wrap" },
      el(
        "table",
        {},
        el("caption", { className: "visually-hidden" }, "Policiers en service maintenant"),
        el("thead", {}, el("tr", {}, ["Policier", "Disponibilité", "Conversations", "Plus longue attente d'une réponse"].map((name) => el("th", { scope: "col" }, name)))),
        el(
          "tbody",
          {},
          items.map((officer) =>
            el(
              "tr",
              { dataset: { officerId: officer.officer_id } },
              el("th", { scope: "row" }, officer.name),
              el("td", {}, `${label(PRESENCE, officer.status)}${officer.connected ? "" : " (console fermée)"}`),
              el("td", { className: "number" }, `${formatNumber(officer.active_count)} (maximum ${formatNumber(officer.capacity)})`),
              el("td", { className: "number" }, officer.longest_reply_wait_seconds === null ? "—" : duration(officer.longest_reply_wait_seconds)),
            ),
          ),
        ),
      ),
    ),
  );
}

function renderKpis(stats, summary) {
  const totals = (stats && stats.totals) || {};
  const now = (stats && stats.now) || {};
  const items = [];
  if (stats) {
    items.push(
      kpi("waiting", "En attente maintenant", formatNumber(now.waiting)),
      kpi("online", "Policiers en ligne", formatNumber(now.officers_online)),
      kpi("started", "Conversations commencées", formatNumber(totals.started)),
      kpi("closed", "Conversations closes", formatNumber(totals.closed)),
      kpi("median-wait", "Attente médiane", duration(totals.median_wait_seconds)),
      kpi("median-handle", "Durée médiane de traitement", duration(totals.median_handle_seconds)),
      kpi("abandonment", "Taux d'abandon", percent(totals.abandonment_rate)),
    );
  }
  if (summary) {
    const rating = summary.chat.rating.average;
    items.push(
      kpi("survey", "Réponses au questionnaire", formatNumber(summary.chat.responses)),
      kpi("rating", "Note moyenne (sur 5)", rating === null || rating === undefined ? "—" : new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 }).format(rating)),
      kpi("reports", "Signalements reçus", formatNumber(summary.reports.received)),
    );
  }
  replaceChildren($("#kpis"), items);
}

async function renderCharts(stats, summary) {
  const box = $("#charts");
  while (charts.length) charts.pop().destroy();
  replaceChildren(box);
  if (!stats && !summary) return;
  const Chart = await loadChartLibrary();
  const specs = [];
  if (stats) {
    const days = stats.days || [];
    const labels = days.map((day) => shortDay(day.day));
    const total = (name) => days.reduce((sum, day) => sum + Number(day[name] || 0), 0);
    specs.push({
      id: "per-day",
      title: "Conversations par jour",
      type: "bar",
      firstColumn: "Jour",
      labels,
      series: [
        { label: "Commencées", values: days.map((day) => day.started) },
        { label: "Closes", values: days.map((day) => day.closed) },
        { label: "Abandonnées", values: days.map((day) => day.abandoned) },
      ],
      summary: `${formatNumber(total("started"))} commencées, ${formatNumber(total("closed"))} closes, ${formatNumber(total("abandoned"))} abandonnées sur la période.`,
    });
    const minutes = (value) => (value === null || value === undefined ? null : Math.round((value / 60) * 10) / 10);
    specs.push({
      id: "times",
      title: "Attente et traitement moyens par jour (minutes)",
      type: "line",
      unit: "min",
      firstColumn: "Jour",
      labels,
      series: [
        { label: "Attente", values: days.map((day) => minutes(day.mean_wait_seconds)), format: (v) => (v === null ? "—" : `${v} min`) },
        { label: "Traitement", values: days.map((day) => minutes(day.mean_handle_seconds)), format: (v) => (v === null ? "—" : `${v} min`) },
      ],
      summary: `Attente médiane ${duration(stats.totals.median_wait_seconds)}, traitement médian ${duration(stats.totals.median_handle_seconds)}.`,
    });
    if (stats.hours) {
      const hours = Array.from({ length: 24 }, (_, hour) => `${hour} h`);
      const today = stats.hours.today.started;
      const weeks = stats.hours.four_weeks.started;
      const busiest = weeks.indexOf(Math.max(...weeks));
      specs.push({
        id: "by-hour",
        title: "Conversations commencées par heure (heure de Paris)",
        type: "bar",
        firstColumn: "Heure",
        labels: hours,
        series: [
          { label: "Aujourd'hui", values: today },
          {
            label: "Moyenne des 4 dernières semaines",
            values: weeks,
            format: (v) => new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 }).format(v || 0),
          },
        ],
        summary: `${formatNumber(today.reduce((a, b) => a + b, 0))} aujourd'hui. ${Math.max(...weeks) > 0 ? `Heure la plus chargée sur 4 semaines : ${busiest} h.` : "Pas encore de données sur 4 semaines."}`,
      });
    }
    const outcomes = Object.entries(stats.totals.outcomes || {}).filter(([, count]) => count > 0);
    specs.push({
      id: "outcomes",
      title: "Orientations données",
      type: "bar",
      horizontal: true,
      firstColumn: "Orientation",
      labels: outcomes.map(([name]) => outcomeLabel(name)),
      series: [{ label: "Conversations", values: outcomes.map(([, count]) => count) }],
      summary: outcomes.length
        ? outcomes.map(([name, count]) => `${outcomeLabel(name)} : ${count}`).join(", ")
        : "Aucune conversation close sur la période.",
    });
  }
  if (summary) {
    const questions = Object.keys(summary.chat.questions || {});
    specs.push({
      id: "survey",
      title: "Questionnaire après le chat",
      type: "bar",
      horizontal: true,
      stacked: true,
      firstColumn: "Question",
      labels: questions.map((question) => label(CHAT_QUESTIONS, question)),
      series: Object.keys(SURVEY_ANSWERS).map((answer) => ({
        label: SURVEY_ANSWERS[answer],
        values: questions.map((question) => summary.chat.questions[question][answer] || 0),
      })),
      summary: `${formatNumber(summary.chat.responses)} réponses.`,
    });
    specs.push(
      reportsChart("report-kinds", "Signalements reçus par type", "Type", REPORT_KINDS, summary.reports.by_kind),
      reportsChart("report-statuses", "Signalements passés à chaque statut", "Statut", REPORT_STATUSES, summary.reports.entered_status),
    );
  }
  for (const spec of specs) {
    const { figure, chart } = chartFigure(Chart, spec);
    box.appendChild(figure);
    charts.push(chart);
  }
}

/** Bars of report counts, one per entry of a vocabulary (kinds, statuses), zeros included. */
function reportsChart(id, title, firstColumn, vocabulary, counts) {
  const entries = Object.entries(vocabulary).map(([key, text]) => [text, counts[key] || 0]);
  return {
    id,
    title,
    type: "bar",
    firstColumn,
    labels: entries.map(([text]) => text),
    series: [{ label: "Signalements", values: entries.map(([, count]) => count) }],
    summary: entries.map(([text, count]) => `${text} : ${count}`).join(", "),
  };
}

// -- survey results ---------------------------------------------------------------------

function countTable(caption, firstColumn, rows) {
  return el(
    "div",
    { className: "table-wrap" },
    el(
      "table",
      {},
      el("caption", {}, caption),
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, firstColumn), el("th", { scope: "col", className: "number" }, "Réponses"))),
      el("tbody", {}, rows.map(([name, count]) => el("tr", {}, el("th", { scope: "row" }, name), el("td", { className: "number" }, formatNumber(count))))),
    ),
  );
}

function renderSurvey(summary) {
  const box = $("#survey-results");
  if (!summary) {
    replaceChildren(box, el("p", {}, "Résultats indisponibles."));
    return;
  }
  const chat = summary.chat;
  const nonUsers = summary.non_users;
  replaceChildren(
    box,
    el("p", {}, `Du ${when(`${summary.first_day}T12:00:00Z`).split(" ")[0]} au ${when(`${summary.last_day}T12:00:00Z`).split(" ")[0]} : ${formatNumber(chat.responses)} réponses après un chat, ${formatNumber(nonUsers.responses)} réponses de personnes qui n'ont pas utilisé le service, ${formatNumber(summary.volunteers)} volontaires inscrits.`),
    Object.keys(chat.questions).map((question) =>
      countTable(label(CHAT_QUESTIONS, question), "Réponse", Object.keys(SURVEY_ANSWERS).map((answer) => [SURVEY_ANSWERS[answer], chat.questions[question][answer] || 0])),
    ),
    countTable("Note globale", "Note", ["1", "2", "3", "4", "5"].map((note) => [`${note} sur 5`, chat.rating.distribution[note] || 0])),
    countTable(NON_USER_QUESTIONS.wanted_online, "Réponse", Object.keys(WANTED_ONLINE).map((answer) => [WANTED_ONLINE[answer], nonUsers.wanted_online[answer] || 0])),
    countTable(NON_USER_QUESTIONS.how_far, "Étape", Object.keys(nonUsers.how_far).map((step) => [label(HOW_FAR, step), nonUsers.how_far[step] || 0])),
  );
}

// -- canned responses -------------------------------------------------------------------

async function loadCannedAdmin() {
  const box = $("#canned-admin");
  let items;
  try {
    items = await loadCanned(true);
  } catch (error) {
    replaceChildren(box, el("p", { className: "form-error" }, error.message));
    return;
  }
  const form = cannedForm(null);
  replaceChildren(
    box,
    form,
    el("h3", {}, `${items.length} réponse${items.length > 1 ? "s" : ""} type${items.length > 1 ? "s" : ""}`),
    el("ul", { className: "admin-list" }, items.map((item) => cannedItem(item))),
  );
}

function cannedItem(item) {
  const li = el(
    "li",
    { className: "admin-item", dataset: { cannedId: item.id } },
    el("h4", {}, item.title),
    el("p", {}, item.text),
    item.link ? el("p", { className: "hint" }, `Lien : ${item.link.label} — ${item.link.url}`) : null,
  );
  const remove = el("button", { type: "button", className: "button secondary small" }, "Supprimer");
  const edit = el("button", { type: "button", className: "button secondary small" }, "Modifier");
  const error = el("p", { className: "form-error", role: "alert" });
  edit.addEventListener("click", () => {
    const form = cannedForm(item);
    li.replaceWith(form);
    form.querySelector("input").focus();
  });
  remove.addEventListener("click", async () => {
    if (remove.dataset.confirm !== "yes") {
      remove.dataset.confirm = "yes";
      setText(remove, `Confirmer la suppression de « ${item.title} »`);
      return;
    }
    try {
      await api(`/officer/canned/${encodeURIComponent(item.id)}`, { method: "DELETE" });
      await loadCannedAdmin();
      $("#canned-admin-title").focus?.();
    } catch (failure) {
      setText(error, failure.message);
    }
  });
  li.appendChild(el("div", { className: "inline" }, edit, remove));
  li.appendChild(error);
  return li;
}

function cannedForm(item) {
  const ids = { title: uniqueId("canned-title"), text: uniqueId("canned-text"), label: uniqueId("canned-link-label"), url: uniqueId("canned-link-url") };
  const title = el("input", { id: ids.title, className: "input", maxlength: "120", value: item ? item.title : "" });
  const text = el("textarea", { id: ids.text, className: "input", rows: "4", maxlength: "2000" });
  text.value = item ? item.text : "";
  const linkLabel = el("input", { id: ids.label, className: "input", maxlength: "120", value: item && item.link ? item.link.label : "" });
  const linkUrl = el("input", { id: ids.url, className: "input", maxlength: "500", value: item && item.link ? item.link.url : "" });
  const error = el("p", { className: "form-error", role: "alert" });
  const form = el(
    "form",
    { className: "canned-form", novalidate: true },
    el("h3", {}, item ? `Modifier « ${item.title} »` : "Nouvelle réponse type"),
    el("label", { for: ids.title }, "Titre"),
    title,
    el("label", { for: ids.text }, "Texte"),
    text,
    el("label", { for: ids.label }, "Intitulé du lien (facultatif)"),
    linkLabel,
    el("label", { for: ids.url }, "Adresse du lien (facultatif)"),
    linkUrl,
    error,
    el(
      "div",
      { className: "inline" },
      el("button", { type: "submit", className: "button" }, item ? "Enregistrer" : "Ajouter"),
      item ? el("button", { type: "button", className: "button secondary", onclick: () => loadCannedAdmin() }, "Annuler") : null,
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    setText(error, "");
    const body = { title: title.value.trim(), text: text.value.trim() };
    let valid = true;
    fieldError(title, body.title ? "" : "Donnez un titre.");
    fieldError(text, body.text ? "" : "Écrivez le texte de la réponse.");
    if (!body.title || !body.text) valid = false;
    const url = linkUrl.value.trim();
    const linkText = linkLabel.value.trim();
    if (url || linkText) {
      const urlOk = /^(https:\/\/[^\s<>"']+|\/[A-Za-z0-9/_#?=&.-]*)$/.test(url);
      fieldError(linkUrl, urlOk ? "" : "Adresse invalide : https://… ou une page du site (/fiches/…).");
      fieldError(linkLabel, linkText ? "" : "Donnez un intitulé au lien.");
      if (!urlOk || !linkText) valid = false;
      body.link = { label: linkText, url };
    }
    if (!valid) {
      form.querySelector("[aria-invalid='true']").focus();
      return;
    }
    try {
      if (item) await api(`/officer/canned/${encodeURIComponent(item.id)}`, { method: "PUT", body });
      else await api("/officer/canned", { method: "POST", body });
      await loadCannedAdmin();
    } catch (failure) {
      setText(error, failure.message);
    }
  });
  return form;
}

// -- volunteers -------------------------------------------------------------------------

async function loadVolunteers(reset) {
  const box = $("#volunteers");
  if (reset) {
    volunteersNext = null;
    replaceChildren(
      box,
      el(
        "div",
        // Free text can make it scroll: a region keyboard users can reach (WCAG 2.1.1).
        { className: "table-wrap", tabindex: "0", role: "region", "aria-label": "Volontaires" },
        el(
          "table",
          {},
          el("caption", { className: "visually-hidden" }, "Volontaires"),
          el("thead", {}, el("tr", {}, ["Nom", "Contact", "Disponibilités", "Inscription", "Effacé le"].map((name) => el("th", { scope: "col" }, name)))),
          el("tbody", { id: "volunteer-rows" }),
        ),
      ),
      el("p", { id: "volunteers-status", className: "hint", role: "status" }),
    );
  }
  let page;
  try {
    page = await api("/officer/volunteers", { params: { limit: 50, next: volunteersNext } });
  } catch (error) {
    setText($("#volunteers-status"), error.message);
    return;
  }
  const rows = $("#volunteer-rows");
  for (const volunteer of page.items || []) {
    rows.appendChild(
      el(
        "tr",
        {},
        el("td", {}, volunteer.name),
        el("td", {}, volunteer.reach),
        el("td", {}, volunteer.availability),
        el("td", {}, when(volunteer.created_at)),
        el("td", {}, when(volunteer.expires_at)),
      ),
    );
  }
  volunteersNext = page.next || null;
  const status = $("#volunteers-status");
  setText(status, rows.children.length ? `${rows.children.length} volontaire${rows.children.length > 1 ? "s" : ""} affiché${rows.children.length > 1 ? "s" : ""}.` : "Aucun volontaire inscrit.");
  const more = $("#volunteers-more");
  if (more) more.remove();
  if (volunteersNext) {
    box.appendChild(el("button", { type: "button", id: "volunteers-more", className: "button secondary", onclick: () => loadVolunteers(false) }, "Afficher plus"));
  }
}
