// The alert sound, made with WebAudio (no audio file): three rising two-tone beeps.
let context = null;

/** Creates (or resumes) the audio context; call it from a user gesture (a click) so the browser allows sound. */
export function enableSound() {
  try {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    if (!context) context = new Ctx();
    if (context.state === 'suspended') context.resume().catch(() => {});
  } catch (error) {
    context = null;
  }
}

export function soundEnabled() { return !!context && context.state === 'running'; }

/** Plays the alert sound once (silently does nothing when the browser refuses audio). */
export function alarm() {
  if (!context) return;
  const start = context.currentTime + 0.02;
  for (let i = 0; i < 3; i++) {
    for (const [offset, freq] of [[0, 880], [0.18, 1175]]) {
      const t = start + i * 0.5 + offset;
      const osc = context.createOscillator();
      const gain = context.createGain();
      osc.type = 'square';
      osc.frequency.setValueAtTime(freq, t);
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.25, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.16);
      osc.connect(gain).connect(context.destination);
      osc.start(t);
      osc.stop(t + 0.17);
    }
  }
  document.body.dataset.alarms = String(Number(document.body.dataset.alarms || 0) + 1);
}
