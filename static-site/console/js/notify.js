/**
 * Telling the officer something happened: the notification tone (/shared/js/tone.js), a
 * visible notice (also announced by screen readers) and the unread count in the tab title.
 */

import { playTone, unlockSound } from "/shared/js/tone.js";
import { setText } from "./dom.js";

const BASE_TITLE = document.title;

/** Create the audio context on a user gesture (browsers refuse to start it otherwise). */
export { unlockSound };

/** The tone; `console:chime` on window when it played (the browser tests listen for it). */
export function chime() {
  if (playTone()) window.dispatchEvent(new CustomEvent("console:chime"));
}

let noticeTimer = null;

/** Show (and announce) a short notice; kind "new" highlights it. */
export function notice(text, kind = "info") {
  const box = document.getElementById("notice");
  if (!box) return;
  box.dataset.kind = kind;
  setText(box, text);
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => setText(box, ""), 10000);
}

export function titleCount(unread) {
  document.title = unread > 0 ? `(${unread}) ${BASE_TITLE}` : BASE_TITLE;
}
