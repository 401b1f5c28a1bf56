// The GP1 codec: RFC 9285 vectors, round trips, and what a gate meets in the
// wild — random text, truncated scans, flipped bits — none of which may crash
// a decoder or pass as a valid ticket.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base45Decode, base45Encode, BASE45_CHARSET } from './base45.js';
import { decodeGp1, encodeGp1, exportPublicKey, importPublicKey, MAX_SCAN_TEXT, parseScanText, verifyGp1, type Gp1Body } from './gp1.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const keys = (id: number) => (id === 7 ? publicKey : undefined);
const signer = { keyId: 7, privateKey };

const body: Gp1Body = {
  providerId: 'p_demo',
  code: randomBytes(16).toString('hex'),
  info: { title: '星河彼岸 Across the Star River', venue: 'Demo Cinema', hall: 'Hall 2', seat: 'C7', startsAt: 1_800_000_000 },
  validFrom: 1_799_996_400,
  validUntil: 1_800_007_200,
};

describe('base45 (RFC 9285)', () => {
  it('matches the RFC examples', () => {
    const enc = (s: string) => base45Encode(Buffer.from(s, 'utf8'));
    expect(enc('AB')).toBe('BB8');
    expect(enc('Hello!!')).toBe('%69 VD92EX0');
    expect(enc('base-45')).toBe('UJCLQE7W581');
    expect(Buffer.from(base45Decode('QED8WEX0')!).toString('utf8')).toBe('ietf!');
  });

  it('refuses what is not base45', () => {
    expect(base45Decode('FGW')).toEqual(Uint8Array.from([0xff, 0xff])); // the largest triple
    expect(base45Decode('GGW')).toBeNull(); // 65536 overflows
    expect(base45Decode('ZZ')).toBeNull(); // 1619 > 255
    expect(base45Decode('A')).toBeNull(); // a lone character is no length base45 makes
    expect(base45Decode('ab=')).toBeNull();
  });

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(base45Decode(base45Encode(bytes))).toEqual(bytes);
      }),
    );
  });
});

describe('GP1', () => {
  it('round-trips a signed ticket that verifies under its key', () => {
    const text = encodeGp1(body, signer);
    expect(text.startsWith('GP1:')).toBe(true);
    expect([...text.slice(4)].every((c) => BASE45_CHARSET.includes(c))).toBe(true); // QR alphanumeric mode
    expect(verifyGp1(text, keys)).toEqual({ ok: true, body: { ...body, keyId: 7 } });
  });

  it('decodes an unsigned code-only ticket, which never verifies offline', () => {
    const text = encodeGp1({ providerId: 'p_demo', code: body.code, validFrom: 1, validUntil: 2 });
    const decoded = decodeGp1(text);
    expect(decoded.ok && decoded.signature).toBeNull();
    expect(verifyGp1(text, keys)).toMatchObject({ ok: false, reason: 'unsigned' });
  });

  it('names an unknown key and a wrong key', () => {
    expect(verifyGp1(encodeGp1(body, { keyId: 8, privateKey }), keys)).toMatchObject({ ok: false, reason: 'unknown_key' });
    expect(verifyGp1(encodeGp1(body, { keyId: 7, privateKey: other.privateKey }), keys)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('reads a scan sent with Caps Lock inverted', () => {
    const text = encodeGp1(body, signer);
    expect(verifyGp1(text.toLowerCase(), keys).ok).toBe(true);
  });

  it('recognises bare codes, in either case, and nothing else as one', () => {
    expect(parseScanText(body.code)).toEqual({ kind: 'code', text: body.code, code: body.code });
    expect(parseScanText(` ${body.code.toUpperCase()}\r\n`)).toEqual({ kind: 'code', text: body.code.toUpperCase(), code: body.code });
    expect(parseScanText(body.code.slice(1)).kind).toBe('malformed');
    expect(parseScanText(`${body.code}0`).kind).toBe('malformed');
    expect(parseScanText(encodeGp1(body, signer)).kind).toBe('gp1');
    expect(parseScanText(42).kind).toBe('malformed');
  });

  it(`refuses text over ${MAX_SCAN_TEXT} characters before parsing it`, () => {
    const long = encodeGp1(body, signer) + '0'.repeat(MAX_SCAN_TEXT);
    expect(decodeGp1(long)).toMatchObject({ ok: false, reason: 'malformed', detail: expect.stringContaining('1024') });
    expect(parseScanText('x'.repeat(MAX_SCAN_TEXT + 1)).kind).toBe('malformed');
  });

  it('exports and imports the raw public key the keys endpoint serves', () => {
    const raw = exportPublicKey(publicKey);
    expect(Buffer.from(raw, 'base64url')).toHaveLength(32);
    const imported = importPublicKey(raw)!;
    expect(verifyGp1(encodeGp1(body, signer), (id) => (id === 7 ? imported : undefined)).ok).toBe(true);
    expect(importPublicKey('not a key')).toBeNull();
  });

  it('never crashes and never verifies on random text', () => {
    const alphabet = fc.constantFrom(...`${BASE45_CHARSET}abcxyz\u0000\n€`.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 1200 }), fc.string({ unit: alphabet, maxLength: 600 }).map((s) => `GP1:${s}`)), (text) => {
        const result = verifyGp1(text, keys);
        expect(result.ok).toBe(false);
        expect(['malformed', 'bad_signature', 'unknown_key', 'unsigned']).toContain(result.ok ? 'ok' : result.reason);
        expect(() => parseScanText(text)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });

  it('never verifies a ticket with any bit flipped', () => {
    const raw = base45Decode(encodeGp1(body, signer).slice(4))!;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: raw.length * 8 - 1 }), (bit) => {
        const flipped = Uint8Array.from(raw);
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        const result = verifyGp1(`GP1:${base45Encode(flipped)}`, keys);
        expect(result.ok).toBe(false);
      }),
      { numRuns: raw.length * 8 },
    );
  });

  it('never verifies a ticket with one character changed', () => {
    const text = encodeGp1(body, signer);
    fc.assert(
      fc.property(fc.integer({ min: 4, max: text.length - 1 }), fc.constantFrom(...BASE45_CHARSET.split('')), (i, c) => {
        fc.pre(text[i] !== c);
        const changed = text.slice(0, i) + c + text.slice(i + 1);
        expect(verifyGp1(changed, keys).ok).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });
});
