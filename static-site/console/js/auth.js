/**
 * Officer sign-in against the Cognito user pool with plain fetch (no SDK): USER_PASSWORD_AUTH,
 * the NEW_PASSWORD_REQUIRED challenge, REFRESH_TOKEN_AUTH before expiry, sign-out.
 * Tokens live in memory and in sessionStorage (gone with the tab), never in localStorage.
 */

import { loadConfig } from "/shared/js/config.js";

const STORAGE_KEY = "moncommissariat.console.session";
const REFRESH_MARGIN_MS = 5 * 60 * 1000;
const MIN_REFRESH_DELAY_MS = 10 * 1000;

export const OFFICER_GROUPS = Object.freeze(["officers", "supervisors"]);

/** A Cognito refusal with a French message meant for the sign-in form. */
export class AuthError extends Error {
  constructor(message, code = "auth_error", field = null) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

const COGNITO_MESSAGES = {
  NotAuthorizedException: "Identifiant ou mot de passe incorrect.",
  UserNotFoundException: "Identifiant ou mot de passe incorrect.",
  PasswordResetRequiredException:
    "Votre mot de passe doit être réinitialisé : contactez votre encadrement.",
  UserNotConfirmedException: "Ce compte n'est pas encore activé : contactez votre encadrement.",
  InvalidPasswordException:
    "Ce mot de passe ne respecte pas les règles : au moins 12 caractères, avec des majuscules, des minuscules, des chiffres et un caractère spécial.",
  TooManyRequestsException: "Trop de tentatives. Patientez quelques minutes avant de réessayer.",
  LimitExceededException: "Trop de tentatives. Patientez quelques minutes avant de réessayer.",
  CodeMismatchException: "La session de connexion a expiré. Recommencez.",
  ExpiredCodeException: "La session de connexion a expiré. Recommencez.",
};

let session = null; // {idToken, accessToken, refreshToken, expiresAt, username, groups}
let refreshTimer = null;
const listeners = new Set();

/** Decode a JWT's payload (no verification: the API verifies every token). */
export function claims(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const padded = part + "=".repeat((4 - (part.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return {};
  }
}

async function cognito(action, body) {
  const config = await loadConfig();
  if (!config.cognito || !config.cognito.endpoint) {
    throw new AuthError("La connexion n'est pas configurée sur ce serveur.", "not_configured");
  }
  const endpoint = config.cognito.endpoint.endsWith("/")
    ? config.cognito.endpoint
    : `${config.cognito.endpoint}/`;
  let response;
  try {
    response = await fetch(endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": `AWSCognitoIdentityProviderService.${action}`,
      },
      body: JSON.stringify({ ClientId: config.cognito.clientId, ...body }),
    });
  } catch {
    throw new AuthError("Le service de connexion ne répond pas. Vérifiez le réseau et réessayez.", "network");
  }
  let data = {};
  try {
    data = await response.json();
  } catch {
    data = {};
  }
  if (!response.ok) {
    const type = String(data.__type || "").split("#").pop();
    throw new AuthError(
      COGNITO_MESSAGES[type] || "La connexion a échoué. Réessayez dans un instant.",
      type || "auth_error",
    );
  }
  return data;
}

function fromResult(result, username, refreshToken) {
  const idClaims = claims(result.IdToken);
  const groups = Array.isArray(idClaims["cognito:groups"]) ? idClaims["cognito:groups"] : [];
  const expiresAt = idClaims.exp
    ? idClaims.exp * 1000
    : Date.now() + Number(result.ExpiresIn || 3600) * 1000;
  return {
    idToken: result.IdToken,
    accessToken: result.AccessToken,
    refreshToken: result.RefreshToken || refreshToken,
    expiresAt,
    username: idClaims["cognito:username"] || username,
    groups,
  };
}

function store(next) {
  session = next;
  if (next) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  else sessionStorage.removeItem(STORAGE_KEY);
  scheduleRefresh();
  for (const listener of listeners) listener(session);
}

function accept(result, username, refreshToken) {
  const next = fromResult(result, username, refreshToken);
  if (!next.groups.some((group) => OFFICER_GROUPS.includes(group))) {
    throw new AuthError("Ce compte n'a pas accès à la console des policiers.", "no_group");
  }
  store(next);
  return next;
}

/**
 * Sign in. Resolves {session} or {challenge: "NEW_PASSWORD_REQUIRED", challengeSession, username}.
 */
export async function signIn(username, password) {
  const data = await cognito("InitiateAuth", {
    AuthFlow: "USER_PASSWORD_AUTH",
    AuthParameters: { USERNAME: username, PASSWORD: password },
  });
  if (data.ChallengeName === "NEW_PASSWORD_REQUIRED") {
    return { challenge: data.ChallengeName, challengeSession: data.Session, username };
  }
  if (data.ChallengeName) {
    throw new AuthError("Ce mode de connexion n'est pas pris en charge par la console.", data.ChallengeName);
  }
  return { session: accept(data.AuthenticationResult, username) };
}

/** Answer the first-sign-in challenge with a new password. */
export async function setNewPassword(challenge, newPassword) {
  const data = await cognito("RespondToAuthChallenge", {
    ChallengeName: "NEW_PASSWORD_REQUIRED",
    Session: challenge.challengeSession,
    ChallengeResponses: { USERNAME: challenge.username, NEW_PASSWORD: newPassword },
  });
  if (!data.AuthenticationResult) {
    throw new AuthError("La connexion a échoué. Recommencez.", data.ChallengeName || "auth_error");
  }
  return { session: accept(data.AuthenticationResult, challenge.username) };
}

/** New id and access tokens from the refresh token; signs out when it is refused. */
export async function refresh() {
  if (!session || !session.refreshToken) throw new AuthError("Session expirée.", "no_session");
  const current = session;
  try {
    const data = await cognito("InitiateAuth", {
      AuthFlow: "REFRESH_TOKEN_AUTH",
      AuthParameters: { REFRESH_TOKEN: current.refreshToken },
    });
    return accept(data.AuthenticationResult, current.username, current.refreshToken);
  } catch (error) {
    if (error.code !== "network") {
      expired("Votre session a expiré. Reconnectez-vous.");
    }
    throw error;
  }
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = null;
  if (!session) return;
  const delay = Math.max(MIN_REFRESH_DELAY_MS, session.expiresAt - Date.now() - REFRESH_MARGIN_MS);
  refreshTimer = setTimeout(() => {
    refresh().catch(() => {
      // network trouble: try again shortly (expiry signs out through the API's 401)
      if (session) refreshTimer = setTimeout(() => refresh().catch(() => {}), MIN_REFRESH_DELAY_MS);
    });
  }, delay);
}

let expiredReason = "";

function expired(reason) {
  expiredReason = reason;
  store(null);
}

/** Why the last session ended without the officer asking (shown on the sign-in form). */
export function takeExpiredReason() {
  const reason = expiredReason;
  expiredReason = "";
  return reason;
}

/** Forget the tokens (and revoke them at Cognito, best effort). */
export async function signOut() {
  const current = session;
  if (current && current.accessToken) {
    await Promise.race([
      cognito("GlobalSignOut", { AccessToken: current.accessToken }).catch(() => {}),
      new Promise((resolve) => setTimeout(resolve, 3000)),
    ]);
  }
  store(null);
}

/** The session restored from sessionStorage, if still usable. */
export function restore() {
  if (session) return session;
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || "null");
    if (saved && saved.idToken && saved.refreshToken) {
      session = saved;
      scheduleRefresh();
      if (saved.expiresAt - Date.now() < REFRESH_MARGIN_MS) refresh().catch(() => {});
    }
  } catch {
    sessionStorage.removeItem(STORAGE_KEY);
  }
  return session;
}

export function current() {
  return session;
}

export function idToken() {
  return session ? session.idToken : null;
}

/** True when the id token is expired or about to be (a refusal is then worth a refresh). */
export function expiresSoon() {
  return Boolean(session && session.expiresAt - Date.now() < REFRESH_MARGIN_MS);
}

export function isSupervisor() {
  return Boolean(session && session.groups.includes("supervisors"));
}

/** Called with the new session (or null) whenever it changes. */
export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
