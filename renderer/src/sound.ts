// Verdict tones with WebAudio, so no sound files and no decoding delay: ADMIT is
// a short rising two-note chime, DENY a low, harsh triple buzz. They differ in
// pitch, timbre and rhythm, so an attendant who is not looking still knows.
import type { StationVerdict } from '../../protocol/verdict.js';

let context: AudioContext | null = null;

function audio(): AudioContext | null {
  try {
    context ??= new AudioContext({ latencyHint: 'interactive' });
    // Browsers start an AudioContext suspended until a user gesture; Electron and
    // `chromium --autoplay-policy=no-user-gesture-required` let it run at once.
    if (context.state === 'suspended') void context.resume();
    return context;
  } catch {
    return null;
  }
}

function tone(ctx: AudioContext, at: number, freq: number, seconds: number, type: OscillatorType, volume: number): void {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = type;
  osc.frequency.setValueAtTime(freq, at);
  // Short ramps: no clicks at the start and end of each note.
  gain.gain.setValueAtTime(0, at);
  gain.gain.linearRampToValueAtTime(volume, at + 0.01);
  gain.gain.setValueAtTime(volume, at + seconds - 0.03);
  gain.gain.linearRampToValueAtTime(0, at + seconds);
  osc.connect(gain).connect(ctx.destination);
  osc.start(at);
  osc.stop(at + seconds + 0.02);
}

export function playVerdict(result: StationVerdict['result']): void {
  const ctx = audio();
  if (!ctx) return;
  const t = ctx.currentTime + 0.005;
  if (result === 'admitted') {
    tone(ctx, t, 880, 0.11, 'sine', 0.35);
    tone(ctx, t + 0.12, 1318.5, 0.18, 'sine', 0.35);
  } else {
    for (let i = 0; i < 3; i++) tone(ctx, t + i * 0.16, 196, 0.12, 'square', 0.18);
  }
}

/** Call from any user gesture so the first verdict is not silent in a plain browser. */
export function unlockAudio(): void {
  audio();
}
