// Runs `gatepost …` as venue IT would, in a child process, and reads its output line by line.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { until } from './wait.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface Cli {
  child: ChildProcessWithoutNullStreams;
  stdout: string[];
  stderr: string[];
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  waitFor(stream: 'stdout' | 'stderr', test: (line: string) => boolean, what: string, ms?: number): Promise<string>;
}

export function gatepost(args: string[], env: NodeJS.ProcessEnv = {}): Cli {
  const child = spawn(process.execPath, ['bin/gatepost.js', ...args], { cwd: REPO, env: { ...process.env, ...env } });
  const lines = { stdout: [] as string[], stderr: [] as string[] };
  for (const name of ['stdout', 'stderr'] as const) {
    let partial = '';
    child[name].setEncoding('utf8');
    child[name].on('data', (chunk: string) => {
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop()!;
      lines[name].push(...parts);
    });
    child[name].on('end', () => {
      if (partial) lines[name].push(partial);
    });
  }
  const exited = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    ...lines,
    exited,
    async waitFor(stream, test, what, ms = 20_000) {
      await until(() => lines[stream].some(test) || child.exitCode !== null, what, ms);
      const line = lines[stream].find(test);
      if (!line) throw new Error(`gatepost exited (${child.exitCode}) before ${what}:\n${lines.stderr.join('\n')}`);
      return line;
    },
  };
}
