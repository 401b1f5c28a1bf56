// The nonces of signed requests still inside their ±300 s window, so a captured
// request cannot be sent twice — with a hard bound on the memory they take.
//
// A nonce is held by its request's own timestamp t, not by when it arrived:
// the request stays acceptable until the clock passes t + 300, so a request
// stamped 300 s ahead is remembered for 600 s. Nonces sit in buckets of
// `bucketS` seconds of t, and a bucket is dropped whole once every t in it has
// left the window, so forgetting costs nothing per nonce. A replay carries the
// same t as the original (the signature covers t and the nonce together), so
// only the bucket of its t needs searching.
//
// Each bucket is an open-addressing table of the nonces' 16 raw bytes in a
// Uint32Array: off the JS heap, so millions of them cost the garbage collector
// nothing to trace, and about a third of what a Set of hex strings costs.
//
// Past `cap` nonces in all, a new one is refused rather than remembered (the
// caller answers 503); one already seen is still refused as a replay.
import { SIGNATURE_TOLERANCE_S } from '../../protocol/signature.js';

export type Claim = 'fresh' | 'replayed' | 'full';

export interface ReplayWindowOptions {
  /** nonces held at most, over the whole window */
  cap: number;
  toleranceS?: number;
  bucketS?: number;
}

/**
 * A nonce takes a 16-byte slot in a table kept 3/8 to 3/4 full: 21–43 bytes,
 * so at most ~130 MB at this cap. A request is held ~310 s, so this is ~9,600
 * new signed requests a second, sustained; the booking server sends scans in
 * batches, so a venue's gates make far fewer.
 */
export const DEFAULT_REPLAY_CAP = 3_000_000;

export class ReplayWindow {
  private readonly buckets = new Map<number, NonceTable>();
  private entries = 0;
  private prunedAt = Number.NaN;
  private readonly cap: number;
  private readonly toleranceS: number;
  private readonly bucketS: number;
  // The nonce being checked, decoded from hex into one reused buffer: no allocation per request.
  private readonly scratch = Buffer.alloc(16);
  private readonly words = new Uint32Array(this.scratch.buffer, this.scratch.byteOffset, 4);

  constructor(opts: ReplayWindowOptions) {
    if (!Number.isSafeInteger(opts.cap) || opts.cap < 1) throw new RangeError(`the replay cap must be a positive integer, got ${opts.cap}`);
    this.cap = opts.cap;
    this.toleranceS = opts.toleranceS ?? SIGNATURE_TOLERANCE_S;
    this.bucketS = opts.bucketS ?? 10;
  }

  /** nonces held now */
  get size(): number {
    return this.entries;
  }

  /**
   * Records `nonce` (32 lowercase hex digits, as the signature header check
   * guarantees) of a request stamped `t`, already checked to be within the
   * tolerance of `nowS`.
   */
  claim(nonce: string, t: number, nowS: number): Claim {
    if (nowS !== this.prunedAt) this.prune(nowS);
    this.scratch.write(nonce, 0, 16, 'hex');
    const key = Math.floor(t / this.bucketS);
    let bucket = this.buckets.get(key);
    if (bucket?.has(this.words)) return 'replayed';
    if (this.entries >= this.cap) return 'full';
    if (!bucket) {
      bucket = new NonceTable();
      this.buckets.set(key, bucket);
    }
    bucket.add(this.words);
    this.entries++;
    return 'fresh';
  }

  /** Whole seconds until the oldest bucket leaves the window and frees its room (at least 1). */
  retryAfterS(nowS: number): number {
    let oldest = Infinity;
    for (const key of this.buckets.keys()) oldest = Math.min(oldest, key);
    if (oldest === Infinity) return 1;
    return Math.max(1, (oldest + 1) * this.bucketS + this.toleranceS - nowS);
  }

  /** Drops every bucket whose latest t is more than the tolerance before now. */
  private prune(nowS: number): void {
    this.prunedAt = nowS;
    const firstLive = Math.floor((nowS - this.toleranceS) / this.bucketS);
    for (const [key, bucket] of this.buckets) {
      if (key >= firstLive) continue;
      this.entries -= bucket.size;
      this.buckets.delete(key);
    }
  }
}

const MIN_SLOTS = 256;

/**
 * A set of 128-bit keys: four words a slot, linear probing, doubled at 3/4
 * full. An all-zero slot is empty, so the all-zero key is kept aside.
 * Only nonces the booking server signed get here, so their spread is trusted.
 */
class NonceTable {
  private slots = new Uint32Array(MIN_SLOTS * 4);
  private mask = MIN_SLOTS - 1;
  private hasZero = false;
  size = 0;

  has(w: Uint32Array): boolean {
    if (isZero(w)) return this.hasZero;
    return this.find(this.slots, this.mask, w) >= 0;
  }

  /** Adds a key that is not there yet. */
  add(w: Uint32Array): void {
    this.size++;
    if (isZero(w)) {
      this.hasZero = true;
      return;
    }
    if (this.size * 4 > (this.mask + 1) * 3) this.grow();
    put(this.slots, ~this.find(this.slots, this.mask, w), w);
  }

  /** The slot holding `w`, or ~(the empty slot where it would go). */
  private find(slots: Uint32Array, mask: number, w: Uint32Array): number {
    const a = w[0]!;
    const b = w[1]!;
    const c = w[2]!;
    const d = w[3]!;
    let i = hash(a, b, c, d) & mask;
    for (;;) {
      const o = i * 4;
      const sa = slots[o]!;
      const sb = slots[o + 1]!;
      const sc = slots[o + 2]!;
      const sd = slots[o + 3]!;
      if (sa === a && sb === b && sc === c && sd === d) return i;
      if ((sa | sb | sc | sd) === 0) return ~i;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    const slots = new Uint32Array(old.length * 2);
    const mask = slots.length / 4 - 1;
    const w = new Uint32Array(4);
    for (let o = 0; o < old.length; o += 4) {
      if ((old[o]! | old[o + 1]! | old[o + 2]! | old[o + 3]!) === 0) continue;
      w.set(old.subarray(o, o + 4));
      put(slots, ~this.find(slots, mask, w), w);
    }
    this.slots = slots;
    this.mask = mask;
  }
}

function isZero(w: Uint32Array): boolean {
  return (w[0]! | w[1]! | w[2]! | w[3]!) === 0;
}

function put(slots: Uint32Array, slot: number, w: Uint32Array): void {
  slots.set(w, slot * 4);
}

/** Mixes all four words, so nonces that differ only in their tail still spread. */
function hash(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a ^ Math.imul(b, 0x85ebca6b), 0x9e3779b1) ^ Math.imul(c ^ Math.imul(d, 0xc2b2ae35), 0x27d4eb2f);
  h ^= h >>> 15;
  return h >>> 0;
}
