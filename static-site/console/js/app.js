/**
 * The console's entry point: sign-in, then a small hash router between the workspace
 * (#/conversations), the history of ended conversations (#/historique), the reports
 * (#/signalements) and, for supervisors, #/supervision. The WebSocket stays open across views.
 */

import { loadConfig } from "/shared/js/config.js";
import * as auth from "./auth.js";
import { $, $all, fieldError, replaceChildren, setText } from "./dom.js";
import { qrCode } from "./qr.js";
import { forgetAll } from "./drafts.js";
import { setTitle, unlockSound } from "./notify.js";
import { installShortcuts } from "./shortcuts.js";
import { OfficerSocket } from "./socket.js";
import { Workspace } from "./workspace.js";

const TITLES = {
  connexion: "Connexion",
  conversations: "Conversations",
  historique: "Historique",
  signalements: "Signalements",
  supervision: "Supervision",
};
const BASE_TITLE = "Console des policiers — moncommissariat";

let socket = null;
let workspace = null;
let challenge = null;
const started = new Set();

function routeName() {
  const name = window.location.hash.replace(/^#\/?/, "").split(/[/?]/)[0];
  return TITLES[name] ? name : "conversations";
}

function show(name, moveFocus) {
  for (const view of $all("[data-view]")) view.hidden = view.dataset.view !== name;
  for (const link of $all("[data-route]")) {
    if (link.dataset.route === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  setTitle(`${TITLES[name]} — ${BASE_TITLE}`);
  document.body.dataset.current = name;
  if (moveFocus) {
    const heading = $(`#view-${name} h1`);
    if (heading) heading.focus({ preventScroll: true });
  }
}

async function route(moveFocus = true) {
  const session = auth.current();
  if (!session) {
    show("connexion", false);
    return;
  }
  let name = routeName();
  if (name === "connexion" || (name === "supervision" && !auth.isSupervisor())) {
    name = "conversations";
    history.replaceState(null, "", "#/conversations");
  }
  show(name, moveFocus);
  if (name === "historique") {
    const { showHistory } = await import("./history.js");
    showHistory(auth.isSupervisor());
  }
  if (name === "signalements" && !started.has(name)) {
    started.add(name);
    const { startReports } = await import("./reports.js");
    startReports();
  }
  if (name === "supervision" && !started.has(name)) {
    started.add(name);
    const { startSupervision } = await import("./supervision.js");
    startSupervision();
  } else if (name === "supervision") {
    const { refreshSupervision } = await import("./supervision.js");
    refreshSupervision();
  }
}

function enterConsole(session) {
  $("#nav").hidden = false;
  $("#account").hidden = false;
  setText($("#account-name"), auth.displayName());
  $("#account-name").title = session.username;
  for (const item of $all("[data-supervisors]")) item.hidden = !auth.isSupervisor();
  if (!socket) {
    socket = new OfficerSocket();
    workspace = new Workspace(socket);
    socket.start();
    window.consoleSocket = socket; // for the browser tests (reconnect)
  }
}

function leaveConsole(reason) {
  if (socket) socket.stop();
  socket = null;
  workspace = null;
  started.clear();
  forgetAll();
  // Everything shown belonged to the session: reload to a blank console.
  if (reason) sessionStorage.setItem("moncommissariat.console.notice", reason);
  window.location.replace(window.location.pathname);
}

const SIGN_IN_FORMS = ["#sign-in-form", "#new-password-form", "#mfa-setup-form", "#mfa-code-form"];

/** Show one step of the sign-in (the others hidden); focus its heading or first field. */
function showStep(selector, focus) {
  for (const form of SIGN_IN_FORMS) $(form).hidden = form !== selector;
  if (focus) focus.focus();
}

function showSignIn(message) {
  challenge = null;
  $("#loading").hidden = true;
  showStep("#sign-in-form");
  setText($("#sign-in-error"), message || "");
}

/** Where an answer of Cognito leads: the console, or the form of the next challenge. */
async function proceed(result) {
  if (result.session) {
    challenge = null;
    signedIn(result.session);
    return;
  }
  challenge = result;
  if (result.challenge === "NEW_PASSWORD_REQUIRED") {
    showStep("#new-password-form", $("#new-password-title"));
  } else if (result.challenge === "SOFTWARE_TOKEN_MFA") {
    $("#mfa-code").value = "";
    setText($("#mfa-code-error"), "");
    showStep("#mfa-code-form", $("#mfa-code-title"));
  } else if (result.challenge === "MFA_SETUP") {
    $("#mfa-setup-code").value = "";
    setText($("#mfa-setup-error"), "");
    replaceChildren($("#mfa-qr"));
    setText($("#mfa-secret"), "");
    showStep("#mfa-setup-form", $("#mfa-setup-title"));
    const { secret, uri } = await auth.startAuthenticator(result);
    setText($("#mfa-secret"), secret.replace(/(.{4})(?=.)/g, "$1 "));
    $("#mfa-secret").dataset.secret = secret;
    $("#mfa-qr").appendChild(await qrCode(uri, "Code QR à scanner avec votre application d'authentification"));
  }
}

/** The 6 digits of a code field, or an error next to it (and focus). */
function readCode(input) {
  const code = input.value.replace(/\s+/g, "");
  const valid = /^\d{6}$/.test(code);
  fieldError(input, valid ? "" : "Saisissez les 6 chiffres affichés par votre application.");
  if (!valid) input.focus();
  return valid ? code : null;
}

async function onCodeStep(event, input, errorBox, answer) {
  event.preventDefault();
  setText(errorBox, "");
  const code = readCode(input);
  if (!code) return;
  const button = event.target.querySelector("button[type='submit']");
  button.disabled = true;
  try {
    await proceed(await answer(challenge, code));
  } catch (error) {
    input.value = "";
    if (error.code === "NotAuthorizedException" || error.code === "ResourceNotFoundException") {
      showSignIn(error.message); // the challenge's session is over: start again
      $("#username").focus();
      return;
    }
    setText(errorBox, error.message);
    input.focus();
  } finally {
    button.disabled = false;
  }
}

async function onSignIn(event) {
  event.preventDefault();
  unlockSound();
  const username = $("#username");
  const password = $("#password");
  setText($("#sign-in-error"), "");
  fieldError(username, username.value.trim() ? "" : "Saisissez votre identifiant.");
  fieldError(password, password.value ? "" : "Saisissez votre mot de passe.");
  if (!username.value.trim()) return username.focus();
  if (!password.value) return password.focus();
  const button = event.target.querySelector("button[type='submit']");
  button.disabled = true;
  try {
    const result = await auth.signIn(username.value.trim(), password.value);
    password.value = "";
    await proceed(result);
  } catch (error) {
    showStep("#sign-in-form");
    setText($("#sign-in-error"), error.message);
    password.value = "";
    password.focus();
  } finally {
    button.disabled = false;
  }
}

async function onNewPassword(event) {
  event.preventDefault();
  const first = $("#new-password");
  const second = $("#new-password-confirm");
  setText($("#new-password-error"), "");
  fieldError(first, first.value.length >= 12 ? "" : "Au moins 12 caractères.");
  fieldError(second, second.value === first.value ? "" : "Les deux mots de passe ne sont pas identiques.");
  if (first.value.length < 12) return first.focus();
  if (second.value !== first.value) return second.focus();
  try {
    const result = await auth.setNewPassword(challenge, first.value);
    first.value = "";
    second.value = "";
    await proceed(result);
  } catch (error) {
    if (error.code === "NotAuthorizedException" || error.code === "ResourceNotFoundException") {
      showSignIn(error.message);
      $("#username").focus();
    } else if (error.code === "InvalidPasswordException") {
      fieldError(first, error.message);
      first.focus();
    } else {
      setText($("#new-password-error"), error.message);
    }
  }
}

function signedIn(session) {
  enterConsole(session);
  if (routeName() !== window.location.hash.replace(/^#\/?/, "")) {
    history.replaceState(null, "", "#/conversations");
  }
  route(true);
}

async function main() {
  if (!(await loadConfig()).loaded) {
    $("#loading").hidden = false;
    setText($("#loading"), "La configuration de la console est introuvable. Réessayez plus tard.");
    return;
  }
  $("#sign-in-form").addEventListener("submit", onSignIn);
  $("#new-password-form").addEventListener("submit", onNewPassword);
  $("#mfa-setup-form").addEventListener("submit", (event) =>
    onCodeStep(event, $("#mfa-setup-code"), $("#mfa-setup-error"), auth.verifyAuthenticator),
  );
  $("#mfa-code-form").addEventListener("submit", (event) =>
    onCodeStep(event, $("#mfa-code"), $("#mfa-code-error"), auth.answerCode),
  );
  for (const button of $all("[data-restart]")) {
    button.addEventListener("click", () => {
      showSignIn("");
      $("#username").focus();
    });
  }
  $("#sign-out").addEventListener("click", async () => {
    if (workspace && !(await workspace.leave())) return; // the officer chose to stay
    await auth.signOut();
  });
  installShortcuts(() => (workspace && document.body.dataset.current === "conversations" ? workspace : null));
  auth.onChange((session) => {
    if (!session) leaveConsole(auth.takeExpiredReason());
  });
  window.addEventListener("hashchange", () => route(true));
  document.addEventListener("pointerdown", unlockSound, { once: true });
  document.addEventListener("keydown", unlockSound, { once: true });

  const reason = sessionStorage.getItem("moncommissariat.console.notice");
  sessionStorage.removeItem("moncommissariat.console.notice");
  const session = auth.restore();
  if (session) {
    $("#loading").hidden = true;
    enterConsole(session);
    route(false);
  } else {
    show("connexion", false);
    showSignIn(reason);
    if (!reason) $("#username").focus();
  }
}

main();
