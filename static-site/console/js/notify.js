/**
 * Telling the officer something happened: a short two-tone sound (WebAudio, no file), a
 * visible notice (also announced by screen readers) and the unread count in the tab title.
 */

import { setText } from "./dom.js";

let audio = null;
const BASE_TITLE = document.title;

/** Create the audio context on a user gesture (browsers refuse to start it otherwise). */
export function unlockSound() {
  if (audio) return;
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return;
  try {
    audio = new Context();
  } catch {
    audio = null;
  }
}

export function chime() {
  if (!audio) return;
  if (audio.state === "suspended") audio.resume().catch(() => {});
  const start = audio.currentTime + 0.01;
  for (const [offset, frequency] of [[0, 660], [0.18, 880]]) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.2, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.16);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(start + offset);
    oscillator.stop(start + offset + 0.18);
  }
  window.dispatchEvent(new CustomEvent("console:chime"));
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
