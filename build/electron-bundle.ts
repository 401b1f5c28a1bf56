// Bundles the Electron shell: the main process (ESM, with the station core
// inside) and the preload (CommonJS: a sandboxed preload cannot import files,
// so it must be one script). Native modules (serialport, node-hid) and electron
// stay external; electron-builder unpacks the native ones from the asar.
// Run by build/prepare.ts (`npm run dist`) before electron-builder, and by the
// `gatepost` launcher from the sources (build/assets.ts) when Electron is
// installed and the bundle is missing or older than its sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ELECTRON_OUT = join(REPO, 'main', 'electron', 'dist');
const EXTERNAL = ['electron', 'serialport', '@serialport/*', 'node-hid', 'cbor-extract', 'vite', 'esbuild'];

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export async function ensureElectronBundle(force = false): Promise<{ main: string; preload: string }> {
  const main = join(ELECTRON_OUT, 'main.mjs');
  const preload = join(ELECTRON_OUT, 'preload.cjs');
  const sources = Math.max(...['main', 'server-client', 'scanner-drivers', 'protocol'].map((d) => newest(join(REPO, d))));
  if (!force && existsSync(main) && existsSync(preload) && statSync(main).mtimeMs >= sources && statSync(preload).mtimeMs >= sources) return { main, preload };
  await build({
    entryPoints: [join(REPO, 'main', 'electron', 'entry.ts')],
    outfile: main,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    // Bundled CommonJS dependencies call require(); give the ESM bundle one.
    banner: { js: "import { createRequire as __gpRequire } from 'node:module'; const require = __gpRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  await build({
    entryPoints: [join(REPO, 'main', 'electron', 'preload.ts')],
    outfile: preload,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'chrome120',
    external: ['electron'],
    logLevel: 'warning',
  });
  return { main, preload };
}
