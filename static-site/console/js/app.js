/**
 * The console's entry point: sign-in, then a small hash router between the workspace
 * (#/conversations), the reports (#/signalements) and, for supervisors, #/supervision.
 * The WebSocket stays open across views.
 */

import { loadConfig } from "/shared/js/config.js";
import * as auth from "./auth.js";
import { $, $all, fieldError, setText } from "./dom.js";
import { unlockSound } from "./notify.js";
import { OfficerSocket } from "./socket.js";
import { Workspace } from "./workspace.js";

const TITLES = {
  connexion: "Connexion",
  conversations: "Conversations",
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
  document.title = `${TITLES[name]} — ${BASE_TITLE}`;
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
  setText($("#account-name"), session.username);
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
  // Everything shown belonged to the session: reload to a blank console.
  if (reason) sessionStorage.setItem("moncommissariat.console.notice", reason);
  window.location.replace(window.location.pathname);
}

function showSignIn(message) {
  $("#loading").hidden = true;
  $("#new-password-form").hidden = true;
  $("#sign-in-form").hidden = false;
  setText($("#sign-in-error"), message || "");
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
    if (result.challenge) {
      challenge = result;
      $("#sign-in-form").hidden = true;
      $("#new-password-form").hidden = false;
      $("#new-password-title").focus();
      return;
    }
    signedIn(result.session);
  } catch (error) {
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
    challenge = null;
    first.value = "";
    second.value = "";
    signedIn(result.session);
  } catch (error) {
    if (error.code === "InvalidPasswordException") {
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
  $("#sign-out").addEventListener("click", async () => {
    if (workspace) await workspace.leave();
    await auth.signOut();
  });
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
