// Test helpers: QR decoders that are not the encoder (zbar's zbarimg, @zxing/library,
// jsQR) and ticket fixtures with real signed GP1 payloads.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BinaryBitmap,
  DecodeHintType,
  HybridBinarizer,
  QRCodeReader,
  RGBLuminanceSource,
  ResultMetadataType,
} from '@zxing/library';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { encodeGp1, type Gp1Body } from '../../../../../protocol/gp1.js';
import type { TicketImage } from '../ticket.js';

// jsqr is CommonJS with an `export default` typing: under NodeNext the function is `.default`.
const jsQR = jsQRModule.default;

export const ZBAR_MISSING = 'zbarimg not found: install the apt package zbar-tools (apt-get install zbar-tools)';

export function hasZbarimg(): boolean {
  const r = spawnSync('zbarimg', ['--version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/** zbarimg's reading of a PNG: the raw text of the one QR code in it. */
export function zbarDecodePng(png: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatepost-zbar-'));
  try {
    const file = join(dir, 'code.png');
    writeFileSync(file, png);
    const out = execFileSync('zbarimg', ['-q', '--raw', '-Sdisable', '-Sqrcode.enable', file], { encoding: 'utf8', timeout: 30_000 });
    return out.replace(/\n$/, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Pixels {
  width: number;
  height: number;
  /** RGBA */
  data: Uint8Array;
}

/** Decodes a PNG with pngjs (an independent PNG reader). */
export function readPng(png: Buffer): Pixels {
  const img = PNG.sync.read(png);
  return { width: img.width, height: img.height, data: img.data };
}

/**
 * @zxing/library's reading, with the error correction level it found. `pure` is for an
 * image of the symbol alone: zxing-js's finder-pattern search misses roughly one clean
 * GP1-sized symbol in ten (content-dependent; zbar, jsQR, zxing-cpp and zxing-js's own
 * pure-barcode path read them all), so random payloads are read in pure mode.
 */
export function zxingDecode(p: Pixels, pure = false): { text: string; ecLevel: string; mode: string } {
  const luma = new Uint8ClampedArray(p.width * p.height);
  for (let i = 0, j = 0; i < luma.length; i++, j += 4) {
    luma[i] = (p.data[j]! * 299 + p.data[j + 1]! * 587 + p.data[j + 2]! * 114) / 1000;
  }
  const bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(luma, p.width, p.height)));
  const hints = new Map<DecodeHintType, unknown>([[pure ? DecodeHintType.PURE_BARCODE : DecodeHintType.TRY_HARDER, true]]);
  const result = new QRCodeReader().decode(bitmap, hints);
  const ecLevel = result.getResultMetadata().get(ResultMetadataType.ERROR_CORRECTION_LEVEL);
  // the mode indicator: the first 4 bits of the symbol's data codewords
  const indicator = (result.getRawBytes()?.[0] ?? 0) >> 4;
  return { text: result.getText(), ecLevel: String(ecLevel), mode: QR_MODES[indicator] ?? `0b${indicator.toString(2)}` };
}

const QR_MODES: Record<number, string> = { 0b0001: 'numeric', 0b0010: 'alphanumeric', 0b0100: 'byte', 0b1000: 'kanji', 0b0111: 'eci' };

/** jsQR's reading, or null. */
export function jsqrDecode(p: Pixels): string | null {
  return jsqr(p)?.data ?? null;
}

function jsqr(p: Pixels): ReturnType<typeof jsQR> {
  const data = new Uint8ClampedArray(p.data.buffer, p.data.byteOffset, p.data.length);
  return jsQR(data, p.width, p.height, { inversionAttempts: 'dontInvert' });
}

/**
 * zxing-js on a whole ticket image: its own search first; when that misses (see
 * zxingDecode), the symbol is cut out where jsQR located it and read in pure mode.
 */
export function zxingDecodeInImage(p: Pixels): { text: string; ecLevel: string; mode: string; pure: boolean } {
  try {
    return { ...zxingDecode(p), pure: false };
  } catch (err) {
    const loc = jsqr(p)?.location;
    if (!loc) throw err;
    const corners = [loc.topLeftCorner, loc.topRightCorner, loc.bottomLeftCorner, loc.bottomRightCorner];
    const margin = 24;
    const x0 = Math.max(0, Math.floor(Math.min(...corners.map((c) => c.x))) - margin);
    const y0 = Math.max(0, Math.floor(Math.min(...corners.map((c) => c.y))) - margin);
    const x1 = Math.min(p.width, Math.ceil(Math.max(...corners.map((c) => c.x))) + margin);
    const y1 = Math.min(p.height, Math.ceil(Math.max(...corners.map((c) => c.y))) + margin);
    const crop = new Uint8Array((x1 - x0) * (y1 - y0) * 4);
    for (let y = y0; y < y1; y++) crop.set(p.data.subarray((y * p.width + x0) * 4, (y * p.width + x1) * 4), (y - y0) * (x1 - x0) * 4);
    return { ...zxingDecode({ width: x1 - x0, height: y1 - y0, data: crop }, true), pure: true };
  }
}

export interface Fixture {
  publicKey: KeyObject;
  privateKey: KeyObject;
  ticket(info: { title: string; venue: string; hall: string; seat: string }, startsAt?: number): TicketImage;
}

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * A platform key and tickets whose payloads are GP1 texts signed with it. With a
 * `seed` everything (key, codes, ticket IDs) is derived from it: the same payloads every run.
 */
export function fixture(seed?: string): Fixture {
  const { publicKey, privateKey } = seed
    ? (() => {
        const priv = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, digest(seed, 'key')]), format: 'der', type: 'pkcs8' });
        return { privateKey: priv, publicKey: createPublicKey(priv) };
      })()
    : generateKeyPairSync('ed25519');
  let n = 0;
  const bytes = (k: number): Buffer => (seed ? digest(seed, String(n++)).subarray(0, k) : randomBytes(k));
  return {
    publicKey,
    privateKey,
    ticket(info, startsAt = 1_767_209_400) {
      const body: Gp1Body = {
        providerId: 'prv-7f3a2c',
        code: bytes(16).toString('hex'),
        info: { ...info, startsAt },
        validFrom: startsAt - 3600,
        validUntil: startsAt + 3 * 3600,
      };
      return {
        payload: encodeGp1(body, { keyId: 1, privateKey }),
        ...info,
        startsAt,
        validFrom: body.validFrom,
        validUntil: body.validUntil,
        ticketId: `T-${bytes(5).toString('hex').toUpperCase()}`,
      };
    },
  };
}

function digest(seed: string, what: string): Buffer {
  return createHash('sha256').update(`${seed}/${what}`).digest();
}
