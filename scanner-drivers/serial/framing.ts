// Cuts a serial byte stream into codes. Bytes arrive in whatever chunks the OS hands
// over, so a code may be split anywhere, and several may share one chunk.

export type Framing =
  | { kind: 'cr' }
  | { kind: 'lf' }
  | { kind: 'crlf' }
  | { kind: 'stx-etx' }
  /** A code ends when the line has been quiet this long (scanners without a suffix). */
  | { kind: 'timeout'; ms: number };

export const FRAMING_HELP = 'cr|lf|crlf|stx-etx|timeout:MS';

/** Parses 'cr', 'lf', 'crlf', 'stx-etx' or 'timeout:MS'; throws with a readable message otherwise. */
export function parseFraming(spec: string): Framing {
  const s = spec.trim().toLowerCase();
  if (s === 'cr' || s === 'lf' || s === 'crlf' || s === 'stx-etx') return { kind: s };
  const m = /^timeout:(\d+)$/.exec(s);
  if (m) {
    const ms = Number(m[1]);
    if (ms >= 1 && ms <= 60_000) return { kind: 'timeout', ms };
  }
  throw new Error(`framing must be ${FRAMING_HELP} (MS 1–60000), got "${spec}"`);
}

export function framingName(f: Framing): string {
  return f.kind === 'timeout' ? `timeout:${f.ms}` : f.kind;
}

export interface Dropped {
  bytes: number;
  why: string;
}

export interface FramerOutput {
  frames: Uint8Array[];
  dropped: Dropped[];
}

const CR = 0x0d;
const LF = 0x0a;
const STX = 0x02;
const ETX = 0x03;

export class Framer {
  private buf: number[] = [];
  private inFrame = false;

  /** Frames longer than maxFrame bytes are line noise or a wrong framing setting, not codes. */
  constructor(
    readonly framing: Framing,
    readonly maxFrame = 4096,
  ) {}

  push(chunk: Uint8Array): FramerOutput {
    const out: FramerOutput = { frames: [], dropped: [] };
    if (this.framing.kind === 'stx-etx') this.pushStxEtx(chunk, out);
    else this.pushDelimited(chunk, out);
    return out;
  }

  /** Ends the frame in progress: the inter-byte timeout passed (timeout framing only). */
  flush(): FramerOutput {
    const out: FramerOutput = { frames: [], dropped: [] };
    if (this.framing.kind === 'timeout') this.emit(out);
    return out;
  }

  get pending(): boolean {
    return this.buf.length > 0;
  }

  private pushDelimited(chunk: Uint8Array, out: FramerOutput): void {
    const kind = this.framing.kind;
    for (const b of chunk) {
      const ends =
        (kind === 'cr' && b === CR) ||
        (kind === 'lf' && b === LF) ||
        (kind === 'crlf' && b === LF && this.buf[this.buf.length - 1] === CR);
      if (ends) {
        if (kind === 'crlf') this.buf.pop();
        this.emit(out);
        continue;
      }
      this.buf.push(b);
      if (this.buf.length > this.maxFrame) this.overflow(out);
    }
  }

  private pushStxEtx(chunk: Uint8Array, out: FramerOutput): void {
    let outside = 0;
    for (const b of chunk) {
      if (b === STX) {
        if (this.inFrame && this.buf.length > 0) out.dropped.push({ bytes: this.buf.length + 1, why: 'STX inside a frame: the frame before it was cut short' });
        this.buf = [];
        this.inFrame = true;
      } else if (!this.inFrame) {
        // Line endings after ETX are common and harmless; anything else outside a frame is noise.
        if (b !== CR && b !== LF) outside++;
      } else if (b === ETX) {
        this.inFrame = false;
        this.emit(out);
      } else {
        this.buf.push(b);
        if (this.buf.length > this.maxFrame) {
          this.overflow(out);
          this.inFrame = false;
        }
      }
    }
    if (outside > 0) out.dropped.push({ bytes: outside, why: 'bytes outside STX…ETX' });
  }

  private emit(out: FramerOutput): void {
    let start = 0;
    let end = this.buf.length;
    // A scanner sending CRLF on a CR setting (or the reverse) leaves the other half at an edge.
    while (start < end && (this.buf[start] === CR || this.buf[start] === LF)) start++;
    while (end > start && (this.buf[end - 1] === CR || this.buf[end - 1] === LF)) end--;
    if (end > start) out.frames.push(Uint8Array.from(this.buf.slice(start, end)));
    this.buf = [];
  }

  private overflow(out: FramerOutput): void {
    out.dropped.push({ bytes: this.buf.length, why: `no end of code after ${this.maxFrame} bytes (wrong framing?)` });
    this.buf = [];
  }
}
