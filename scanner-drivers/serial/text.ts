// Turns one frame of bytes into scan text. Scanners send ASCII or UTF-8; anything
// that is neither, or is a control byte, is line noise: dropped and counted, so the
// rest of the code still gets through and the status says what happened.
import { stripAim } from '../aim.js';

const decoder = new TextDecoder('utf-8', { fatal: false });

export interface FrameText {
  text: string;
  symbology: string;
  /** Bytes (or undecodable sequences) removed from the frame. */
  dropped: number;
}

// Tab and GS (the GS1 field separator) belong in codes; other C0 controls and DEL do not.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001c\u001e\u001f\u007f\ufffd]/g;

export function frameToText(frame: Uint8Array, aim: boolean): FrameText {
  const raw = decoder.decode(frame);
  let dropped = 0;
  const clean = raw.replace(CONTROL, () => {
    dropped++;
    return '';
  });
  if (!aim) return { text: clean, symbology: 'unknown', dropped };
  const { text, symbology } = stripAim(clean);
  return { text, symbology, dropped };
}
