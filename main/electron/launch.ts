// Starting the Electron shell from `gatepost station`: find the Electron binary
// (the `electron` package exports its path when required from Node), bundle the
// Electron entry and preload if needed, and run it. No `electron` import here:
// this runs in plain Node.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

/** The Electron executable, or null when the package (or its binary download) is missing. */
export function electronBinary(): string | null {
  try {
    const path: unknown = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && path.length > 0 ? path : null;
  } catch {
    return null;
  }
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
  const { ensureElectronBundle } = await import('../../build/electron-bundle.js');
  const { main } = await ensureElectronBundle();
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
