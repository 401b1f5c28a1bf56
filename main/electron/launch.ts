// Starting the Electron shell from `gatepost station`: find the Electron binary
// (the `electron` package exports its path when required from Node) and run the
// Electron bundle (main/electron/dist, made by build/electron-bundle.ts: the
// `gatepost` launcher makes it from the sources, `npm run dist` for the
// installers). No `electron` import here: this runs in plain Node.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Electron main bundle, beside this module's folder in either tree. */
export const ELECTRON_MAIN = join(dirname(fileURLToPath(import.meta.url)), 'dist', 'main.mjs');

/**
 * The Electron executable, or null when the package (or its binary download) is missing.
 * Read from the package's path.txt rather than by requiring it: the `electron`
 * package's index.js downloads a missing binary synchronously, which on a gate PC
 * without internet stalls every start and prints the failed fetch.
 */
export function electronBinary(from: string = import.meta.url): string | null {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(from).resolve('electron/package.json'));
  } catch {
    return null;
  }
  let relative: string;
  try {
    relative = readFileSync(join(packageDir, 'path.txt'), 'utf8').trim();
  } catch {
    return null;
  }
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? join(override, relative || 'electron') : join(packageDir, 'dist', relative);
  return relative.length > 0 && existsSync(binary) ? binary : null;
}

/** Why electronBinary() gave null, in one line for the console. */
export function electronProblem(): string {
  const require = createRequire(import.meta.url);
  try {
    require.resolve('electron');
  } catch {
    return 'Electron is not installed here (npm install --save-dev electron)';
  }
  return 'the Electron binary is not downloaded (npm run electron:fetch, which needs network access)';
}

export async function launchElectron(binary: string, configFile: string): Promise<number> {
  const main = ELECTRON_MAIN;
  if (!existsSync(main)) {
    console.error(`gatepost station: the Electron bundle is not built (${main}): run \`gatepost station\` from a source checkout, or use --web`);
    return 1;
  }
  const env = { ...process.env };
  // Set by some tools; it would make the binary a plain Node and ignore our entry.
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(binary, [main, `--gatepost-config=${configFile}`], { stdio: 'inherit', env });
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.once('error', (err) => {
      console.error(`gatepost station: cannot start Electron: ${err.message}`);
      resolve(1);
    });
  });
}
