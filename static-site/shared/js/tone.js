/**
 * The notification tone of the site and the console: two short rising notes made with
 * WebAudio (no sound file to fetch, nothing for the CSP to allow).
 */

let audio = null;

/** Browsers let audio start only after a user gesture: call this from one. */
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

/** Plays the tone; false when no sound could be played (not unlocked, no audio output). */
export function playTone() {
  if (!audio) return false;
  try {
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
    return true;
  } catch {
    return false; // no audio output: the caller's visible signal still says it
  }
}
