// electron-builder config for the gate station: `npm run dist`.
// Linux AppImage + deb, Windows NSIS. Needs network access: electron-builder
// downloads Electron and its packaging tools (Windows installers built on Linux
// also need wine). Before packaging, build/prepare.ts builds the screen and the
// Electron bundle. Native modules (serialport, node-hid) are rebuilt for
// Electron and kept outside the asar, where they can be loaded.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Configuration } from 'electron-builder';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

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
    '!**/*.ts',
    '!**/*.map',
    // Server-side dependencies: the station does not load them.
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
  beforeBuild: async () => {
    const r = spawnSync(process.execPath, [join(repo, 'bin', 'run-ts.js'), join(repo, 'build', 'prepare.ts')], { cwd: repo, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('build/prepare.ts failed: the screen or the Electron bundle did not build');
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Utility',
    icon: 'build/icons',
    synopsis: 'E-ticket gate station',
    description: 'Gatepost gate station: reads tickets from barcode guns and cameras, shows ADMIT or DENY, opens the turnstile.',
  },
  deb: { maintainer: 'Gatepost <ops@gatepost.example>', depends: ['libudev1'] },
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
