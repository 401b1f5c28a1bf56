// Test support: `gatepost <command>` as a real child process (through
// gatepost-cli.ts, so no bin/main.ts registration is needed), ready once it
// logs its "ready at URL" line.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Running {
  url: string;
  child: ChildProcess;
  output: string[];
  stop(): Promise<void>;
}

export async function startCommand(command: string, args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<Running> {
  const child = spawn(process.execPath, [join(REPO, 'bin', 'run-ts.js'), join(REPO, 'main', 'testing', 'gatepost-cli.ts'), command, ...args], {
    cwd: REPO,
    env: { ...process.env, GATEPOST_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => output.push(l));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gatepost ${command}: no ready line within ${timeoutMs} ms:\n${output.join('\n')}`)), timeoutMs);
    createInterface({ input: child.stdout! }).on('line', (line) => {
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
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gatepost ${command} exited with ${code} before it was ready:\n${output.join('\n')}`));
    });
  });
  return {
    url,
    child,
    output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = once(child, 'exit');
      child.kill('SIGTERM');
      await done;
    },
  };
}
