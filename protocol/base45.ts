// Base45 (RFC 9285): the encoding that keeps a QR code in alphanumeric mode.
// Every byte pair becomes three characters, a trailing single byte two.

export const BASE45_CHARSET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE45_CHARSET.length; i++) VALUE[BASE45_CHARSET.charCodeAt(i)] = i;

export function base45Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    let n = bytes[i]! * 256 + bytes[i + 1]!;
    const c = n % 45;
    n = (n - c) / 45;
    const d = n % 45;
    const e = (n - d) / 45;
    out += BASE45_CHARSET[c]! + BASE45_CHARSET[d]! + BASE45_CHARSET[e]!;
  }
  if (bytes.length % 2 === 1) {
    const n = bytes[bytes.length - 1]!;
    out += BASE45_CHARSET[n % 45]! + BASE45_CHARSET[Math.floor(n / 45)]!;
  }
  return out;
}

/** Decodes base45; returns null for any text that is not valid base45 (bad character, bad length, overflow). */
export function base45Decode(text: string): Uint8Array | null {
  if (text.length % 3 === 1) return null;
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let o = 0;
  for (let i = 0; i < text.length; i += 3) {
    const remaining = text.length - i;
    const c = digit(text, i);
    const d = digit(text, i + 1);
    if (c < 0 || d < 0) return null;
    if (remaining >= 3) {
      const e = digit(text, i + 2);
      if (e < 0) return null;
      const n = c + d * 45 + e * 45 * 45;
      if (n > 0xffff) return null;
      out[o++] = n >> 8;
      out[o++] = n & 0xff;
    } else {
      const n = c + d * 45;
      if (n > 0xff) return null;
      out[o++] = n;
    }
  }
  return out;
}

function digit(text: string, i: number): number {
  const code = text.charCodeAt(i);
  return code < 128 ? VALUE[code]! : -1;
}
