// Builds the customer page with Vite when dist/ is missing or was built from
// other sources than the ones on disk (a hash of the sources is kept in
// dist/.source-hash). Several server processes may start at once: one builds
// under a lock file while the others wait, and the new dist/ is moved into
// place whole, so nobody ever serves half a build.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_DIR = dirname(fileURLToPath(import.meta.url));
const SOURCES = ['index.html', 'vite.config.ts', 'src', 'public'];
/** Packages whose upgrade changes the built page. */
const TOOLS = ['vite', '@vitejs/plugin-react', 'react', 'react-dom'];
const STAMP = '.source-hash';
const LOCK_STALE_MS = 3 * 60_000;

export interface BuildLog {
  info(msg: string): void;
  warn(msg: string): void;
}

async function files(path: string): Promise<string[]> {
  const s = await stat(path).catch(() => undefined);
  if (!s) return [];
  if (!s.isDirectory()) return [path];
  const entries = await readdir(path);
  return (await Promise.all(entries.sort().map((e) => files(join(path, e))))).flat();
}

/** sha256 over the names and contents of everything the build reads from this folder, and the tools' versions. */
export async function sourceHash(webDir = WEB_DIR): Promise<string> {
  const h = createHash('sha256');
  for (const tool of TOOLS) h.update(`${tool}@${await version(tool)}\0`);
  for (const src of SOURCES) {
    for (const f of await files(join(webDir, src))) {
      h.update(relative(webDir, f)).update('\0').update(await readFile(f)).update('\0');
    }
  }
  return h.digest('hex');
}

/** A package's version, from the node_modules folder Node would find it in (the same answer in every runner). */
async function version(pkg: string): Promise<string> {
  for (let dir = WEB_DIR; ; dir = dirname(dir)) {
    const json = await readFile(join(dir, 'node_modules', pkg, 'package.json'), 'utf8').catch(() => null);
    if (json) return (JSON.parse(json) as { version?: string }).version ?? '?';
    if (dirname(dir) === dir) return 'missing';
  }
}

export async function isFresh(webDir = WEB_DIR, hash?: string): Promise<boolean> {
  const dist = join(webDir, 'dist');
  if (!existsSync(join(dist, 'index.html'))) return false;
  const built = await readFile(join(dist, STAMP), 'utf8').catch(() => '');
  return built === (hash ?? (await sourceHash(webDir)));
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
 * Makes sure dist/ holds a build of the current sources; returns whether it
 * had to build. Throws when the build fails (the sources are broken, or vite
 * is not installed).
 */
export async function ensureBuilt(log: BuildLog, webDir = WEB_DIR): Promise<boolean> {
  const hash = await sourceHash(webDir);
  if (await isFresh(webDir, hash)) return false;
  const lockPath = join(webDir, '.build.lock');
  const deadline = Date.now() + LOCK_STALE_MS + 10_000;
  for (;;) {
    const release = await lock(lockPath);
    if (release) {
      try {
        if (await isFresh(webDir, hash)) return false; // another process built it meanwhile
        log.info('building the customer booking page with Vite (first start or changed sources)…');
        await buildInto(webDir, hash, log);
        return true;
      } finally {
        await release();
      }
    }
    if (Date.now() > deadline) throw new Error('timed out waiting for another process to build the customer page');
    await new Promise((r) => setTimeout(r, 250));
    if (await isFresh(webDir, hash)) return false;
  }
}

async function buildInto(webDir: string, hash: string, log: BuildLog): Promise<void> {
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = join(webDir, `.build-${tag}`);
  const old = join(webDir, `.build-old-${tag}`);
  const dist = join(webDir, 'dist');
  const [{ build }, { webViteConfig }] = await Promise.all([import('vite'), import('./vite.config.js')]);
  const config = webViteConfig(tmp, webDir);
  // Vite decides "production" from NODE_ENV, which a test runner or a dev shell may have set.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      ...config,
      configFile: false,
      logLevel: 'warn',
      customLogger: viteLogger(log),
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  try {
    await writeFile(join(tmp, STAMP), hash);
    await mkdir(webDir, { recursive: true });
    if (existsSync(dist)) await rename(dist, old);
    await rename(tmp, dist);
  } finally {
    await rm(tmp, { recursive: true, force: true });
    await rm(old, { recursive: true, force: true });
  }
}

/** Vite's warnings into the server's log instead of onto its stdout. */
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
