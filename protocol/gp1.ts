// The GP1 ticket payload: `GP1:` + base45(CBOR [body, sig]).
// body is a CBOR byte string holding a CBOR map with integer keys (see DESIGN.md);
// sig is an Ed25519 signature over "GP1" ‖ body, or null for an online-only ticket.
// Nothing here throws on bad input: every failure is a typed result.
import { createPublicKey, sign as edSign, verify as edVerify, type KeyObject } from 'node:crypto';
import { Decoder, Encoder } from 'cbor-x';
import { base45Decode, base45Encode } from './base45.js';
import { BARE_CODE, GP1_PREFIX } from './scan-text.js';

/** Longer scans are refused before any parsing: a real ticket is under 400 characters. */
export const MAX_SCAN_TEXT = 1024;
const SIGNATURE_CONTEXT = Buffer.from('GP1', 'ascii');

export interface TicketInfo {
  title?: string;
  venue?: string;
  hall?: string;
  seat?: string;
  /** epoch seconds */
  startsAt?: number;
}

export interface Gp1Body {
  providerId: string;
  /** 32 lowercase hex digits (16 random bytes) */
  code: string;
  info?: TicketInfo;
  /** epoch seconds */
  validFrom: number;
  /** epoch seconds */
  validUntil: number;
  /** platform key that signed it; absent on unsigned tickets */
  keyId?: number;
}

export interface DecodedGp1 {
  body: Gp1Body;
  bodyBytes: Uint8Array;
  signature: Uint8Array | null;
}

export type Gp1DecodeResult = ({ ok: true } & DecodedGp1) | { ok: false; reason: 'malformed'; detail: string };

export type Gp1VerifyFailure = 'malformed' | 'bad_signature' | 'unknown_key' | 'unsigned';
export type Gp1VerifyResult =
  | { ok: true; body: Gp1Body }
  | { ok: false; reason: Gp1VerifyFailure; detail: string; body?: Gp1Body };

export interface Gp1Signer {
  keyId: number;
  privateKey: KeyObject;
}

/** Looks a platform public key up by key ID. */
export type KeyLookup = (keyId: number) => KeyObject | undefined;

// Plain CBOR only: integer-keyed maps stay maps, byte strings stay byte strings,
// no cbor-x record or typed-array extensions (a non-JS reader must decode it).
const encoder = new Encoder({ mapsAsObjects: false, useRecords: false, tagUint8Array: false, variableMapSize: true });
const decoder = new Decoder({ mapsAsObjects: false, useRecords: false });

export function encodeGp1(body: Gp1Body, signer?: Gp1Signer): string {
  const map = new Map<number, unknown>();
  map.set(1, body.providerId);
  map.set(2, Buffer.from(body.code, 'hex'));
  if (body.info) {
    const info = new Map<number, unknown>();
    if (body.info.title !== undefined) info.set(1, body.info.title);
    if (body.info.venue !== undefined) info.set(2, body.info.venue);
    if (body.info.hall !== undefined) info.set(3, body.info.hall);
    if (body.info.seat !== undefined) info.set(4, body.info.seat);
    if (body.info.startsAt !== undefined) info.set(5, body.info.startsAt);
    map.set(3, info);
  }
  map.set(4, body.validFrom);
  map.set(5, body.validUntil);
  const keyId = signer ? signer.keyId : body.keyId;
  if (keyId !== undefined) map.set(6, keyId);
  const bodyBytes = encoder.encode(map);
  const sig = signer ? edSign(null, Buffer.concat([SIGNATURE_CONTEXT, bodyBytes]), signer.privateKey) : null;
  return GP1_PREFIX + base45Encode(encoder.encode([bodyBytes, sig]));
}

export function decodeGp1(input: string): Gp1DecodeResult {
  if (typeof input !== 'string') return malformed('not text');
  if (input.length > MAX_SCAN_TEXT) return malformed(`longer than ${MAX_SCAN_TEXT} characters`);
  // base45 has no lowercase letters, so upper-casing repairs a scanner that sends
  // with Caps Lock inverted and changes nothing else.
  const text = input.trim().toUpperCase();
  if (!text.startsWith(GP1_PREFIX)) return malformed('no GP1: prefix');
  const raw = base45Decode(text.slice(GP1_PREFIX.length));
  if (!raw) return malformed('not base45');
  const outer = safeDecode(raw);
  if (!Array.isArray(outer) || outer.length !== 2) return malformed('not a [body, sig] array');
  const [bodyBytes, sig] = outer as [unknown, unknown];
  if (!(bodyBytes instanceof Uint8Array)) return malformed('body is not a byte string');
  if (sig !== null && !(sig instanceof Uint8Array && sig.length === 64)) return malformed('signature is not 64 bytes or null');
  const map = safeDecode(bodyBytes);
  if (!(map instanceof Map)) return malformed('body is not a map');
  const body = readBody(map);
  if (typeof body === 'string') return malformed(body);
  if (sig !== null && body.keyId === undefined) return malformed('signed body without key ID');
  return { ok: true, body, bodyBytes, signature: sig };
}

export function verifyGp1(input: string, keys: KeyLookup): Gp1VerifyResult {
  const decoded = decodeGp1(input);
  if (!decoded.ok) return decoded;
  return verifyDecoded(decoded, keys);
}

export function verifyDecoded(decoded: DecodedGp1, keys: KeyLookup): Gp1VerifyResult {
  const { body, bodyBytes, signature } = decoded;
  if (!signature) return { ok: false, reason: 'unsigned', detail: 'ticket carries no signature', body };
  const key = keys(body.keyId!);
  if (!key) return { ok: false, reason: 'unknown_key', detail: `no key ${body.keyId}`, body };
  let good = false;
  try {
    good = edVerify(null, Buffer.concat([SIGNATURE_CONTEXT, bodyBytes]), key, signature);
  } catch {
    good = false;
  }
  return good ? { ok: true, body } : { ok: false, reason: 'bad_signature', detail: 'signature does not match', body };
}

/** A scan read once: what it is, and its text (trimmed), which is what goes on to the server. */
export type ScanText = { text: string } & (
  | { kind: 'gp1'; decoded: DecodedGp1 }
  | { kind: 'code'; code: string }
  | { kind: 'malformed'; detail: string }
);

/** What a gate scanned: a GP1 ticket, a bare code (case-insensitive), or neither. */
export function parseScanText(input: unknown): ScanText {
  if (typeof input !== 'string') return { kind: 'malformed', text: '', detail: 'not text' };
  const text = input.trim();
  if (input.length > MAX_SCAN_TEXT) return { kind: 'malformed', text, detail: `longer than ${MAX_SCAN_TEXT} characters` };
  const lower = text.toLowerCase();
  if (BARE_CODE.test(lower)) return { kind: 'code', text, code: lower };
  const decoded = decodeGp1(text);
  return decoded.ok ? { kind: 'gp1', text, decoded } : { kind: 'malformed', text, detail: decoded.detail };
}

/** Raw 32-byte Ed25519 public key as base64url, the form /api/v1/keys serves. */
export function exportPublicKey(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.x) throw new TypeError('not an Ed25519 key');
  return jwk.x;
}

/** Imports a base64url raw Ed25519 public key; null when it is not one. */
export function importPublicKey(base64url: string): KeyObject | null {
  if (typeof base64url !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(base64url)) return null;
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: base64url }, format: 'jwk' });
  } catch {
    return null;
  }
}

function malformed(detail: string): { ok: false; reason: 'malformed'; detail: string } {
  return { ok: false, reason: 'malformed', detail };
}

function safeDecode(bytes: Uint8Array): unknown {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

const MAX_EPOCH = 2 ** 40;
const isEpoch = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v < MAX_EPOCH;
const isShortText = (v: unknown, max = 200): v is string => typeof v === 'string' && v.length <= max;

function readBody(map: Map<unknown, unknown>): Gp1Body | string {
  const providerId = map.get(1);
  if (!isShortText(providerId, 64) || providerId.length === 0) return 'provider ID missing or not text';
  const code = map.get(2);
  if (!(code instanceof Uint8Array) || code.length !== 16) return 'code is not 16 bytes';
  const validFrom = map.get(4);
  const validUntil = map.get(5);
  if (!isEpoch(validFrom) || !isEpoch(validUntil)) return 'validity is not epoch seconds';
  if (validUntil < validFrom) return 'validity ends before it starts';
  const body: Gp1Body = { providerId, code: Buffer.from(code).toString('hex'), validFrom, validUntil };
  const keyId = map.get(6);
  if (keyId !== undefined) {
    if (typeof keyId !== 'number' || !Number.isSafeInteger(keyId) || keyId < 0) return 'key ID is not an unsigned integer';
    body.keyId = keyId;
  }
  const rawInfo = map.get(3);
  if (rawInfo !== undefined) {
    if (!(rawInfo instanceof Map)) return 'ticket info is not a map';
    const info: TicketInfo = {};
    const fields = [
      [1, 'title'],
      [2, 'venue'],
      [3, 'hall'],
      [4, 'seat'],
    ] as const;
    for (const [k, name] of fields) {
      const v = rawInfo.get(k);
      if (v === undefined) continue;
      if (!isShortText(v)) return `ticket ${name} is not text`;
      info[name] = v;
    }
    const startsAt = rawInfo.get(5);
    if (startsAt !== undefined) {
      if (!isEpoch(startsAt)) return 'ticket start is not epoch seconds';
      info.startsAt = startsAt;
    }
    body.info = info;
  }
  return body;
}
