/** HTTP calls to the API: every call carries Authorization: Bearer <IdToken>. */

import { expiresSoon, idToken, refresh } from "./auth.js";
import { loadConfig } from "/shared/js/config.js";

export class ApiError extends Error {
  constructor(status, code, message, field = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

const FALLBACK = {
  401: "Votre session a expiré. Reconnectez-vous.",
  403: "Vous n'avez pas accès à cette fonction.",
  404: "Introuvable.",
  409: "Quelqu'un a modifié cet élément entre-temps : rechargez-le.",
  422: "Saisie invalide.",
  429: "Trop de demandes : patientez un instant.",
};

function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/**
 * api("/officer/canned") → parsed JSON (or text for non-JSON answers, null for 204).
 * Options: method, body (JSON), params (query string), raw (return the Response).
 */
export async function api(path, options = {}, retried = false) {
  const config = await loadConfig();
  const headers = { Accept: options.accept || "application/json" };
  const token = idToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(`${config.apiBase}${path}${query(options.params)}`, {
      method: options.method || "GET",
      headers,
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, "network", "Le serveur ne répond pas. Vérifiez le réseau et réessayez.");
  }
  if (options.raw && response.ok) return response;
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  const body = type.includes("json") ? await response.json().catch(() => null) : await response.text();
  const error = body && typeof body === "object" && body.error ? body.error : {};
  const refused = response.status === 401 || response.status === 403;
  if (refused && !retried && token && expiresSoon()) {
    // An expired token is refused before any view runs: refresh once and try again.
    const refreshed = await refresh().then(() => true, () => false);
    if (refreshed) return api(path, options, true);
  }
  if (!response.ok) {
    throw new ApiError(
      response.status,
      error.code || `http_${response.status}`,
      error.message || FALLBACK[response.status] || "Une erreur est survenue. Réessayez.",
      error.field || null,
    );
  }
  return body;
}
