// What a scanner puts on the wire for one code under each framing.
import type { Framing } from '../serial/framing.js';

const enc = new TextEncoder();

export function encodeFrame(text: string, framing: Framing): Uint8Array {
  const body = enc.encode(text);
  switch (framing.kind) {
    case 'cr':
      return Uint8Array.from([...body, 0x0d]);
    case 'lf':
      return Uint8Array.from([...body, 0x0a]);
    case 'crlf':
      return Uint8Array.from([...body, 0x0d, 0x0a]);
    case 'stx-etx':
      return Uint8Array.from([0x02, ...body, 0x03]);
    case 'timeout':
      return body;
  }
}
