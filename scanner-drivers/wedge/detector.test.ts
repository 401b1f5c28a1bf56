import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { WedgeDetector, type KeyEvent, type WedgeSettings } from './detector.js';
import { KeyboardWedgeSource } from './source.js';
import { burst, endTime, typed } from '../testing/wedge-timelines.js';
import { BASE45, gp1Like, rng } from '../testing/random.js';

/** Replays a timeline and settles what is left, as the idle timer would. */
function replay(keys: KeyEvent[], settings: Partial<WedgeSettings> = {}) {
  const d = new WedgeDetector(settings);
  const outs = keys.flatMap((k) => d.push(k));
  outs.push(...d.flush(endTime(keys) + d.settings.idleTimeoutMs));
  const scans = outs.flatMap((o) => (o.kind === 'scan' ? [o] : []));
  // What the focused field would show: characters as typed, other keys named.
  const human = outs
    .flatMap((o) => (o.kind === 'keys' ? o.keys : []))
    .map((k) => (k.key.length === 1 ? k.key : `<${k.key}>`))
    .join('');
  return { scans, human, outs };
}

const GP1_CHARS = BASE45;
const HEX_CODE = '0123456789abcdef00ff7e3a9c41b2d8';

describe('keyboard wedge: scanner bursts', () => {
  it('reads every character GP1 uses, at 2–20 ms per character, ended by Enter', () => {
    const text = 'GP1:' + GP1_CHARS + GP1_CHARS.split('').reverse().join('');
    const { scans, human } = replay(burst(text, 1000, 1));
    expect(scans.map((s) => s.text)).toEqual([text]);
    expect(human).toBe('');
  });

  it('reads a bare code in lowercase hex ended by Tab', () => {
    const { scans, human } = replay(burst(HEX_CODE, 0, 2, 'Tab'));
    expect(scans.map((s) => s.text)).toEqual([HEX_CODE]);
    expect(human).toBe('');
  });

  it('reads any base45 text of 6–300 characters at any scanner speed', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...GP1_CHARS.split('')), minLength: 6, maxLength: 300 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.constantFrom('Enter', 'Tab', null),
        (text, seed, terminator) => {
          const { scans, human } = replay(burst(text, 5000, seed, terminator));
          expect(scans.map((s) => s.text)).toEqual([text]);
          expect(human).toBe('');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps characters a non-US layout produced, because it reads `key`', () => {
    const text = 'ÄÖÜ-é§ß-čř€';
    const { scans } = replay(burst(text, 0, 3));
    expect(scans.map((s) => s.text)).toEqual([text]);
  });

  it('strips configured prefix and suffix, and an AIM id when asked', () => {
    const { scans } = replay(burst('~]Q1' + HEX_CODE + '#', 0, 4), { prefix: '~', suffix: '#', stripAim: true });
    expect(scans).toMatchObject([{ text: HEX_CODE, symbology: 'qr' }]);
  });

  it('treats a burst shorter than the minimum length as typing', () => {
    const { scans, human } = replay(burst('12345', 0, 5));
    expect(scans).toEqual([]);
    expect(human).toBe('12345<Enter>');
  });
});

describe('keyboard wedge: people typing', () => {
  it('passes typing at 80–200 ms per key through untouched, Enter included', () => {
    const keys = typed('Hello World 42', 0, 80, 200, 6, true);
    keys.push({ key: 'Enter', time: endTime(keys) + 150 });
    const { scans, human } = replay(keys);
    expect(scans).toEqual([]);
    expect(human).toBe('Hello World 42<Enter>');
  });

  it('passes a fast typist at 35–60 ms per key through, even ending in Enter', () => {
    for (let seed = 0; seed < 50; seed++) {
      const keys = typed('correct horse battery', 0, 35, 60, seed);
      keys.push({ key: 'Enter', time: endTime(keys) + 40 });
      const { scans, human } = replay(keys);
      expect(scans).toEqual([]);
      expect(human).toBe('correct horse battery<Enter>');
    }
  });

  it('passes editing keys through in order with the text around them', () => {
    const keys = typed('abc', 0, 90, 120, 7);
    keys.push({ key: 'Backspace', time: endTime(keys) + 100 });
    keys.push(...typed('d', endTime(keys) + 100, 90, 90, 8));
    const { human } = replay(keys);
    expect(human).toBe('abc<Backspace>d');
  });
});

describe('keyboard wedge: scans and typing mixed', () => {
  it('separates a scan arriving in the middle of human typing', () => {
    for (let seed = 0; seed < 30; seed++) {
      const random = rng(seed);
      const code = gp1Like(random, 250);
      const before = typed('seat 1', 0, 80, 200, seed);
      // The last typed key lands 35–60 ms before the scan: inside one scanner gap, so the timing of what follows decides.
      const scan = burst(code, endTime(before) + 35 + (seed % 26), seed + 100);
      const after = typed('4B', endTime(scan) + 90, 80, 200, seed + 200);
      const { scans, human } = replay([...before, ...scan, ...after]);
      expect(scans.map((s) => s.text)).toEqual([code]);
      expect(human).toBe('seat 14B');
    }
  });

  it('reads a scanner that sends no terminator once it has been idle, and not before', () => {
    const keys = burst(HEX_CODE, 0, 9, null);
    const d = new WedgeDetector();
    expect(keys.flatMap((k) => d.push(k))).toEqual([]);
    expect(d.flush(endTime(keys) + 50)).toEqual([]);
    expect(d.deadline()).toBe(endTime(keys) + 100);
    expect(d.flush(endTime(keys) + 100)).toMatchObject([{ kind: 'scan', text: HEX_CODE }]);
  });

  it('reads two scans back to back without a terminator, split by the idle gap', () => {
    const first = burst('ABCDEF123', 0, 10, null);
    const second = burst('XYZ98765', endTime(first) + 150, 11, null);
    const { scans } = replay([...first, ...second]);
    expect(scans.map((s) => s.text)).toEqual(['ABCDEF123', 'XYZ98765']);
  });
});

describe('KeyboardWedgeSource', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('emits a terminator-less scan from its own idle timer, and the typed keys separately', async () => {
    vi.useFakeTimers();
    let clock = 0;
    const source = new KeyboardWedgeSource({ now: () => clock });
    const scans: string[] = [];
    const keys: string[] = [];
    source.on('scan', (s) => scans.push(s.text));
    source.on('keys', (k) => keys.push(...k.map((e) => e.key)));
    await source.start();
    expect(source.status.state).toBe('connected');

    for (const k of [...typed('ok', 0, 150, 150, 1), ...burst(HEX_CODE, 500, 12, null)]) {
      vi.advanceTimersByTime(k.time - clock);
      clock = k.time;
      source.feed(k);
    }
    expect(scans).toEqual([]);
    vi.advanceTimersByTime(99);
    clock += 99;
    expect(scans).toEqual([]);
    clock += 1;
    vi.advanceTimersByTime(1);
    expect(scans).toEqual([HEX_CODE]);
    expect(keys.join('')).toBe('ok');
    await source.stop();
    expect(source.status.state).toBe('disconnected');
  });
});
