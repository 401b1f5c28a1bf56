// The replay window on its own, against a clock the test moves: how long a
// nonce is held, how whole buckets are dropped, and the hard cap.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ReplayWindow } from './replay-window.js';

const T0 = 1_900_000_000; // a multiple of the 10 s bucket
const nonce = () => randomBytes(16).toString('hex');

describe('replay window', () => {
  it('refuses a nonce again for as long as its timestamp is acceptable, then forgets it', () => {
    const w = new ReplayWindow({ cap: 100 });
    const n = nonce();
    expect(w.claim(n, T0, T0)).toBe('fresh');
    expect(w.claim(n, T0, T0 + 1)).toBe('replayed');
    expect(w.claim(n, T0, T0 + 300)).toBe('replayed'); // t is still within 300 s
    expect(w.size).toBe(1);
    expect(w.claim(nonce(), T0 + 301, T0 + 301)).toBe('fresh'); // t = T0 is out now, but its bucket holds T0..T0+9
    expect(w.size).toBe(2);
    expect(w.claim(nonce(), T0 + 310, T0 + 310)).toBe('fresh'); // every t of T0's bucket is out: dropped whole
    expect(w.size).toBe(2);
  });

  it('holds a nonce stamped 300 s ahead until its own timestamp leaves the window', () => {
    const w = new ReplayWindow({ cap: 100 });
    const n = nonce();
    expect(w.claim(n, T0 + 300, T0)).toBe('fresh');
    // Arrival time has long left the window; the request's own time has not.
    for (const now of [T0 + 301, T0 + 450, T0 + 599, T0 + 600]) expect(w.claim(n, T0 + 300, now)).toBe('replayed');
    w.claim(nonce(), T0 + 610, T0 + 610);
    expect(w.size).toBe(1); // only the new one
  });

  it('past the cap refuses new nonces, still names replays, and takes new ones once the oldest bucket leaves', () => {
    const w = new ReplayWindow({ cap: 3 });
    const seen = [nonce(), nonce(), nonce()];
    for (const n of seen) expect(w.claim(n, T0 + 5, T0 + 5)).toBe('fresh');
    expect(w.claim(nonce(), T0 + 5, T0 + 5)).toBe('full');
    expect(w.claim(seen[1]!, T0 + 5, T0 + 6)).toBe('replayed');
    expect(w.size).toBe(3);
    // The bucket of T0..T0+9 leaves when the clock reaches T0 + 310.
    expect(w.retryAfterS(T0 + 6)).toBe(304);
    expect(w.claim(nonce(), T0 + 309, T0 + 309)).toBe('full');
    expect(w.retryAfterS(T0 + 309)).toBe(1);
    expect(w.claim(nonce(), T0 + 310, T0 + 310)).toBe('fresh');
    expect(w.size).toBe(1);
  });

  it('keeps every nonce apart through growth, the all-zero nonce and nonces alike but for their last digits', () => {
    const w = new ReplayWindow({ cap: 1_000_000 });
    const prefix = nonce().slice(0, 24);
    const all = [
      '0'.repeat(32),
      ...Array.from({ length: 20_000 }, nonce),
      ...Array.from({ length: 20_000 }, (_, i) => prefix + i.toString(16).padStart(8, '0')),
      ...Array.from({ length: 5_000 }, (_, i) => (i + 1).toString(16).padStart(32, '0')),
    ];
    for (const n of all) expect(w.claim(n, T0, T0)).toBe('fresh');
    expect(w.size).toBe(all.length);
    let replayed = 0;
    for (const n of all) if (w.claim(n, T0, T0 + 1) === 'replayed') replayed++;
    expect(replayed).toBe(all.length);
    // The same nonces under another timestamp bucket are another request's: a replay carries its original t.
    expect(w.claim(all[1]!, T0 + 10, T0 + 10)).toBe('fresh');
  });

  it('refuses a cap that is not a positive whole number', () => {
    for (const cap of [0, -1, 1.5, Number.NaN]) expect(() => new ReplayWindow({ cap })).toThrow(/positive integer/);
  });
});
