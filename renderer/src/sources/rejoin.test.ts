// The wedge's stall repair, with the real burst detector: a stall right after
// the first key of a scan must not cost the ticket its "GP1:" prefix.
import { describe, expect, it } from 'vitest';
import { WedgeDetector, type KeyEvent, type WedgeOutput } from '../../../scanner-drivers/wedge/detector.js';
import { looksLikeCode, rejoin } from './rejoin.js';

function typeOut(text: string, gaps: (i: number) => number): KeyEvent[] {
  let t = 1000;
  const keys = [...text].map((key, i) => ({ key, time: (t += gaps(i)) }));
  return [...keys, { key: 'Enter', time: t + 5 }];
}

function feed(events: KeyEvent[]): WedgeOutput[] {
  const d = new WedgeDetector({ maxGapMs: 400, idleTimeoutMs: 400 });
  return events.flatMap((e) => d.push(e));
}

const TICKET = 'GP1:6BF8VC8$A2TK.Y3B4*:J+1-2/C 9%A';

describe('rejoin', () => {
  it('recognises the codes a gate is shown', () => {
    expect(looksLikeCode(TICKET)).toBe(true);
    expect(looksLikeCode('gps1:abc')).toBe(true);
    expect(looksLikeCode('0123456789abcdef0123456789ABCDEF')).toBe(true);
    expect(looksLikeCode('P1:6BF8')).toBe(false);
  });

  it('puts back the first key a stall cut off', () => {
    const out = feed(typeOut(TICKET, (i) => (i === 1 ? 330 : 5)));
    const keys = out.filter((o) => o.kind === 'keys').flatMap((o) => (o.kind === 'keys' ? o.keys.map((k) => k.key) : []));
    const scan = out.find((o) => o.kind === 'scan');
    expect(scan?.kind === 'scan' && scan.text).toBe(TICKET.slice(1));
    expect(rejoin(keys.join(''), scan?.kind === 'scan' ? scan.text : '')).toEqual({ text: TICKET, typed: '' });
  });

  it('leaves a whole scan, and a person’s unrelated keys, alone', () => {
    expect(rejoin('12', TICKET)).toEqual({ text: TICKET, typed: '12' });
    expect(rejoin('xyz', 'hello world')).toEqual({ text: 'hello world', typed: 'xyz' });
    expect(rejoin('40', '123456789abcdef0123456789abcdef')).toEqual({ text: '0123456789abcdef0123456789abcdef', typed: '4' });
  });

  it('needs no repair when the stall is mid-code', () => {
    const out = feed(typeOut(TICKET, (i) => (i === 12 ? 300 : 5)));
    expect(out).toEqual([{ kind: 'scan', text: TICKET, symbology: 'unknown', time: expect.any(Number) }]);
  });
});
