/**
 * Telling the citizen that the officer wrote while they looked elsewhere: a short tone made
 * with WebAudio (no sound file) and « (1) Nouveau message » in the tab title. Discreet mode
 * turns both off and gives the tab a neutral title, for someone who may be watched.
 */

const NEUTRAL_TITLE = "Informations";

export class Alerts {
  constructor() {
    this.title = document.title;
    this.discreet = false;
    this.unread = 0;
    this.audio = null;
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
    if (this.audio || this.discreet) return;
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    try {
      this.audio = new Context();
    } catch {
      this.audio = null;
    }
  }

  /** Something new arrived from the officer (or the service). */
  notify() {
    if (document.visibilityState === "visible") return;
    this.unread += 1;
    this.#applyTitle();
    if (!this.discreet) this.#beep();
  }

  #applyTitle() {
    if (this.discreet) document.title = NEUTRAL_TITLE;
    else if (this.unread > 0) {
      document.title = `(${this.unread}) ${this.unread > 1 ? "Nouveaux messages" : "Nouveau message"}`;
    } else document.title = this.title;
  }

  #beep() {
    const audio = this.audio;
    if (!audio) return;
    try {
      if (audio.state === "suspended") audio.resume();
      const start = audio.currentTime;
      const tone = audio.createOscillator();
      const volume = audio.createGain();
      tone.type = "sine";
      tone.frequency.setValueAtTime(880, start);
      tone.frequency.setValueAtTime(660, start + 0.12);
      volume.gain.setValueAtTime(0.0001, start);
      volume.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
      volume.gain.exponentialRampToValueAtTime(0.0001, start + 0.3);
      tone.connect(volume).connect(audio.destination);
      tone.start(start);
      tone.stop(start + 0.32);
    } catch {
      // No audio output: the title still says it.
    }
  }
}
