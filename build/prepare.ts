// Builds what the installers package: the screen (Vite, renderer/dist) and the
// Electron bundle (esbuild, main/electron/dist). electron-builder runs this
// first (beforeBuild in electron-builder.config.cjs); it can also be run alone:
//   node bin/run-ts.js build/prepare.ts
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { ensureElectronBundle } from './electron-bundle.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
await build({ configFile: join(repo, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
const bundle = await ensureElectronBundle(true);
console.log(`screen built in renderer/dist; Electron bundle at ${bundle.main}`);
