/**
 * The chat widget of /discuter/: choose a topic, wait in the queue, talk with an officer, end,
 * download the conversation, answer the survey. The page's entry module: it builds the view
 * (view.js, the DOM) and the conversation (conversation.js, the protocol) and ties them to the
 * page's life — visibility, the back/forward cache and « Quitter rapidement ».
 */
import { loadConfig } from "/shared/js/config.js";
import { CitizenChat } from "./conversation.js";
import { fetchStatus } from "./service.js";
import { ChatView } from "./view.js";

const ESCAPE_TWICE_MS = 1000; // as quick-exit.js

/** Follows the page: `read` when it is shown again, stop on leaving, resume from the cache. */
function followThePage(chat) {
  document.addEventListener("visibilitychange", () => chat.sendRead());
  // « Quitter rapidement » clears sessionStorage then leaves: nothing may write it back.
  const leave = () => chat.leave();
  document.addEventListener(
    "click",
    (event) => {
      if (event.target instanceof Element && event.target.closest("#quitter-rapidement")) leave();
    },
    true,
  );
  let lastEscape = 0;
  document.addEventListener(
    "keydown",
    (event) => {
      if (event.key !== "Escape") return;
      if (Date.now() - lastEscape <= ESCAPE_TWICE_MS) leave();
      lastEscape = Date.now();
    },
    true,
  );
  window.addEventListener("pagehide", leave); // not beforeunload: tel: links fire it
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) chat.comeBack();
  });
}

const root = document.getElementById("chat-widget");
if (root && root.querySelector("[data-chat-start]")) {
  loadConfig().then(async (config) => {
    const view = new ChatView(root);
    const chat = new CitizenChat(view, config);
    view.bind(chat);
    followThePage(chat);
    // Whether someone can answer now decides what is offered first (no status: the form).
    const status = await fetchStatus(config.apiBase);
    chat.init(new URLSearchParams(window.location.search).get("sujet"), status);
  });
}
