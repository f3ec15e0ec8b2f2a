/**
 * Charts of the supervisors' dashboard, drawn by Chart.js (vendored UMD build, loaded on first
 * use). Every chart is a <figure> with a canvas described for screen readers (role="img",
 * aria-label) and its figures as a table under « Voir les données ».
 */

import { el } from "./dom.js";

/** A long label on several lines (Chart.js draws an array as lines): nothing is cut off. */
function wrap(text, width = 26) {
  // French punctuation (« ? », « : ») stays with the word before it.
  const words = String(text).replace(/ ([?:!;])/g, "\u00a0$1").split(" ");
  const lines = [];
  for (const word of words) {
    const last = lines[lines.length - 1];
    if (last && `${last} ${word}`.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.length > 1 ? lines : String(text);
}

const PALETTE = ["#0b4bb3", "#b00020", "#17663a", "#8a4b00", "#6a1b9a", "#00626f", "#525252", "#c2185b", "#33691e", "#1f2a44"];
let chartPromise = null;

export function loadChartLibrary() {
  if (window.Chart) return Promise.resolve(window.Chart);
  if (!chartPromise) {
    chartPromise = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL("../vendor/chart.umd.min.js", import.meta.url).href;
      script.addEventListener("load", () => (window.Chart ? resolve(window.Chart) : reject(new Error("Chart.js"))));
      script.addEventListener("error", () => {
        chartPromise = null;
        reject(new Error("Chart.js"));
      });
      document.head.appendChild(script);
    });
  }
  return chartPromise;
}

/**
 * A chart figure. spec: {id, title, type ("bar"|"line"|"doughnut"), labels: [...],
 * series: [{label, values}], horizontal?, stacked?, unit?, summary}
 */
export function chartFigure(Chart, spec) {
  const canvas = el("canvas", { role: "img", "aria-label": `${spec.title}. ${spec.summary}` });
  const table = el(
    "table",
    {},
    el("caption", { className: "visually-hidden" }, spec.title),
    el(
      "thead",
      {},
      el("tr", {}, el("th", { scope: "col" }, spec.firstColumn || ""), spec.series.map((serie) => el("th", { scope: "col", className: "number" }, serie.label))),
    ),
    el(
      "tbody",
      {},
      spec.labels.map((name, index) =>
        el(
          "tr",
          {},
          el("th", { scope: "row" }, name),
          spec.series.map((serie) => el("td", { className: "number" }, serie.format ? serie.format(serie.values[index]) : String(serie.values[index] ?? "—"))),
        ),
      ),
    ),
  );
  const figure = el(
    "figure",
    { className: "chart", dataset: { chart: spec.id } },
    el("figcaption", {}, spec.title),
    el("div", { className: "chart-box" }, canvas),
    el("details", {}, el("summary", {}, "Voir les données"), el("div", { className: "table-wrap" }, table)),
  );
  const doughnut = spec.type === "doughnut";
  const datasets = spec.series.map((serie, index) => ({
    label: serie.label,
    data: serie.values.map((value) => (value === null || value === undefined ? null : Number(value))),
    backgroundColor: doughnut ? spec.labels.map((_, i) => PALETTE[i % PALETTE.length]) : PALETTE[index % PALETTE.length],
    borderColor: doughnut ? "#fff" : PALETTE[index % PALETTE.length],
    borderWidth: spec.type === "line" ? 2 : 1,
    spanGaps: true,
  }));
  // The value axis counts whole conversations (never 0,2 … 1,0); the other one names things.
  const counts = { beginAtZero: true, ticks: { color: "#1e1e1e", precision: spec.unit ? undefined : 0 } };
  const names = { beginAtZero: true, ticks: { color: "#1e1e1e", autoSkip: !spec.horizontal } };
  const scales = doughnut
    ? {}
    : spec.horizontal
      ? { x: { ...counts, stacked: Boolean(spec.stacked) }, y: { ...names, stacked: Boolean(spec.stacked) } }
      : { x: { ...names, stacked: Boolean(spec.stacked) }, y: { ...counts, stacked: Boolean(spec.stacked) } };
  const chart = new Chart(canvas, {
    type: spec.type,
    data: { labels: spec.horizontal ? spec.labels.map((name) => wrap(name)) : spec.labels, datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: spec.horizontal ? "y" : "x",
      locale: "fr-FR",
      scales,
      plugins: { legend: { display: spec.series.length > 1 || doughnut, labels: { color: "#1e1e1e" } } },
    },
  });
  return { figure, chart };
}
