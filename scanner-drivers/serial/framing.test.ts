import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Framer, parseFraming, type Framing } from './framing.js';
import { frameToText } from './text.js';
import { splitRandomly } from '../testing/far-end.js';
import { encodeFrame } from '../testing/frames.js';
import { rng } from '../testing/random.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

const FRAMINGS: Framing[] = ['cr', 'lf', 'crlf', 'stx-etx', 'timeout:50'].map(parseFraming);
const codeText = fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:abcdef]'.split('')), minLength: 1, maxLength: 300 });

describe('serial framing', () => {
  for (const framing of FRAMINGS) {
    it(`${parseFramingName(framing)}: reassembles codes however the bytes are chunked`, () => {
      fc.assert(
        fc.property(fc.array(codeText, { minLength: 1, maxLength: 5 }), fc.integer(), (codes, seed) => {
          const framer = new Framer(framing);
          const got: string[] = [];
          for (const code of codes) {
            for (const chunk of splitRandomly(encodeFrame(code, framing), rng(seed))) {
              const out = framer.push(chunk);
              expect(out.dropped).toEqual([]);
              got.push(...out.frames.map((f) => dec.decode(f)));
            }
            // With timeout framing, the line going quiet is what ends the code.
            got.push(...framer.flush().frames.map((f) => dec.decode(f)));
          }
          expect(got).toEqual(codes);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('cr framing also accepts a scanner that sends CRLF', () => {
    const out = new Framer(parseFraming('cr')).push(enc.encode('ABC123\r\nDEF456\r\n'));
    expect(out.frames.map((f) => dec.decode(f))).toEqual(['ABC123', 'DEF456']);
  });

  it('stx-etx drops and reports noise outside frames and a frame cut short by a new STX', () => {
    const framer = new Framer(parseFraming('stx-etx'));
    const out = framer.push(Uint8Array.from([0xff, 0x00, 0x02, 0x41, 0x42, 0x02, ...enc.encode('GOOD01'), 0x03, 0x0d, 0x0a]));
    expect(out.frames.map((f) => dec.decode(f))).toEqual(['GOOD01']);
    expect(out.dropped).toEqual([
      { bytes: 3, why: expect.stringContaining('STX inside a frame') },
      { bytes: 2, why: 'bytes outside STX…ETX' },
    ]);
  });

  it('drops and reports a runaway frame (wrong framing setting) instead of growing without end', () => {
    const framer = new Framer(parseFraming('cr'), 64);
    const out = framer.push(Uint8Array.from([...new Uint8Array(100).fill(0x41), ...enc.encode('\rOK1234\r')]));
    expect(out.dropped[0]?.why).toMatch(/no end of code after 64 bytes/);
    expect(out.frames.map((f) => dec.decode(f)).at(-1)).toBe('OK1234');
  });

  it('rejects an unknown framing with the accepted forms in the message', () => {
    expect(() => parseFraming('etx')).toThrow(/cr\|lf\|crlf\|stx-etx\|timeout:MS/);
    expect(() => parseFraming('timeout:0')).toThrow();
    expect(parseFraming('TIMEOUT:80')).toEqual({ kind: 'timeout', ms: 80 });
  });
});

describe('serial frame text', () => {
  it('strips an AIM prefix and names the symbology', () => {
    expect(frameToText(enc.encode(']Q1GP1:ABC'), true)).toEqual({ text: 'GP1:ABC', symbology: 'qr', dropped: 0 });
    expect(frameToText(enc.encode(']E04006381333931'), true)).toMatchObject({ text: '4006381333931', symbology: 'ean-13' });
    expect(frameToText(enc.encode(']C0ABC-123'), true)).toMatchObject({ symbology: 'code-128' });
    expect(frameToText(enc.encode(']d1010012345'), true)).toMatchObject({ symbology: 'datamatrix' });
    expect(frameToText(enc.encode(']X3something'), true)).toMatchObject({ text: 'something', symbology: ']X3' });
    expect(frameToText(enc.encode(']Q1GP1:ABC'), false)).toMatchObject({ text: ']Q1GP1:ABC', symbology: 'unknown' });
  });

  it('drops control bytes and invalid UTF-8 but keeps the code and UTF-8 text', () => {
    expect(frameToText(Uint8Array.from([0x00, 0xff, ...enc.encode('票ABC'), 0x07]), true)).toEqual({ text: '票ABC', symbology: 'unknown', dropped: 3 });
  });
});

function parseFramingName(f: Framing): string {
  return f.kind === 'timeout' ? `timeout:${f.ms}` : f.kind;
}
