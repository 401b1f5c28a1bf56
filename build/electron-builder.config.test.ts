// The packaging config's security settings. The fuses are flipped the way
// `npm run dist` flips them (electron-builder's own mapping, then
// @electron/fuses) in a stand-in for the Electron binary: a file holding
// Electron's fuse wire with Electron's defaults, because the real binary cannot
// be downloaded here. Read back, the wire shows what the packaged station runs with.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FuseV1Options, flipFuses, getCurrentFuseWire, type FuseConfig } from '@electron/fuses';
import { LinuxPackager } from 'electron-builder';
import { afterEach, describe, expect, it } from 'vitest';
import { SCANNER_VENDORS } from '../scanner-drivers/hid/devices.js';
import config, { afterInstallScript, CLI_WRAPPER, DEB_DEFAULT_DEPENDS, nativeStationModules, stationModuleClosure, UDEV_RULE } from './electron-builder.config.js';

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

describe('packaging: targets, files, the .deb', () => {
  it('builds AppImage and deb for x64 and arm64, NSIS for Windows', () => {
    expect(config.linux?.target).toEqual([
      { target: 'AppImage', arch: ['x64', 'arm64'] },
      { target: 'deb', arch: ['x64', 'arm64'] },
    ]);
    expect(config.win?.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    // /usr/bin/gatepost is the CLI; the app must not take that name.
    expect(config.linux?.executableName).toBe('gatepost-station');
  });

  it('the .deb depends on electron-builder\'s own list (as installed, not remembered) plus libudev1', () => {
    const require = createRequire(import.meta.url);
    const fpm = require(join(dirname(require.resolve('app-builder-lib/package.json', { paths: [dirname(require.resolve('electron-builder'))] })), 'out', 'targets', 'FpmTarget.js')) as {
      default: { prototype: { getDefaultDepends(target: string): string[] } };
    };
    const defaults = fpm.default.prototype.getDefaultDepends.call({}, 'deb');
    expect(defaults.length).toBeGreaterThan(0);
    expect(DEB_DEFAULT_DEPENDS).toEqual(defaults);
    const depends = config.deb?.depends ?? [];
    for (const d of [...defaults, 'libudev1']) expect(depends).toContain(d);
    expect(new Set(depends).size).toBe(depends.length);
  });

  it('packs the Electron bundle, the screen and the station\'s own modules, nothing of the servers; rebuilds only the station\'s natives', () => {
    const files = (config.files ?? []) as string[];
    expect(files).toEqual(expect.arrayContaining(['main/electron/dist/**', 'renderer/dist/**', 'node_modules/serialport/**', 'node_modules/node-hid/**', 'node_modules/zxing-wasm/**']));
    const closure = stationModuleClosure();
    const server = ['better-sqlite3', 'fastify', 'kysely', 'pg', 'nodemailer', '@resvg/resvg-js', 'fontkit', 'react', 'tsx', 'esbuild', 'vite'];
    for (const m of server) {
      expect(closure, m).not.toContain(m);
      expect(files.some((f) => f.startsWith(`node_modules/${m}/`)), m).toBe(false);
    }
    expect(files).toContain('!node_modules/better-sqlite3/**');
    expect(files.some((f) => /^(server|bin|dist)\//.test(f))).toBe(false);
    expect(nativeStationModules().sort()).toEqual(['@serialport/bindings-cpp', 'cbor-extract', 'node-hid']);
    expect(config.npmRebuild).toBe(true); // else electron-builder would not call beforeBuild
  });

  it('installs the udev rule and /usr/bin/gatepost; its post-install is electron-builder\'s, then ours, and parses', () => {
    expect(config.deb?.fpm).toEqual([`${UDEV_RULE}=/usr/lib/udev/rules.d/70-gatepost-scanners.rules`, `${CLI_WRAPPER}=/usr/bin/gatepost`]);
    accessSync(CLI_WRAPPER, constants.X_OK);
    expect(spawnSync('sh', ['-n', CLI_WRAPPER]).status).toBe(0);
    expect(readFileSync(CLI_WRAPPER, 'utf8')).toContain('--gatepost-cli');
    const script = readFileSync(afterInstallScript(), 'utf8');
    expect(script).toContain("update-alternatives --install '/usr/bin/${executable}'");
    expect(script).toContain('udevadm control --reload-rules');
    expect(script).toMatch(/usermod -aG dialout,plugdev/);
    // As electron-builder fills it in: only its own macros, then valid bash.
    const macros = new Set([...script.matchAll(/\$\{([a-zA-Z]+)\}/g)].map((m) => m[1]));
    expect([...macros].sort()).toEqual(['executable', 'sanitizedProductName']);
    const filled = script.replaceAll('${executable}', 'gatepost-station').replaceAll('${sanitizedProductName}', 'Gatepost Station');
    expect(spawnSync('bash', ['-n'], { input: filled }).status).toBe(0);
  });
});

// udev rules: KEY[{attr}]OP"value" pairs separated by commas, comments, blank lines.
const UDEV_KEYS = /^(ACTION|SUBSYSTEM|SUBSYSTEMS|KERNEL|KERNELS|DRIVERS|ATTRS\{\w+\}|ATTR\{\w+\}|ENV\{\w+\}|TAG|GROUP|MODE|OWNER|GOTO|LABEL|SYMLINK|RUN\{?\w*\}?)$/;
const UDEV_PAIR = /^\s*([A-Z]+(?:\{[\w]+\})?)\s*(==|!=|\+=|-=|:=|=)\s*"([^"]*)"\s*$/;
const UDEVADM_VERIFY = spawnSync('udevadm', ['verify', '--help']).status === 0;

describe('build/linux/70-gatepost-scanners.rules', () => {
  const text = readFileSync(UDEV_RULE, 'utf8');
  const rules = text.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));

  it('parses: each rule is KEY OP "value" pairs of known keys, every GOTO has its LABEL', () => {
    const labels = new Set<string>();
    const gotos: string[] = [];
    for (const rule of rules) {
      const pairs = rule.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((p) => UDEV_PAIR.exec(p));
      expect(pairs.every(Boolean), rule).toBe(true);
      for (const [, key, , value] of pairs as RegExpExecArray[]) {
        expect(key, rule).toMatch(UDEV_KEYS);
        if (key === 'LABEL') labels.add(value!);
        if (key === 'GOTO') gotos.push(value!);
        if (key === 'MODE') expect(value).toMatch(/^0[0-7]{3}$/);
      }
    }
    for (const g of gotos) expect(labels).toContain(g);
  });

  it('grants hidraw scanners of every vendor the station knows, and DCTTech relays, to the seat user (uaccess) and plugdev, 0660', () => {
    expect(text).toMatch(/^SUBSYSTEM!="hidraw", GOTO="gatepost_end"$/m);
    const grants = rules.filter((r) => r.includes('TAG+="uaccess"'));
    for (const rule of grants) expect(rule).toMatch(/GROUP="plugdev", MODE="0660"$/);
    const vendors = grants.map((r) => /ATTRS\{idVendor\}=="([0-9a-f]{4})"/.exec(r)?.[1]);
    for (const vid of Object.keys(SCANNER_VENDORS)) expect(vendors, `vendor ${Number(vid).toString(16)}`).toContain(Number(vid).toString(16).padStart(4, '0'));
    expect(grants).toContain('ATTRS{idVendor}=="16c0", ATTRS{idProduct}=="05df", TAG+="uaccess", GROUP="plugdev", MODE="0660"');
    // A number below 73: systemd's 73-seat-late.rules turns the uaccess tag into an ACL.
    expect(Number(/(\d+)-/.exec(UDEV_RULE.split('/').pop()!)?.[1])).toBeLessThan(73);
  });

  it.skipIf(!UDEVADM_VERIFY)(
    UDEVADM_VERIFY ? 'passes udevadm verify' : 'passes udevadm verify (skipped: no `udevadm verify` here; it came with systemd 254, Debian 12 has 252)',
    () => {
      const r = spawnSync('udevadm', ['verify', UDEV_RULE], { encoding: 'utf8' });
      expect(r.stderr + r.stdout, 'udevadm verify').not.toMatch(/error|invalid/i);
      expect(r.status).toBe(0);
    },
  );
});
