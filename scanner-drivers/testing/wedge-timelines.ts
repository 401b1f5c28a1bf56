// Recorded-style key timelines: what a keyboard-mode scanner and a person produce.
import { between, rng } from './random.js';
import type { KeyEvent } from '../wedge/detector.js';

/** Types `text` starting at `t0` with gaps drawn from [lo, hi] ms; `shift` adds the Shift keydowns a real wedge sends before capitals. */
export function typed(text: string, t0: number, lo: number, hi: number, seed: number, shift = false): KeyEvent[] {
  const random = rng(seed);
  const out: KeyEvent[] = [];
  let t = t0;
  for (const ch of text) {
    if (shift && ch !== ch.toLowerCase()) out.push({ key: 'Shift', time: t - 0.5 });
    out.push({ key: ch, time: t });
    t += between(random, lo, hi);
  }
  return out;
}

/** A scanner burst of `text` followed by a terminator key. */
export function burst(text: string, t0: number, seed: number, terminator: string | null = 'Enter', lo = 2, hi = 20): KeyEvent[] {
  const keys = typed(text, t0, lo, hi, seed, true);
  if (terminator) keys.push({ key: terminator, time: keys[keys.length - 1]!.time + between(rng(seed + 1), lo, hi) });
  return keys;
}

export function endTime(keys: KeyEvent[]): number {
  return keys[keys.length - 1]!.time;
}
