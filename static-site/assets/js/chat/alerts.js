/**
 * Telling the citizen that the officer wrote while they looked elsewhere: the notification
 * tone (/shared/js/tone.js) and « (1) Nouveau message » in the tab title. Discreet mode turns
 * both off and gives the tab a neutral title, for someone who may be watched.
 */
import { playTone, unlockSound } from "/shared/js/tone.js";

const NEUTRAL_TITLE = "Informations";

export class Alerts {
  constructor() {
    this.title = document.title;
    this.discreet = false;
    this.unread = 0;
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") {
        this.unread = 0;
        this.#applyTitle();
      }
    });
  }

  setDiscreet(on) {
    this.discreet = on;
    this.#applyTitle();
  }

  /** Browsers let audio start only after a user gesture: call this from one. */
  unlockSound() {
    if (!this.discreet) unlockSound();
  }

  /** Something new arrived from the officer (or the service). */
  notify() {
    if (document.visibilityState === "visible") return;
    this.unread += 1;
    this.#applyTitle();
    if (!this.discreet) playTone();
  }

  #applyTitle() {
    if (this.discreet) document.title = NEUTRAL_TITLE;
    else if (this.unread > 0) {
      document.title = `(${this.unread}) ${this.unread > 1 ? "Nouveaux messages" : "Nouveau message"}`;
    } else document.title = this.title;
  }
}
