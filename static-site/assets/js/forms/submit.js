/**
 * Sending a citizen form as JSON to the API, and turning every refusal into words next to the
 * fields. The API answers errors as {"error": {code, message, field?, details?: [{field, message}]}}.
 */
import { loadConfig } from "/shared/js/config.js";
import { clearErrors, showErrors } from "./errors.js";

const NETWORK =
  "L'envoi n'a pas abouti : vérifiez votre connexion internet puis réessayez. Vos réponses sont toujours sur cette page.";
const SERVER =
  "Le service ne répond pas pour le moment. Réessayez dans quelques minutes. Vos réponses sont toujours sur cette page.";

/** {ok, status, data} — never throws; a network failure is status 0. */
export async function callApi(path, { method = "POST", body, headers = {} } = {}) {
  const { apiBase } = await loadConfig();
  try {
    const response = await fetch(`${apiBase}${path}`, {
      method,
      headers: {
        Accept: "application/json",
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: "omit",
    });
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    return { ok: response.ok, status: response.status, data };
  } catch {
    return { ok: false, status: 0, data: null };
  }
}

/** The API's refusal as [{field, message}] for showErrors. */
export function apiErrors(result) {
  if (result.status === 0) return [{ field: null, message: NETWORK }];
  const error = result.data && typeof result.data === "object" ? result.data.error : null;
  if (!error || typeof error !== "object") return [{ field: null, message: SERVER }];
  if (result.status >= 500) return [{ field: null, message: SERVER }];
  const details = Array.isArray(error.details) ? error.details : [];
  const errors = details
    .filter((detail) => detail && typeof detail.message === "string")
    .map((detail) => ({ field: typeof detail.field === "string" ? detail.field : null, message: detail.message }));
  if (errors.length > 0) return errors;
  const message = typeof error.message === "string" && error.message ? error.message : SERVER;
  return [{ field: typeof error.field === "string" ? error.field : null, message }];
}

/**
 * Takes over a form's submission: `validate()` returns [{field, message}] (empty when fine);
 * `send()` returns a callApi result; `done(data)` runs on success. Errors go next to the fields;
 * `fieldFor(path)` may translate the API's field paths to the page's.
 */
export function enhance(form, { validate, send, done, fieldFor = (field) => field }) {
  const button = form.querySelector('button[type="submit"]');
  const label = button ? button.textContent : "";
  let busy = false;
  form.noValidate = true;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    const problems = validate();
    if (problems.length > 0) {
      showErrors(form, problems);
      return;
    }
    clearErrors(form);
    busy = true;
    if (button) {
      button.disabled = true;
      button.textContent = "Envoi en cours…";
    }
    try {
      const result = await send();
      if (result.ok) await done(result.data);
      else {
        const errors = apiErrors(result).map((error) => ({
          ...error,
          field: error.field ? fieldFor(error.field) : null,
        }));
        showErrors(form, errors);
      }
    } finally {
      busy = false;
      if (button) {
        button.disabled = false;
        button.textContent = label;
      }
    }
  });
  countCharacters(form);
}

/** « Il vous reste 4 873 caractères » under each textarea that has a counter. */
export function countCharacters(form) {
  const number = new Intl.NumberFormat("fr-FR");
  for (const area of form.querySelectorAll("textarea[data-compteur]")) {
    const counter = document.getElementById(area.dataset.compteur);
    const max = Number(area.getAttribute("maxlength"));
    if (!counter || !max) continue;
    const update = () => {
      const left = max - area.value.length;
      counter.textContent =
        left === max
          ? `${number.format(max)} caractères au maximum.`
          : `Il vous reste ${number.format(left)} caractère${left > 1 ? "s" : ""}.`;
    };
    area.addEventListener("input", update);
    update();
  }
}

/** Moves focus to a success panel that replaces the form. */
export function showDone(form, panel) {
  form.hidden = true;
  panel.hidden = false;
  const heading = panel.querySelector("h2");
  (heading ?? panel).focus();
  panel.scrollIntoView({ block: "start" });
}

/** Trimmed text of a named control ("" when absent). */
export function text(form, name) {
  const control = form.elements.namedItem(name);
  return control && "value" in control ? String(control.value).trim() : "";
}

/** Values of the checked boxes or radio of a name. */
export function checked(form, name) {
  return [...form.querySelectorAll(`input[name="${CSS.escape(name)}"]:checked`)].map((input) => input.value);
}
