// Test support (for every part's tests: servers, station, benchmarks): runs a `gatepost` command as a real child process and waits
// for its ready line (the one log line carrying its URL).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const GATEPOST_BIN = join(REPO_ROOT, 'bin', 'gatepost.js');
/**
 * The node flags on the command's `#!` line, which a `node bin/gatepost.js`
 * spawn would skip: children here run as the installed command does. The
 * benchmarks' bare baselines run with them too, so a ratio compares code.
 */
export const SERVER_NODE_FLAGS: string[] = (/^#!.*\bnode((?: --[\w-]+(?:=\S+)?)*)\s*$/m.exec(readFileSync(GATEPOST_BIN, 'utf8').split('\n')[0]!)?.[1] ?? '')
  .split(' ')
  .filter(Boolean);

export interface RunningCommand {
  url: string;
  child: ChildProcess;
  /** every line the process wrote so far, stdout and stderr */
  output: string[];
  /** SIGTERM and wait for exit */
  stop(): Promise<void>;
  /** SIGKILL: no chance to flush or close anything */
  kill9(): Promise<void>;
}

/**
 * `nodeArgs` go to node before the script (e.g. `--cpu-prof`, which NODE_OPTIONS does not take).
 * The ready wait is generous: a first start on a fresh clone compiles every module through tsx,
 * and under the full suite on two cores that has taken over 20 s.
 */
export async function startGatepost(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 45_000, nodeArgs: string[] = []): Promise<RunningCommand> {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...nodeArgs, GATEPOST_BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, GATEPOST_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within ${timeoutMs} ms:\n${output.join('\n')}`)), timeoutMs);
    const onLine = (line: string) => {
      output.push(line);
      if (!line.includes('ready at')) return;
      try {
        const parsed = JSON.parse(line) as { url?: string };
        if (parsed.url) {
          clearTimeout(timer);
          resolve(parsed.url);
        }
      } catch {
        // not a JSON log line
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', (l) => output.push(l));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gatepost ${args[0]} exited with ${code} before it was ready:\n${output.join('\n')}`));
    });
  });
  const exited = () => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : once(child, 'exit').then(() => undefined));
  return {
    url,
    child,
    output,
    async stop() {
      const done = exited();
      child.kill('SIGTERM');
      await done;
    },
    async kill9() {
      const done = exited();
      child.kill('SIGKILL');
      await done;
    },
  };
}

/** Runs a `gatepost` command that should refuse to start: its exit code and what it wrote to stderr. */
export async function runRefused(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, GATEPOST_BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}
