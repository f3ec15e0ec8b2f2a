/**
 * Telling the officer something happened: the tones (/shared/js/tone.js), a visible notice
 * (also announced by screen readers), the count in the tab title, desktop notifications.
 */

import { playTone, soundReady, unlockSound } from "/shared/js/tone.js";
import { setText } from "./dom.js";

/** Create (or resume) the audio on a user gesture (browsers refuse to start it otherwise). */
export { soundReady, unlockSound };

/** A tone (`default`, `urgent`); `console:chime` on window when it played (tests listen). */
export function chime(kind = "default") {
  if (playTone(kind)) window.dispatchEvent(new CustomEvent("console:chime", { detail: { kind } }));
}

/** Show (and announce) a short notice; kind "new" highlights it, "urgent" is assertive. */
export function notice(text, kind = "info") {
  const box = document.getElementById(kind === "urgent" ? "notice-urgent" : "notice");
  if (!box) return;
  box.dataset.kind = kind;
  setText(box, text);
  clearTimeout(box.clearTimer);
  box.clearTimer = setTimeout(() => setText(box, ""), 10000);
}

let titleBase = document.title;
let attention = 0;

function renderTitle() {
  document.title = attention > 0 ? `(${attention}) ${titleBase}` : titleBase;
}

/** The title of the current view (the router's); the count, if any, stays in front. */
export function setTitle(base) {
  titleBase = base;
  renderTitle();
}

/** What waits for the officer (conversations not opened yet + unread messages), in the title. */
export function titleCount(count) {
  attention = count;
  renderTitle();
}

/** Whether desktop notifications can be shown, asked for, or were refused. */
export function notificationState() {
  if (!("Notification" in window)) return "unsupported";
  return Notification.permission; // "granted" | "denied" | "default"
}

/** Ask the browser for desktop notifications (from a button: a user gesture). */
export async function askNotifications() {
  if (!("Notification" in window)) return "unsupported";
  try {
    return await Notification.requestPermission();
  } catch {
    return Notification.permission;
  }
}

/**
 * A desktop notification that stays until it is clicked or the conversation is opened (no
 * citizen text in it: a desktop can be seen by others). Returns it, or null.
 */
export function desktopNotification(title, body, tag, onClick) {
  if (notificationState() !== "granted") return null;
  try {
    const shown = new Notification(title, { body, tag, requireInteraction: true, icon: "/assets/images/favicon.svg" });
    shown.onclick = () => {
      window.focus();
      onClick();
      shown.close();
    };
    return shown;
  } catch {
    return null; // some browsers only allow notifications from a service worker
  }
}
