// The browser bundles, built with Vite: the customer booking page
// (server/web → server/web/dist), the operator console (server/console →
// server/console/dist) and the station screen (renderer → renderer/dist). Dev and test tooling only: the servers and the station serve
// these folders as they find them and never build (a production install gets
// them from `npm run build`, see build/build.ts).
//
// ensureBundle() is the one "build when missing or stale" helper: the `gatepost`
// launcher calls it when it runs from the sources, vitest's global setup once
// before the suite. A bundle is stale when a hash over its sources and its
// tools' versions differs from the one kept in dist/.source-hash. Several
// processes may start at once: one builds under a lock file while the others
// wait, and the new dist/ is moved into place whole, so nobody ever serves half a build.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InlineConfig } from 'vite';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = '.source-hash';
/** The core both browser apps build in (server/ui-kit): a change there changes both bundles. */
const UI_KIT = join(REPO, 'server', 'ui-kit');
const LOCK_STALE_MS = 3 * 60_000;

export interface BuildLog {
  info(msg: string): void;
  warn(msg: string): void;
}

export interface Bundle {
  /** in log lines: "the customer booking page" */
  label: string;
  /** the Vite root; the lock and the build's temporary folders go here */
  root: string;
  /** where the build goes */
  dist: string;
  /** files and folders whose content makes the bundle (dist/, dot-files, node_modules, tests and testing/ are skipped) */
  inputs: string[];
  /** packages whose upgrade changes the bundle */
  tools: string[];
  /** Vite's options for a build into outDir */
  vite(outDir: string): Promise<InlineConfig>;
}

/** The customer booking page; `root` may be a copy of server/web beside it (tests). */
export function customerPage(root = join(REPO, 'server', 'web')): Bundle {
  return {
    label: 'the customer booking page',
    root,
    dist: join(root, 'dist'),
    inputs: [...['index.html', 'vite.config.ts', 'src', 'public'].map((p) => join(root, p)), UI_KIT],
    tools: ['vite', '@vitejs/plugin-react', 'react', 'react-dom'],
    vite: async (outDir) => {
      const { webViteConfig } = await import('../server/web/vite.config.js');
      return { ...webViteConfig(outDir, root), configFile: false };
    },
  };
}

/** The operator console, served by the booking server at /console. */
export function consolePage(root = join(REPO, 'server', 'console')): Bundle {
  return {
    label: 'the operator console',
    root,
    dist: join(root, 'dist'),
    inputs: [...['index.html', 'vite.config.ts', 'src', 'public'].map((p) => join(root, p)), UI_KIT],
    tools: ['vite', '@vitejs/plugin-react', 'react', 'react-dom', 'qrcode'],
    vite: async (outDir) => {
      const { consoleViteConfig } = await import('../server/console/vite.config.js');
      return { ...consoleViteConfig(outDir, root), configFile: false };
    },
  };
}

/** The station screen: the renderer, with the bridge contract and the browser drivers it imports. */
export function stationScreen(): Bundle {
  const root = join(REPO, 'renderer');
  return {
    label: 'the station screen',
    root,
    dist: join(root, 'dist'),
    inputs: [root, join(REPO, 'main', 'bridge'), join(REPO, 'scanner-drivers'), join(REPO, 'protocol')],
    tools: ['vite', '@vitejs/plugin-react', 'react', 'react-dom', 'zxing-wasm', '@zxing/library'],
    vite: async (outDir) => ({ configFile: join(root, 'vite.config.ts'), build: { outDir, emptyOutDir: true } }),
  };
}

async function files(path: string): Promise<string[]> {
  const s = await stat(path).catch(() => undefined);
  if (!s) return [];
  if (!s.isDirectory()) return [path];
  // Tests and their support (testing/) never go into a bundle.
  const entries = (await readdir(path)).filter((e) => e !== 'dist' && e !== 'node_modules' && e !== 'testing' && !e.startsWith('.') && !e.endsWith('.test.ts'));
  return (await Promise.all(entries.sort().map((e) => files(join(path, e))))).flat();
}

/** sha256 over the names and contents of everything the build reads, and the tools' versions. */
export async function sourceHash(bundle: Bundle): Promise<string> {
  const h = createHash('sha256');
  for (const tool of bundle.tools) h.update(`${tool}@${await version(tool, bundle.root)}\0`);
  for (const input of bundle.inputs) {
    for (const f of await files(input)) h.update(relative(bundle.root, f)).update('\0').update(await readFile(f)).update('\0');
  }
  return h.digest('hex');
}

/** A package's version, from the node_modules folder Node would find it in. */
async function version(pkg: string, from: string): Promise<string> {
  for (let dir = from; ; dir = dirname(dir)) {
    const json = await readFile(join(dir, 'node_modules', pkg, 'package.json'), 'utf8').catch(() => null);
    if (json) return (JSON.parse(json) as { version?: string }).version ?? '?';
    if (dirname(dir) === dir) return 'missing';
  }
}

export async function isFresh(bundle: Bundle, hash?: string): Promise<boolean> {
  if (!existsSync(join(bundle.dist, 'index.html'))) return false;
  const built = await readFile(join(bundle.dist, STAMP), 'utf8').catch(() => '');
  return built === (hash ?? (await sourceHash(bundle)));
}

/** A lock file only one process can create; a lock left by a dead or stuck builder is taken over. */
async function lock(path: string): Promise<(() => Promise<void>) | null> {
  try {
    const fh = await open(path, 'wx');
    await fh.writeFile(String(process.pid));
    await fh.close();
    return () => rm(path, { force: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const s = await stat(path).catch(() => undefined);
    const pid = Number(await readFile(path, 'utf8').catch(() => ''));
    if (!s || Date.now() - s.mtimeMs > LOCK_STALE_MS || (pid > 0 && !alive(pid))) {
      await rm(path, { force: true });
      return lock(path);
    }
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Makes sure bundle.dist holds a build of the current sources; returns whether
 * it had to build. Throws when the build fails (broken sources, or no Vite).
 */
export async function ensureBundle(bundle: Bundle, log: BuildLog): Promise<boolean> {
  const hash = await sourceHash(bundle);
  if (await isFresh(bundle, hash)) return false;
  const lockPath = join(bundle.root, '.build.lock');
  const deadline = Date.now() + LOCK_STALE_MS + 10_000;
  for (;;) {
    const release = await lock(lockPath);
    if (release) {
      try {
        if (await isFresh(bundle, hash)) return false; // another process built it meanwhile
        const started = Date.now();
        log.info(`building ${bundle.label} with Vite (first start or changed sources)…`);
        await buildInto(bundle, hash, log);
        log.info(`built ${bundle.label} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return true;
      } finally {
        await release();
      }
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for another process to build ${bundle.label}`);
    await new Promise((r) => setTimeout(r, 250));
    if (await isFresh(bundle, hash)) return false;
  }
}

/** A build into outDir, with nothing else: `npm run build` writes dist/ this way. */
export async function viteBuild(bundle: Bundle, outDir: string, log: BuildLog): Promise<void> {
  const { build } = await import('vite');
  // Vite decides "production" from NODE_ENV, which a test runner or a dev shell may have set.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ ...(await bundle.vite(outDir)), mode: 'production', logLevel: 'warn', customLogger: viteLogger(log) });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

async function buildInto(bundle: Bundle, hash: string, log: BuildLog): Promise<void> {
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = join(bundle.root, `.build-${tag}`);
  const old = join(bundle.root, `.build-old-${tag}`);
  try {
    await viteBuild(bundle, tmp, log);
    await writeFile(join(tmp, STAMP), hash);
    await mkdir(dirname(bundle.dist), { recursive: true });
    if (existsSync(bundle.dist)) await rename(bundle.dist, old);
    await rename(tmp, bundle.dist);
  } finally {
    await rm(tmp, { recursive: true, force: true });
    await rm(old, { recursive: true, force: true });
  }
}

/** Vite's messages into the caller's log instead of onto stdout. */
function viteLogger(log: BuildLog) {
  const warned = new Set<string>();
  let errors = false;
  return {
    hasWarned: false,
    info: () => undefined,
    warn(msg: string) {
      log.warn(`vite: ${msg.trim()}`);
    },
    warnOnce(msg: string) {
      if (warned.has(msg)) return;
      warned.add(msg);
      log.warn(`vite: ${msg.trim()}`);
    },
    error(msg: string) {
      errors = true;
      log.warn(`vite: ${msg.trim()}`);
    },
    clearScreen: () => undefined,
    hasErrorLogged: () => errors,
  };
}

/** What a command run from the sources needs built first (the `gatepost` launcher calls this). */
export async function ensureForCommand(command: string | undefined, log: BuildLog): Promise<void> {
  if (command === 'booking' || command === 'demo') {
    await ensureBundle(customerPage(), log);
    await ensureBundle(consolePage(), log);
  }
  if (command === 'station' || command === 'demo') {
    await ensureBundle(stationScreen(), log);
    const { electronBinary } = await import('../main/electron/launch.js');
    if (electronBinary()) {
      const { ensureElectronBundle } = await import('./electron-bundle.js');
      await ensureElectronBundle();
    }
  }
}
