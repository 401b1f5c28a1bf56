// The renderer is a web page: whatever it sends over the bridge is checked here
// before the core acts on it, whichever shell carried it. Unknown fields are
// refused rather than ignored, so a typo in the screen's code shows up at once.
import { z } from 'zod';
import type { CommandChannel } from './contract.js';

const settingsPatch = z
  .object({
    serverUrl: z.string().max(500),
    providerId: z.string().max(100),
    gate: z.string().max(100),
    wedge: z.object({ enabled: z.boolean(), maxAvgGapMs: z.number(), minLength: z.number() }).strict(),
    serial: z.array(z.object({ path: z.string().max(300), baudRate: z.number(), framing: z.string().max(40) }).strict()).max(8),
    hid: z.array(z.object({ device: z.string().max(300) }).strict()).max(8),
    camera: z.object({ enabled: z.boolean(), deviceId: z.string().max(300).nullable() }).strict(),
    // The relay's own fields are checked by the config schema, kind by kind.
    relay: z.object({ kind: z.string().max(40) }).catchall(z.unknown()),
    offlinePolicy: z.string().max(20),
    holdMs: z.number(),
    language: z.string().max(10),
    kiosk: z.boolean(),
    allowInsecureHttp: z.boolean(),
  })
  .partial()
  .strict();

const none = z.undefined().or(z.null());

export const commandArgs: Record<CommandChannel, z.ZodType> = {
  'station:state': none,
  'scan:submit': z
    .object({ text: z.string().min(1).max(4096), symbology: z.string().max(40), source: z.enum(['wedge', 'camera', 'keyboard']) })
    .strict(),
  'source:status': z
    .object({
      name: z.string().max(100),
      kind: z.enum(['wedge', 'camera']),
      state: z.enum(['connected', 'disconnected', 'error']),
      detail: z.string().max(500),
    })
    .strict(),
  'conflicts:dismiss': z.object({ scanId: z.string().max(100).nullable() }).strict(),
  'counters:reset': none,
  'settings:unlock': z.object({ pin: z.string().max(64) }).strict(),
  'settings:lock': none,
  'settings:get': none,
  'settings:save': settingsPatch,
  'settings:enroll': z.object({ code: z.string().max(200), serverUrl: z.string().max(500).optional(), pin: z.string().max(64).optional() }).strict(),
  'settings:set-pin': z.object({ pin: z.string().max(64) }).strict(),
  'devices:list': none,
  'setup:confirm': z.object({ pin: z.string().max(64) }).strict(),
  'setup:cancel': none,
  'scan:annul': z.object({ id: z.string().min(1).max(100) }).strict(),
};
