/**
 * The notification tones of the site and the console, made with WebAudio (no sound file to
 * fetch, nothing for the CSP to allow): two short rising notes, and a distinct four-note
 * alternating call for what is urgent.
 */

let audio = null;

const TONES = {
  default: { notes: [[0, 660], [0.18, 880]], length: 0.16 },
  urgent: { notes: [[0, 988], [0.14, 740], [0.28, 988], [0.42, 740]], length: 0.12 },
};

/**
 * Browsers let audio start only after a user gesture: call this from one (it creates the
 * audio context, or resumes it when the browser kept it suspended).
 */
export function unlockSound() {
  if (!audio) {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    try {
      audio = new Context();
    } catch {
      audio = null;
      return;
    }
  }
  if (audio.state === "suspended") audio.resume().catch(() => {});
}

/**
 * Whether a tone can be heard now: false before a gesture unlocked the audio, or while the
 * browser keeps it suspended (its autoplay policy) — show a way to turn the sound on.
 */
export function soundReady() {
  return Boolean(audio && audio.state === "running");
}

/** Called when the audio becomes ready or blocked (the browser's `statechange`). */
export function onSoundChange(listener) {
  if (audio) audio.addEventListener("statechange", listener);
  return Boolean(audio);
}

/** Plays a tone (`default` or `urgent`); false when no sound could be played. */
export function playTone(kind = "default") {
  if (!audio) return false;
  const tone = TONES[kind] || TONES.default;
  try {
    if (audio.state === "suspended") audio.resume().catch(() => {});
    const start = audio.currentTime + 0.01;
    for (const [offset, frequency] of tone.notes) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.type = kind === "urgent" ? "square" : "sine";
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.2, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + tone.length);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + tone.length + 0.02);
    }
    return true;
  } catch {
    return false; // no audio output: the caller's visible signal still says it
  }
}
