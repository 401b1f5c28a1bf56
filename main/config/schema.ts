// The station's config: one JSON file in the user data folder, checked with zod
// on load and on every change. A value the schema refuses never replaces a good
// one. The file holds the station token and the PIN hash, so only the core
// reads it; the screen gets settingsView(), which says "enrolled" and no more.
import { z } from 'zod';
import type { SettingsView } from '../bridge/contract.js';

export const MIN_HOLD_MS = 500;
export const MAX_HOLD_MS = 30_000;
export const DEFAULT_HOLD_MS = 2500;
export const DEFAULT_PULSE_MS = 500;

const serverUrl = z
  .string()
  .trim()
  .max(500)
  .refine((s) => s === '' || isHttpUrl(s), 'a server URL is http:// or https:// followed by a host, e.g. https://tickets.example.com');

/** Plain http is for this machine only: anything else would carry the station token and tickets in clear. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** A URL the station may talk to: https, or http to loopback, or any http when venue IT allowed it. */
export function insecureServerUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' && !isLoopbackHost(u.hostname);
  } catch {
    return false;
  }
}

export const INSECURE_HTTP_MESSAGE = 'plain http is allowed only to this machine: use https, or turn on "allow plain http" (allowInsecureHttp)';

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0 && !u.username && !u.password && !u.search && !u.hash;
  } catch {
    return false;
  }
}

const serialPath = z.string().trim().min(1, 'pick a serial port').max(300);
const baudRate = z.number().int().refine((n) => [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200].includes(n), 'a standard baud rate');
const framing = z.string().regex(/^(cr|lf|crlf|stx-etx|timeout:\d{1,5})$/, 'cr, lf, crlf, stx-etx or timeout:MS');
const pulseMs = z.number().int().min(50, 'at least 50 ms').max(10_000, 'at most 10 s');
const hexOrText = z.string().min(1).max(200);

export const wedgeSchema = z.object({
  enabled: z.boolean(),
  maxAvgGapMs: z.number().int().min(5).max(100),
  minLength: z.number().int().min(1).max(100),
});

export const relaySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none'), pulseMs }),
  z.object({ kind: z.literal('lcus'), path: serialPath, channel: z.number().int().min(1).max(8), baudRate, pulseMs }),
  z.object({ kind: z.literal('serial-command'), path: serialPath, baudRate, on: hexOrText, off: hexOrText, pulseMs }),
  z.object({ kind: z.literal('dcttech'), channel: z.number().int().min(1).max(8), pulseMs }),
]);

export const configSchema = z.object({
  version: z.literal(1),
  serverUrl,
  providerId: z.string().trim().max(100),
  gate: z.string().trim().max(100),
  /** the station token from enrollment: bound to serverUrl, never shown or logged */
  enrollment: z
    .object({
      stationId: z.string().min(1).max(100),
      token: z.string().min(1).max(500),
      /** the server said this station was revoked: it admits no one until enrolled again (kept across restarts) */
      revoked: z.boolean().optional(),
    })
    .nullable(),
  sources: z.object({
    wedge: wedgeSchema,
    serial: z
      .array(z.object({ path: serialPath, baudRate, framing }))
      .max(8)
      .refine((a) => new Set(a.map((s) => s.path)).size === a.length, 'a serial port is listed twice'),
    hid: z.array(z.object({ device: z.string().trim().min(1).max(300) })).max(8),
    camera: z.object({ enabled: z.boolean(), deviceId: z.string().max(300).nullable() }),
  }),
  relay: relaySchema,
  offlinePolicy: z.enum(['deny', 'signed']),
  holdMs: z.number().int().min(MIN_HOLD_MS, `at least ${MIN_HOLD_MS} ms`).max(MAX_HOLD_MS, `at most ${MAX_HOLD_MS / 1000} s`),
  language: z.enum(['zh-CN', 'en', 'system']),
  kiosk: z.boolean(),
  /** scrypt hash of the settings PIN (see pin.ts); null until venue IT sets one */
  pinHash: z.string().max(300).nullable(),
  /** how long a scan waits for the server before the offline policy applies */
  scanTimeoutMs: z.number().int().min(200).max(10_000),
  /** lets serverUrl be plain http to another machine (a closed venue network); logged as a warning */
  allowInsecureHttp: z.boolean(),
});

export type StationConfig = z.infer<typeof configSchema>;

export function defaultConfig(): StationConfig {
  return {
    version: 1,
    serverUrl: '',
    providerId: '',
    gate: '',
    enrollment: null,
    sources: {
      wedge: { enabled: true, maxAvgGapMs: 30, minLength: 6 },
      serial: [],
      hid: [],
      camera: { enabled: false, deviceId: null },
    },
    relay: { kind: 'none', pulseMs: DEFAULT_PULSE_MS },
    offlinePolicy: 'deny',
    holdMs: DEFAULT_HOLD_MS,
    language: 'system',
    kiosk: false,
    pinHash: null,
    scanTimeoutMs: 1500,
    allowInsecureHttp: false,
  };
}

/** The serverUrl refused for plain http to another machine, when not allowed; null when fine. */
export function transportIssue(c: Pick<StationConfig, 'serverUrl' | 'allowInsecureHttp'>): FieldIssue | null {
  return !c.allowInsecureHttp && insecureServerUrl(c.serverUrl) ? { field: 'serverUrl', message: INSECURE_HTTP_MESSAGE } : null;
}

export function settingsView(c: StationConfig): SettingsView {
  return {
    serverUrl: c.serverUrl,
    providerId: c.providerId,
    gate: c.gate,
    enrolled: c.enrollment !== null,
    stationId: c.enrollment?.stationId ?? null,
    wedge: { ...c.sources.wedge },
    serial: c.sources.serial.map((s) => ({ ...s })),
    hid: c.sources.hid.map((h) => ({ ...h })),
    camera: { ...c.sources.camera },
    relay: { ...c.relay },
    offlinePolicy: c.offlinePolicy,
    holdMs: c.holdMs,
    language: c.language,
    kiosk: c.kiosk,
    pinSet: c.pinHash !== null,
    allowInsecureHttp: c.allowInsecureHttp,
  };
}

export interface FieldIssue {
  field: string;
  message: string;
}

export function issuesOf(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ field: i.path.map(String).join('.') || '(config)', message: i.message }));
}

/** The config with the settings screen's patch applied, in the file's shape (not yet validated). */
export function applyPatch(c: StationConfig, patch: Record<string, unknown>): unknown {
  const next = structuredClone(c) as Record<string, unknown> & { sources: Record<string, unknown> };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    switch (key) {
      case 'wedge':
      case 'serial':
      case 'hid':
      case 'camera':
        next.sources[key] = value;
        break;
      case 'serverUrl':
      case 'providerId':
      case 'gate':
      case 'relay':
      case 'offlinePolicy':
      case 'holdMs':
      case 'language':
      case 'kiosk':
      case 'allowInsecureHttp':
        next[key] = value;
        break;
      default:
      // Unknown keys were already refused by the bridge's argument check.
    }
  }
  return next;
}

/** The token belongs to one server: moving to another origin must not carry it along. */
export function sameServer(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
