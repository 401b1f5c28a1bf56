// Seeded randomness for fixtures: a failing run can be replayed from its seed.
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function between(random: () => number, lo: number, hi: number): number {
  return lo + random() * (hi - lo);
}

export const BASE45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

/** A GP1-shaped text: `GP1:` and base45 characters, as printed on tickets. */
export function gp1Like(random: () => number, length = 250): string {
  let s = 'GP1:';
  while (s.length < length) s += BASE45[Math.floor(random() * BASE45.length)];
  return s;
}
