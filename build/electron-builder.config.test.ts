// The packaging config's security settings. The fuses are flipped the way
// `npm run dist` flips them (electron-builder's own mapping, then
// @electron/fuses) in a stand-in for the Electron binary: a file holding
// Electron's fuse wire with Electron's defaults, because the real binary cannot
// be downloaded here. Read back, the wire shows what the packaged station runs with.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FuseV1Options, flipFuses, getCurrentFuseWire, type FuseConfig } from '@electron/fuses';
import { LinuxPackager } from 'electron-builder';
import { afterEach, describe, expect, it } from 'vitest';
import config from './electron-builder.config.js';

// Electron's fuse sentinel, then the wire: version 1, its length, one byte per fuse.
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ON = '1'.charCodeAt(0);
const OFF = '0'.charCodeAt(0);
// Electron's defaults: RunAsNode on, cookie encryption off, NODE_OPTIONS on,
// --inspect on, ASAR integrity off, only-asar off, V8 snapshot off, file:// privileges on.
const ELECTRON_DEFAULTS = '10110001';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

describe('packaging: Electron fuses', () => {
  it('the packaged binary cannot run as Node, take NODE_OPTIONS or --inspect, and loads only its checked app.asar', async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatepost-fuses-'));
    const binary = join(dir, 'gatepost-station');
    const padding = Buffer.alloc(4096);
    writeFileSync(binary, Buffer.concat([padding, Buffer.from(SENTINEL), Buffer.from([1, ELECTRON_DEFAULTS.length]), Buffer.from(ELECTRON_DEFAULTS), padding]));

    expect(config.electronFuses).toBeTruthy();
    // electron-builder's own translation of the config, as `npm run dist` runs it.
    const packager = LinuxPackager.prototype as unknown as { generateFuseConfig(fuses: unknown): Promise<FuseConfig> };
    await flipFuses(binary, await packager.generateFuseConfig(config.electronFuses));
    const wire = (await getCurrentFuseWire(binary)) as unknown as Record<number, number>;

    expect(wire[FuseV1Options.RunAsNode]).toBe(OFF);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(OFF);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(OFF);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(ON);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(ON);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ON);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(OFF);
  });

  it('packs the app into an asar, the only place the fuses let it load from', () => {
    expect(config.asar).toBe(true);
    expect(config.extraMetadata).toMatchObject({ main: 'main/electron/dist/main.mjs' });
  });
});
