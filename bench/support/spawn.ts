// Runs a TypeScript file as its own process and waits for its ready line,
// with the node flags the gatepost command's servers run with.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { REPO_ROOT, SERVER_NODE_FLAGS } from '../../testing/processes.js';

export async function spawnTs(file: string, args: string[] = [], nodeArgs: string[] = []): Promise<{ url: string; pid: number | undefined; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...nodeArgs, 'bin/run-ts.js', file, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /"url":"([^"]+)"/.exec(line);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid,
    async stop() {
      const done = once(child, 'exit');
      child.kill('SIGTERM');
      await done;
    },
  };
}
