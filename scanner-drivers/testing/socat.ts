// Real pseudo-terminal pairs for the serial tests: socat links two ptys, the driver
// opens one end as its "device", the test plays the scanner (or reads the relay
// board) on the other. Killing socat is unplugging the cable.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SerialPort } from 'serialport';
import { afterEach, beforeEach } from 'vitest';
import { closePort, openFarEnd } from './far-end.js';

function findSocat(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v socat'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

export const SOCAT = findSocat();

/**
 * Whether the pty tests can run. Without socat they are skipped with a message
 * naming the package, except on CI, where a missing tool must fail the build
 * rather than quietly skip the tests that prove the serial drivers.
 */
export function socatAvailable(): boolean {
  if (SOCAT) return true;
  const message = 'socat not found: serial tests need it (apt-get install socat)';
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`skipping: ${message}`);
  return false;
}

export function tempDir(prefix = 'gatepost-pty-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface PtyPair {
  /** The end the driver under test opens. */
  device: string;
  /** The end the test plays the other side on. */
  far: string;
  /** Ends socat (unplugs) and resolves once it has exited and removed its links. */
  kill(): Promise<void>;
}

/** Starts socat linking two ptys at `dir/device` and `dir/far`; resolves once data can flow. */
export async function ptyPair(dir: string, names: { device?: string; far?: string } = {}): Promise<PtyPair> {
  if (!SOCAT) throw new Error('socat not installed (apt-get install socat)');
  const device = join(dir, names.device ?? 'device');
  const far = join(dir, names.far ?? 'far');
  const child = spawn(SOCAT, ['-d', '-d', `pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${far}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await readyOrFail(child);
  let exited: Promise<void> | undefined;
  return {
    device,
    far,
    kill() {
      exited ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      return exited;
    },
  };
}

function readyOrFail(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => fail(new Error(`socat did not start within 10 s:\n${log}`)), 10_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      log += chunk;
      if (log.includes('starting data transfer loop')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => fail(new Error(`socat exited (${code}) before linking the ptys:\n${log}`)));
    child.once('error', fail);
  });
}

export interface PtyBench {
  /** This test's folder, where the pty links are made. */
  readonly dir: string;
  /** Runs `undo` after the test, before whatever was registered earlier. */
  cleanup(undo: () => Promise<unknown> | void): void;
  /** A pty pair in this test's folder, unplugged after the test. */
  pair(names?: { device?: string; far?: string }): Promise<PtyPair>;
  /** The far end opened like a real device would, closed after the test. */
  farEnd(path: string, baudRate: number): Promise<SerialPort>;
}

/**
 * For the tests of a describe block (or of a file, called at top level): a fresh
 * folder each, and what they open undone after each, last opened first, so a
 * driver is stopped before its cable is pulled.
 */
export function ptyBench(prefix?: string): PtyBench {
  let folder: ReturnType<typeof tempDir> | undefined;
  const undo: (() => Promise<unknown> | void)[] = [];
  beforeEach(() => {
    folder = tempDir(prefix);
  });
  afterEach(async () => {
    for (const u of undo.splice(0).reverse()) await u();
    folder?.remove();
  });
  const bench: PtyBench = {
    get dir() {
      if (!folder) throw new Error('the pty bench is used outside a test');
      return folder.path;
    },
    cleanup: (u) => void undo.push(u),
    async pair(names) {
      const pair = await ptyPair(bench.dir, names);
      undo.push(() => pair.kill());
      return pair;
    },
    async farEnd(path, baudRate) {
      const far = await openFarEnd(path, baudRate);
      undo.push(() => closePort(far));
      return far;
    },
  };
  return bench;
}
