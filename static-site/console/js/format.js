/** French formatting of durations, dates and numbers. */

const number = new Intl.NumberFormat("fr-FR");
const timeOfDay = new Intl.DateTimeFormat("fr-FR", { hour: "2-digit", minute: "2-digit" });
const dateTime = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "short" });
const dayMonth = new Intl.DateTimeFormat("fr-FR", { day: "numeric", month: "short", timeZone: "UTC" });

/** 75 → « 1 min 15 s », 3600 → « 1 h 0 min », null → « — ». */
export function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(Number(seconds))) return "—";
  const total = Math.max(0, Math.round(Number(seconds)));
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes} min ${total % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatNumber(value) {
  return number.format(Number(value) || 0);
}

export function percent(ratio) {
  return `${new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 }).format((Number(ratio) || 0) * 100)} %`;
}

/** Epoch seconds → « 14:05 ». */
export function clock(epochSeconds) {
  return timeOfDay.format(new Date(Number(epochSeconds) * 1000));
}

/** ISO string or epoch seconds → « 29/11/2026 14:05 ». */
export function when(value) {
  if (value === null || value === undefined || value === "") return "—";
  const date = typeof value === "number" ? new Date(value * 1000) : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : dateTime.format(date);
}

/** "2026-11-29" → « 29 nov. ». */
export function shortDay(isoDay) {
  const date = new Date(`${isoDay}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? isoDay : dayMonth.format(date);
}

/** Today minus `days` as YYYY-MM-DD (local calendar). */
export function isoDay(offsetDays = 0) {
  const date = new Date();
  date.setDate(date.getDate() + offsetDays);
  const month = String(date.getMonth() + 1).padStart(2, "0");
  const day = String(date.getDate()).padStart(2, "0");
  return `${date.getFullYear()}-${month}-${day}`;
}

export function plural(count, singular, pluralForm) {
  return `${formatNumber(count)} ${Math.abs(count) >= 2 ? pluralForm : singular}`;
}
