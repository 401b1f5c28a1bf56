// `gatepost station --web` must work right after `npm install`, with no build
// step to remember: the screen is built with Vite when renderer/dist is missing
// or older than any of its sources. Several stations starting at once (tests run
// in parallel) build once: the first takes a lock folder, the others wait for it.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../log.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RENDERER_DIR = join(REPO, 'renderer');
export const RENDERER_DIST = join(RENDERER_DIR, 'dist');
/** Everything the screen's bundle is made from. */
const SOURCES = [RENDERER_DIR, join(REPO, 'main', 'bridge'), join(REPO, 'scanner-drivers'), join(REPO, 'protocol')];
const LOCK = join(RENDERER_DIR, '.build-lock');
const STALE_LOCK_MS = 120_000;

function newestSource(path: string): number {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (e.name === 'dist' || e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const full = join(path, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (/\.(tsx?|css|html|svg|png|woff2?)$/.test(e.name) && !/\.test\.ts$/.test(e.name)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function builtAt(): number {
  try {
    return statSync(join(RENDERER_DIST, 'index.html')).mtimeMs;
  } catch {
    return 0;
  }
}

export function rendererIsFresh(): boolean {
  const built = builtAt();
  return built > 0 && built >= Math.max(...SOURCES.map(newestSource));
}

/** Resolves with the folder to serve once renderer/dist is current. */
export async function ensureRendererBuilt(log: Logger): Promise<string> {
  for (;;) {
    if (rendererIsFresh()) return RENDERER_DIST;
    if (takeLock()) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    if (rendererIsFresh()) return RENDERER_DIST;
    const started = Date.now();
    log.info({}, 'building the station screen (renderer/dist is missing or older than its sources)');
    const vite = await import('vite');
    await vite.build({ configFile: join(RENDERER_DIR, 'vite.config.ts'), logLevel: 'warn' });
    log.info({ ms: Date.now() - started }, 'station screen built');
    return RENDERER_DIST;
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

function takeLock(): boolean {
  try {
    mkdirSync(LOCK);
    return true;
  } catch {
    // A builder that died leaves its lock behind; after a while it is taken over.
    try {
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
    } catch {
      // another process got there first
    }
    return false;
  }
}
