/**
 * Officer sign-in against the Cognito user pool with plain fetch (no SDK): USER_PASSWORD_AUTH,
 * then whichever challenges the pool asks for — NEW_PASSWORD_REQUIRED, MFA_SETUP (enrol an
 * authenticator app: AssociateSoftwareToken, VerifySoftwareToken) and SOFTWARE_TOKEN_MFA (the
 * 6-digit code) — REFRESH_TOKEN_AUTH before expiry, sign-out.
 * Tokens live in memory and in sessionStorage (gone with the tab), never in localStorage.
 */

import { loadConfig } from "/shared/js/config.js";

const STORAGE_KEY = "moncommissariat.console.session";
const REFRESH_MARGIN_MS = 5 * 60 * 1000;
const MIN_REFRESH_DELAY_MS = 10 * 1000;

export const OFFICER_GROUPS = Object.freeze(["officers", "supervisors"]);
/** The challenges the console answers (any other is refused with a French message). */
export const CHALLENGES = Object.freeze(["NEW_PASSWORD_REQUIRED", "MFA_SETUP", "SOFTWARE_TOKEN_MFA"]);
const ISSUER = "moncommissariat";

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
  CodeMismatchException:
    "Ce code ne correspond pas. Saisissez le code à 6 chiffres affiché maintenant par votre application (il change toutes les 30 secondes).",
  EnableSoftwareTokenMFAException:
    "Ce code ne correspond pas. Saisissez le code à 6 chiffres affiché maintenant par votre application (il change toutes les 30 secondes).",
  ExpiredCodeException: "Ce code a déjà servi. Attendez le suivant (30 secondes au plus) et saisissez-le.",
};
const SESSION_EXPIRED =
  "Cette étape de la connexion n'est plus valable (code erroné ou plus de 3 minutes écoulées). Recommencez avec votre identifiant.";
// During a challenge, these mean that its session is over (Cognito: 3 minutes), not a bad password.
const CHALLENGE_MESSAGES = {
  NotAuthorizedException: SESSION_EXPIRED,
  ResourceNotFoundException: SESSION_EXPIRED,
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

/** One Cognito call; `withClient`: the call names the app client (InitiateAuth, RespondToAuthChallenge). */
async function cognito(action, body, { withClient = true, messages = {} } = {}) {
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
      body: JSON.stringify(withClient ? { ClientId: config.cognito.clientId, ...body } : body),
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
      messages[type] || COGNITO_MESSAGES[type] || "La connexion a échoué. Réessayez dans un instant.",
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
    name: typeof idClaims.name === "string" && idClaims.name.trim() ? idClaims.name.trim() : "",
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
 * What Cognito answered: {session} when signed in, or {challenge, challengeSession, username}
 * for a challenge the console answers.
 */
function settle(data, username) {
  if (data.AuthenticationResult) return { session: accept(data.AuthenticationResult, username) };
  if (CHALLENGES.includes(data.ChallengeName)) {
    const params = data.ChallengeParameters || {};
    return { challenge: data.ChallengeName, challengeSession: data.Session, username: params.USER_ID_FOR_SRP || username };
  }
  throw new AuthError(
    "Ce mode de connexion n'est pas pris en charge par la console : contactez votre encadrement.",
    data.ChallengeName || "auth_error",
  );
}

/** Sign in with a password: {session}, or a challenge to answer (see settle). */
export async function signIn(username, password) {
  const data = await cognito("InitiateAuth", {
    AuthFlow: "USER_PASSWORD_AUTH",
    AuthParameters: { USERNAME: username, PASSWORD: password },
  });
  return settle(data, username);
}

function respond(challenge, name, responses) {
  return cognito(
    "RespondToAuthChallenge",
    { ChallengeName: name, Session: challenge.challengeSession, ChallengeResponses: { USERNAME: challenge.username, ...responses } },
    { messages: CHALLENGE_MESSAGES },
  );
}

/** Answer the first-sign-in challenge with a new password (MFA enrolment may follow). */
export async function setNewPassword(challenge, newPassword) {
  return settle(await respond(challenge, "NEW_PASSWORD_REQUIRED", { NEW_PASSWORD: newPassword }), challenge.username);
}

/**
 * MFA_SETUP, step 1: a new authenticator secret. Resolves {secret, uri}: the key to type into
 * the app, and the otpauth:// address its QR code carries.
 */
export async function startAuthenticator(challenge) {
  const data = await cognito("AssociateSoftwareToken", { Session: challenge.challengeSession }, { withClient: false, messages: CHALLENGE_MESSAGES });
  if (data.Session) challenge.challengeSession = data.Session;
  const secret = String(data.SecretCode || "");
  const label = `${ISSUER}:${challenge.username}`;
  const uri = `otpauth://totp/${encodeURIComponent(label)}?secret=${encodeURIComponent(secret)}&issuer=${ISSUER}&algorithm=SHA1&digits=6&period=30`;
  return { secret, uri };
}

/** MFA_SETUP, step 2: the first code from the app confirms the enrolment and signs in. */
export async function verifyAuthenticator(challenge, code) {
  const data = await cognito(
    "VerifySoftwareToken",
    { Session: challenge.challengeSession, UserCode: code, FriendlyDeviceName: "Console moncommissariat" },
    { withClient: false, messages: CHALLENGE_MESSAGES },
  );
  if (data.Status && data.Status !== "SUCCESS") {
    throw new AuthError(COGNITO_MESSAGES.CodeMismatchException, "CodeMismatchException");
  }
  if (data.Session) challenge.challengeSession = data.Session;
  return settle(await respond(challenge, "MFA_SETUP", {}), challenge.username);
}

/** SOFTWARE_TOKEN_MFA: the 6-digit code of an enrolled authenticator app. */
export async function answerCode(challenge, code) {
  return settle(await respond(challenge, "SOFTWARE_TOKEN_MFA", { SOFTWARE_TOKEN_MFA_CODE: code }), challenge.username);
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
      cognito("GlobalSignOut", { AccessToken: current.accessToken }, { withClient: false }).catch(() => {}),
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

/** The name to show: Cognito's `name` attribute (from the id token), else the username. */
export function displayName() {
  return session ? session.name || session.username : "";
}

export function isSupervisor() {
  return Boolean(session && session.groups.includes("supervisors"));
}

/** Called with the new session (or null) whenever it changes. */
export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
