/**
 * Reports (signalements): filtered list or grouped by spot, a report's detail with its photos
 * and history, a status change with a note, and the CSV export. Everything a citizen wrote is
 * rendered as text.
 */

import { REPORT_DETAILS, REPORT_KINDS, REPORT_STATUSES, TARGET_STATUSES } from "/shared/js/vocabulary.js";
import { api } from "./api.js";
import { $, $all, el, fieldError, options, replaceChildren, setText } from "./dom.js";
import { formatNumber, isoDay, when } from "./format.js";
import { label } from "./labels.js";

const DEPT = /^(?:0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6]|98[0-9])$/;
const PAGE = 25;
const DAYS = { lundi: "lundi", mardi: "mardi", mercredi: "mercredi", jeudi: "jeudi", vendredi: "vendredi", samedi: "samedi", dimanche: "dimanche" };

let nextCursor = null;
let lastQuery = {};

export function startReports() {
  $("#filter-kind").append(...options(null, Object.entries(REPORT_KINDS)));
  $("#filter-status").append(...options(null, Object.entries(REPORT_STATUSES)));
  $("#report-filters").addEventListener("submit", (event) => {
    event.preventDefault();
    search();
  });
  $("#export-csv").addEventListener("click", exportCsv);
  for (const radio of $all("input[name='grouping']")) radio.addEventListener("change", () => search());
  search();
}

function filters(forExport = false) {
  const dept = $("#filter-dept");
  const from = $("#filter-from");
  const to = $("#filter-to");
  dept.value = dept.value.trim().toUpperCase();
  let valid = true;
  fieldError(dept, !dept.value || DEPT.test(dept.value) ? "" : "Département invalide (ex. : 75, 2A, 974).");
  if (dept.value && !DEPT.test(dept.value)) valid = false;
  fieldError(to, from.value && to.value && to.value < from.value ? "La fin de la période précède son début." : "");
  if (from.value && to.value && to.value < from.value) valid = false;
  if (forExport) {
    fieldError(dept, dept.value ? (DEPT.test(dept.value) ? "" : "Département invalide (ex. : 75, 2A, 974).") : "Choisissez un département pour exporter.");
    fieldError(from, from.value ? "" : "Choisissez le début de la période à exporter.");
    if (!dept.value || !from.value) valid = false;
  }
  if (!valid) {
    const first = $("#report-filters [aria-invalid='true']");
    if (first) first.focus();
    return null;
  }
  return {
    kind: $("#filter-kind").value,
    status: $("#filter-status").value,
    dept: dept.value,
    from: from.value,
    to: to.value || (forExport ? isoDay(0) : ""),
  };
}

function grouping() {
  const checked = $("input[name='grouping']:checked");
  return checked ? checked.value : "list";
}

async function search() {
  const query = filters();
  if (!query) return;
  setText($("#reports-error"), "");
  $("#filter-status").disabled = grouping() === "spots";
  nextCursor = null;
  lastQuery = query;
  replaceChildren($("#reports-results"));
  if (grouping() === "spots") await loadSpots(true);
  else await loadReports(true);
}

/** A page of `path` for `query` (the next one unless `reset`), or null when it failed (said). */
async function fetchPage(path, query, reset) {
  const status = $("#reports-status");
  setText(status, "Chargement…");
  try {
    return await api(path, { params: { ...query, limit: PAGE, next: reset ? null : nextCursor } });
  } catch (error) {
    setText(status, "");
    setText($("#reports-error"), error.message);
    return null;
  }
}

/** Remembers where the next page starts; « Afficher plus » (before `before`) when there is one. */
function offerMore(page, results, loadMore, before = null) {
  nextCursor = page.next || null;
  $("#reports-more")?.remove();
  if (nextCursor) {
    const more = el("button", { type: "button", id: "reports-more", className: "button secondary", onclick: loadMore }, "Afficher plus");
    results.insertBefore(more, before);
  }
}

function reportTable(caption) {
  return el(
    "div",
    // Addresses can make it scroll: a region keyboard users can reach (WCAG 2.1.1).
    { className: "table-wrap", tabindex: "0", role: "region", "aria-label": caption },
    el(
      "table",
      { className: "reports-table" },
      el("caption", {}, caption),
      el("thead", {}, el("tr", {}, ["Reçu le", "Type", "Lieu", "Statut"].map((name) => el("th", { scope: "col" }, name)))),
      el("tbody", {}),
    ),
  );
}

function reportRow(report) {
  return el(
    "tr",
    { dataset: { reportId: report.report_id } },
    el("td", {}, when(report.created_at)),
    el("td", {}, report.kind_label || label(REPORT_KINDS, report.kind)),
    el(
      "td",
      {},
      el(
        "button",
        { type: "button", className: "link-button", onclick: () => showReport(report.report_id) },
        `${report.address}, ${report.postcode} ${report.commune}`,
      ),
    ),
    el("td", {}, report.status_label || label(REPORT_STATUSES, report.status)),
  );
}

async function loadReports(reset) {
  const page = await fetchPage("/officer/reports", lastQuery, reset);
  if (!page) return;
  const results = $("#reports-results");
  if (reset) replaceChildren(results, reportTable("Signalements"));
  const body = results.querySelector("tbody");
  for (const report of page.items || []) body.appendChild(reportRow(report));
  offerMore(page, results, () => loadReports(false));
  const count = body.children.length;
  setText($("#reports-status"), count ? `${formatNumber(count)} signalement${count > 1 ? "s" : ""} affiché${count > 1 ? "s" : ""}${nextCursor ? " (d'autres suivent)" : ""}.` : "Aucun signalement ne correspond à ces filtres.");
}

async function loadSpots(reset) {
  const { status: _ignored, ...query } = lastQuery;
  const page = await fetchPage("/officer/spots", query, reset);
  if (!page) return;
  const results = $("#reports-results");
  if (reset) {
    replaceChildren(
      results,
      el(
        "div",
        {
          className: "table-wrap",
          tabindex: "0",
          role: "region",
          "aria-label": "Lieux signalés (signalements regroupés)",
        },
        el(
          "table",
          { className: "spots-table" },
          el("caption", {}, "Lieux signalés (signalements regroupés)"),
          el("thead", {}, el("tr", {}, ["Lieu", "Type", "Signalements", "Premier", "Dernier"].map((name) => el("th", { scope: "col", className: name === "Signalements" ? "number" : null }, name)))),
          el("tbody", {}),
        ),
      ),
      el("div", { id: "spot-reports" }),
    );
  }
  const body = results.querySelector("tbody");
  for (const spot of page.items || []) {
    body.appendChild(
      el(
        "tr",
        { dataset: { spotId: spot.spot_id } },
        el("td", {}, el("button", { type: "button", className: "link-button", onclick: () => showSpot(spot) }, `${spot.address}, ${spot.postcode} ${spot.commune}`)),
        el("td", {}, spot.kind_label || label(REPORT_KINDS, spot.kind)),
        el("td", { className: "number" }, formatNumber(spot.report_count)),
        el("td", {}, when(spot.first_at)),
        el("td", {}, when(spot.last_at)),
      ),
    );
  }
  offerMore(page, results, () => loadSpots(false), $("#spot-reports"));
  const count = body.children.length;
  setText($("#reports-status"), count ? `${formatNumber(count)} lieu${count > 1 ? "x" : ""} affiché${count > 1 ? "s" : ""}.` : "Aucun lieu ne correspond à ces filtres.");
}

async function showSpot(spot) {
  const box = $("#spot-reports");
  setText($("#reports-status"), "Chargement des signalements du lieu…");
  let page;
  try {
    page = await api(`/officer/spots/${encodeURIComponent(spot.spot_id)}/reports`, { params: { limit: 100 } });
  } catch (error) {
    setText($("#reports-error"), error.message);
    return;
  }
  const table = reportTable(`Signalements du lieu : ${spot.address}, ${spot.postcode} ${spot.commune}`);
  for (const report of page.items || []) table.querySelector("tbody").appendChild(reportRow(report));
  const heading = el("h2", { tabindex: "-1" }, `${spot.address}, ${spot.commune}`);
  replaceChildren(box, heading, table);
  setText($("#reports-status"), `${formatNumber((page.items || []).length)} signalement(s) pour ce lieu.`);
  heading.focus();
}

function yesNo(value) {
  if (value === true) return "oui";
  if (value === false) return "non";
  return Array.isArray(value) ? value.join(", ") : String(value);
}

function observedText(observed) {
  if (!observed || typeof observed !== "object") return "—";
  const parts = [];
  if (Array.isArray(observed.days) && observed.days.length) parts.push(observed.days.map((day) => DAYS[day] || day).join(", "));
  if (Array.isArray(observed.time_ranges) && observed.time_ranges.length) {
    parts.push(observed.time_ranges.map((range) => `${range.start}–${range.end}`).join(", "));
  }
  if (observed.since) parts.push(`depuis : ${observed.since}`);
  return parts.join(" · ") || "—";
}

function row(term, value) {
  return [el("dt", {}, term), el("dd", { dir: "auto" }, value === null || value === undefined || value === "" ? "—" : value)];
}

async function showReport(reportId) {
  const detail = $("#report-detail");
  detail.hidden = false;
  replaceChildren(detail, el("p", { role: "status" }, "Chargement du signalement…"));
  let report;
  try {
    report = await api(`/officer/reports/${encodeURIComponent(reportId)}`);
  } catch (error) {
    replaceChildren(detail, el("p", { className: "form-error", role: "alert" }, error.message));
    return;
  }
  renderReport(report);
}

function renderReport(report) {
  const detail = $("#report-detail");
  detail.dataset.reportId = report.report_id;
  const location = report.location || {};
  const details = Object.entries(report.details || {}).filter(([, value]) => value !== null && value !== undefined && value !== "");
  const heading = el("h2", { tabindex: "-1" }, `${report.kind_label || label(REPORT_KINDS, report.kind)} — ${report.commune}`);
  const photos = report.photos || [];
  replaceChildren(
    detail,
    heading,
    el(
      "dl",
      {},
      row("Statut", report.status_label || label(REPORT_STATUSES, report.status)),
      row("Reçu le", when(report.created_at)),
      row("Mis à jour le", when(report.updated_at)),
      row("Adresse", `${location.address || report.address}, ${location.postcode || report.postcode} ${location.commune || report.commune}`),
      row("Département", location.dept || report.dept),
      location.lat !== null && location.lat !== undefined ? row("Coordonnées", `${location.lat}, ${location.lon}`) : null,
      row("Observé", observedText(report.observed)),
      row("Description", report.description),
      details.map(([key, value]) => row(label(REPORT_DETAILS, key), yesNo(value))),
      report.contact ? row("Contact", `${report.contact.name ? `${report.contact.name} — ` : ""}${report.contact.reach} (effacé le ${when(report.contact.expires_at)})`) : row("Contact", "aucun (anonyme)"),
    ),
    el("h3", {}, photos.length ? `Photos (${photos.length})` : "Photos"),
    photos.length
      ? el(
          "ul",
          { className: "photos" },
          photos.map((photo, index) =>
            el(
              "li",
              {},
              el("img", { src: photo.url, alt: `Photo ${index + 1} du signalement`, width: String(photo.width), height: String(photo.height), loading: "lazy" }),
              el("p", {}, el("a", { href: photo.url, target: "_blank", rel: "noopener noreferrer" }, `Ouvrir la photo ${index + 1} (lien valable ${Math.round(photo.expires_in / 60)} min)`)),
            ),
          ),
        )
      : el("p", {}, "Aucune photo."),
    el("h3", {}, "Historique"),
    (report.history || []).length
      ? el(
          "ol",
          { className: "history" },
          report.history.map((event) =>
            el("li", {}, `${when(event.at)} — ${event.officer} : ${label(REPORT_STATUSES, event.from_status)} → ${label(REPORT_STATUSES, event.to_status)}. `, el("q", {}, event.note)),
          ),
        )
      : el("p", {}, "Aucun changement de statut."),
    statusForm(report),
  );
  heading.focus();
}

function statusForm(report) {
  const id = report.report_id;
  const targets = TARGET_STATUSES.filter((status) => status !== report.status);
  const select = el(
    "select",
    { id: `status-to-${id}`, className: "input" },
    options(null, targets.map((status) => [status, REPORT_STATUSES[status]])),
  );
  const note = el("textarea", { id: `status-note-${id}`, className: "input", rows: "3", maxlength: "1000" });
  const error = el("p", { className: "form-error", role: "alert" });
  const form = el(
    "form",
    { className: "status-form", novalidate: true },
    el("h3", {}, "Changer le statut"),
    el("label", { for: `status-to-${id}` }, "Nouveau statut"),
    select,
    el("label", { for: `status-note-${id}` }, "Note (obligatoire, visible par vos collègues)"),
    note,
    error,
    el("button", { type: "submit", className: "button" }, "Enregistrer le statut"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    setText(error, "");
    const text = note.value.trim();
    fieldError(note, text ? "" : "Écrivez une note : ce qui a été décidé et pourquoi.");
    if (!text) {
      note.focus();
      return;
    }
    try {
      await api(`/officer/reports/${encodeURIComponent(id)}/status`, {
        method: "POST",
        body: { expected: report.status, to: select.value, note: text },
      });
    } catch (failure) {
      setText(error, failure.status === 409 ? "Un collègue a changé ce signalement entre-temps : il a été rechargé, vérifiez avant de recommencer." : failure.message);
      if (failure.status === 409) showReport(id);
      return;
    }
    await showReport(id);
    const rowNode = document.querySelector(`tr[data-report-id="${CSS.escape(id)}"] td:last-child`);
    if (rowNode) setText(rowNode, REPORT_STATUSES[select.value]);
    setText($("#reports-status"), "Statut enregistré.");
  });
  return targets.length ? form : null;
}

async function exportCsv() {
  const query = filters(true);
  if (!query) return;
  setText($("#reports-error"), "");
  let response;
  try {
    response = await api("/officer/reports.csv", { params: { dept: query.dept, from: query.from, to: query.to }, accept: "text/csv", raw: true });
  } catch (error) {
    setText($("#reports-error"), error.message);
    return;
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: `signalements-${query.dept}-${query.from}-${query.to}.csv` });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  setText($("#reports-status"), "Export CSV téléchargé.");
}
