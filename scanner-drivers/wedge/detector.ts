// Tells a barcode gun in keyboard mode apart from a person at the keyboard, from
// key timing alone: a scanner types a whole code at machine speed, a person does not.
// Pure and clock-free: the caller passes each key's time, and calls flush(now) when
// the idle timeout may have passed, so tests replay recorded timings exactly.
//
// It reads `key` (the character the layout produced), never keyCodes, so punctuation
// and non-US layouts come through as the scanner meant them.
import { stripAim } from '../aim.js';

export interface KeyEvent {
  /** KeyboardEvent.key: a character, or a key name such as 'Enter', 'Shift', 'Backspace'. */
  key: string;
  /** Milliseconds on any monotonic clock (KeyboardEvent.timeStamp does). */
  time: number;
}

export interface WedgeSettings {
  /** A burst whose average gap between keys is above this is a person typing. */
  maxAvgGapMs: number;
  /** Shorter texts are never scans. */
  minLength: number;
  /** Key names that end a scan; consumed when they end one. */
  terminators: string[];
  /** Stripped from the start of a scan when present (a scanner configured to send a marker). */
  prefix: string;
  /** Stripped from the end of a scan when present. */
  suffix: string;
  /** With no key for this long, whatever is pending is decided (a scanner without terminator). */
  idleTimeoutMs: number;
  /** Strip a leading AIM `]Xn` id and report its symbology. */
  stripAim: boolean;
  /**
   * A single gap above this splits a burst. Bluetooth guns deliver keys in small
   * clumps, so one gap may exceed the average limit; a person's keys never come
   * this close together for a whole code.
   */
  maxGapMs: number;
}

export const DEFAULT_WEDGE_SETTINGS: WedgeSettings = {
  maxAvgGapMs: 30,
  minLength: 6,
  terminators: ['Enter', 'Tab'],
  prefix: '',
  suffix: '',
  idleTimeoutMs: 100,
  stripAim: false,
  maxGapMs: 60,
};

export type WedgeOutput =
  | { kind: 'scan'; text: string; symbology: string; time: number }
  /** Keys a person typed, in order, for the UI to apply as ordinary input. */
  | { kind: 'keys'; keys: KeyEvent[] };

// Keys that carry no character of their own: a scanner emulating a keyboard sends
// Shift around capitals, and a dead key precedes the composed character.
const SILENT = new Set(['Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'CapsLock', 'NumLock', 'Fn', 'Dead', 'Unidentified']);

function isCharacter(key: string): boolean {
  const first = key.codePointAt(0);
  return first !== undefined && key.length === (first > 0xffff ? 2 : 1);
}

export class WedgeDetector {
  readonly settings: WedgeSettings;
  private pending: KeyEvent[] = [];

  constructor(settings: Partial<WedgeSettings> = {}) {
    const maxAvgGapMs = settings.maxAvgGapMs ?? DEFAULT_WEDGE_SETTINGS.maxAvgGapMs;
    this.settings = { ...DEFAULT_WEDGE_SETTINGS, maxGapMs: 2 * maxAvgGapMs, ...settings };
  }

  /** Feeds one key; returns what it settled (often nothing yet). */
  push(event: KeyEvent): WedgeOutput[] {
    const out: WedgeOutput[] = [];
    const last = this.pending[this.pending.length - 1];
    if (last && event.time - last.time >= this.settings.idleTimeoutMs) this.decide(null, out);
    if (SILENT.has(event.key)) return out;
    if (this.settings.terminators.includes(event.key)) {
      this.decide(event, out);
    } else if (isCharacter(event.key)) {
      this.pending.push(event);
    } else {
      // Backspace, arrows, Escape…: no scanner sends these, so whatever was pending is settled first.
      this.decide(null, out);
      out.push({ kind: 'keys', keys: [event] });
    }
    return out;
  }

  /** Settles pending keys once `now` is past the idle timeout; without `now`, settles them at once. */
  flush(now = Number.POSITIVE_INFINITY): WedgeOutput[] {
    const out: WedgeOutput[] = [];
    const last = this.pending[this.pending.length - 1];
    if (last && now - last.time >= this.settings.idleTimeoutMs) this.decide(null, out);
    return out;
  }

  /** When flush() would next settle something, or null with nothing pending. */
  deadline(): number | null {
    const last = this.pending[this.pending.length - 1];
    return last ? last.time + this.settings.idleTimeoutMs : null;
  }

  private decide(terminator: KeyEvent | null, out: WedgeOutput[]): void {
    const keys = this.pending;
    this.pending = [];
    const start = this.burstStart(keys, terminator);
    const scan = start === null ? null : this.scanText(keys.slice(start));
    if (start === null || scan === null) {
      const human = terminator ? [...keys, terminator] : keys;
      if (human.length > 0) out.push({ kind: 'keys', keys: human });
      return;
    }
    if (start > 0) out.push({ kind: 'keys', keys: keys.slice(0, start) });
    const lastKey = terminator ?? keys[keys.length - 1]!;
    out.push({ kind: 'scan', text: scan.text, symbology: scan.symbology, time: lastKey.time });
  }

  /** Where the machine-speed tail of `keys` begins, or null when there is none. */
  private burstStart(keys: KeyEvent[], terminator: KeyEvent | null): number | null {
    if (keys.length === 0) return null;
    const { maxGapMs, maxAvgGapMs } = this.settings;
    if (terminator && terminator.time - keys[keys.length - 1]!.time > maxGapMs) return null;
    let start = keys.length - 1;
    while (start > 0 && keys[start]!.time - keys[start - 1]!.time <= maxGapMs) start--;
    // A person's key just before a scan can fall inside maxGapMs; a scanner's first
    // key is followed at scanner speed, a person's is not.
    while (start < keys.length - 1 && keys[start + 1]!.time - keys[start]!.time > maxAvgGapMs) start++;
    const end = terminator ?? keys[keys.length - 1]!;
    const intervals = keys.length - start - (terminator ? 0 : 1);
    if (intervals <= 0) return null;
    const avg = (end.time - keys[start]!.time) / intervals;
    return avg <= maxAvgGapMs ? start : null;
  }

  private scanText(burst: KeyEvent[]): { text: string; symbology: string } | null {
    const { prefix, suffix, minLength } = this.settings;
    let text = burst.map((k) => k.key).join('');
    if (prefix && text.startsWith(prefix)) text = text.slice(prefix.length);
    if (suffix && text.endsWith(suffix)) text = text.slice(0, text.length - suffix.length);
    let symbology = 'unknown';
    if (this.settings.stripAim) ({ text, symbology } = stripAim(text));
    if (text.length < minLength) return null;
    return { text, symbology };
  }
}
