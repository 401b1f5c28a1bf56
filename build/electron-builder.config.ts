// electron-builder config for the gate station: `npm run dist`.
// Linux AppImage + deb (x64 and arm64), Windows NSIS. Needs network access:
// electron-builder downloads Electron and its packaging tools (Windows
// installers built on Linux also need wine). Before packaging (beforeBuild),
// build/prepare.ts builds the screen and the Electron bundle, and only the
// station's native modules (serialport, node-hid, cbor-extract) are rebuilt
// for Electron: the app takes the Electron bundle plus those modules' folders,
// nothing of the servers (no better-sqlite3 rebuilt for nothing, and the
// checkout's better-sqlite3 stays built for Node). Native modules are kept
// outside the asar, where they can be loaded.
//
// The .deb also installs the udev rule build/linux/70-gatepost-scanners.rules
// (HID POS scanners and DCTTech relays for the user at the screen and group
// plugdev) and /usr/bin/gatepost (build/linux/gatepost: the station-side
// commands, run by the app with --gatepost-cli), and its post-install script
// (electron-builder's own, then build/linux/after-install.sh) reloads udev and
// says which groups the gate's user needs.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Configuration } from 'electron-builder';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/**
 * electron-builder's default .deb depends (app-builder-lib FpmTarget.getDefaultDepends('deb'),
 * out/targets/FpmTarget.js in 26.x): a `depends` list replaces it, so ours repeats it and adds
 * to it. build/electron-builder.config.test.ts checks it against the installed electron-builder.
 */
export const DEB_DEFAULT_DEPENDS = ['libgtk-3-0', 'libnotify4', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1', 'libsecret-1-0'];
/** node-hid reads /dev/hidraw* through libudev. */
export const DEB_DEPENDS = [...DEB_DEFAULT_DEPENDS, 'libudev1'];

/** What the Electron bundle leaves external (build/electron-bundle.ts) and loads from node_modules at run time. */
export const STATION_MODULES = ['serialport', 'node-hid', 'cbor-extract', 'zxing-wasm'];

/** The packages those need, each once (type-only packages left out). */
export function stationModuleClosure(roots = STATION_MODULES): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || name.startsWith('@types/')) return;
    const manifest = join(repo, 'node_modules', name, 'package.json');
    if (!existsSync(manifest)) return; // an optional dependency for another platform
    seen.add(name);
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep);
  };
  roots.forEach(visit);
  return [...seen].sort();
}

/** The ones with a native addon to build for Electron. */
export function nativeStationModules(): string[] {
  return stationModuleClosure().filter((m) => existsSync(join(repo, 'node_modules', m, 'binding.gyp')));
}

export const UDEV_RULE = join(repo, 'build', 'linux', '70-gatepost-scanners.rules');
export const CLI_WRAPPER = join(repo, 'build', 'linux', 'gatepost');

/** electron-builder's own after-install script (the /usr/bin link, chrome-sandbox, AppArmor), then ours. */
export function afterInstallScript(): string {
  const template = require.resolve('app-builder-lib/templates/linux/after-install.tpl', { paths: [dirname(require.resolve('electron-builder'))] });
  const file = join(tmpdir(), 'gatepost-deb-after-install.tpl');
  writeFileSync(file, readFileSync(template, 'utf8') + readFileSync(join(repo, 'build', 'linux', 'after-install.sh'), 'utf8'));
  return file;
}

const config: Configuration = {
  appId: 'com.gatepost.station',
  productName: 'Gatepost Station',
  copyright: 'Gatepost',
  directories: { buildResources: 'build', output: 'dist/installers' },
  extraMetadata: { main: 'main/electron/dist/main.mjs' },
  files: [
    'package.json',
    'main/electron/dist/**',
    'renderer/dist/**',
    // The rest of node_modules is not taken (beforeBuild handles node_modules): only what the bundle loads.
    ...stationModuleClosure().map((m) => `node_modules/${m}/**`),
    '!**/*.ts',
    '!**/*.map',
    // Server-side dependencies: the station does not load them (kept as a guard).
    '!node_modules/better-sqlite3/**',
    '!node_modules/pg*/**',
    '!node_modules/kysely/**',
    '!node_modules/fastify*/**',
    '!node_modules/@fastify/**',
    '!node_modules/nodemailer/**',
    '!node_modules/@resvg/**',
    '!node_modules/prom-client/**',
    '!node_modules/qrcode/**',
    '!node_modules/qr/**',
    '!node_modules/fontkit/**',
    '!node_modules/react*/**',
    '!node_modules/tsx/**',
    '!node_modules/esbuild/**',
    '!node_modules/@esbuild/**',
  ],
  asar: true,
  // Flipped in the Electron binary while packaging, before signing. Off: the
  // ways to make the station's binary run other code with its rights and its
  // token (ELECTRON_RUN_AS_NODE, NODE_OPTIONS, --inspect and SIGUSR1). On: cookies
  // encrypted with the OS key store, and only the app.asar whose header hash is
  // embedded in the binary is loaded (checked on Windows and macOS; Linux
  // Electron has no ASAR integrity check). The screen comes from app://, so
  // file:// pages need none of their old extra rights.
  electronFuses: {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableCookieEncryption: true,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  },
  asarUnpack: ['node_modules/serialport/**', 'node_modules/@serialport/**', 'node_modules/node-hid/**', 'node_modules/cbor-extract/**', '**/*.node'],
  npmRebuild: true,
  icon: 'build/icon.png',
  beforeBuild: async (context) => {
    const r = spawnSync(process.execPath, [join(repo, 'bin', 'run-ts.js'), join(repo, 'build', 'prepare.ts')], { cwd: repo, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('build/prepare.ts failed: the screen or the Electron bundle did not build');
    // Only the station's native modules, for this Electron and arch; false: electron-builder rebuilds nothing else.
    const { rebuild } = await import('@electron/rebuild');
    // Packaging for another OS (Windows on Linux) takes the prebuilt N-API binaries the packages ship.
    if (context.platform.nodeName === process.platform) {
      await rebuild({ buildPath: repo, electronVersion: context.electronVersion, arch: context.arch, platform: context.platform.nodeName, onlyModules: nativeStationModules() });
    }
    return false;
  },
  linux: {
    target: [
      { target: 'AppImage', arch: ['x64', 'arm64'] },
      { target: 'deb', arch: ['x64', 'arm64'] },
    ],
    // /usr/bin/gatepost is the CLI (build/linux/gatepost); the app itself is gatepost-station.
    executableName: 'gatepost-station',
    category: 'Utility',
    icon: 'build/icons',
    synopsis: 'E-ticket gate station',
    description: 'Gatepost gate station: reads tickets from barcode guns and cameras, shows ADMIT or DENY, opens the turnstile.',
  },
  deb: {
    maintainer: 'Gatepost <ops@gatepost.example>',
    depends: DEB_DEPENDS,
    afterInstall: afterInstallScript(),
    // Extra files, owned by the package: fpm's SOURCE=DEST arguments.
    fpm: [`${UDEV_RULE}=/usr/lib/udev/rules.d/70-gatepost-scanners.rules`, `${CLI_WRAPPER}=/usr/bin/gatepost`],
  },
  appImage: { artifactName: 'gatepost-station-${version}-${arch}.${ext}' },
  win: { target: [{ target: 'nsis', arch: ['x64'] }], icon: 'build/icon.png' },
  nsis: {
    oneClick: false,
    perMachine: true,
    allowToChangeInstallationDirectory: true,
    createDesktopShortcut: true,
    artifactName: 'gatepost-station-setup-${version}.${ext}',
  },
};

export default config;
