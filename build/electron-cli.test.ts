// /usr/bin/gatepost on a gate PC runs the packaged app's Electron bundle with
// --gatepost-cli. Here the real bundle (build/electron-bundle.ts) runs in Node
// with a stand-in for the electron module: a ticket image decodes, and a relay
// port that is not there is named.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../testing/processes.js';
import { ensureElectronBundle } from './electron-bundle.js';

let main = '';
beforeAll(async () => {
  ({ main } = await ensureElectronBundle());
}, 60_000);

function runBundle(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const register = join(REPO_ROOT, 'build', 'testing', 'electron-stub', 'register.js');
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', register, main, '--gatepost-cli', ...args], { cwd: REPO_ROOT, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the station app as the gatepost command (--gatepost-cli)', () => {
  it('decodes a ticket image and names a missing relay port', async () => {
    const [decoded, relay] = await Promise.all([
      runBundle(['scanners', 'decode', join(REPO_ROOT, 'scanner-drivers', 'testing', 'fixtures', 'ticket-zh-CN.png')]),
      runBundle(['relay', 'pulse', '--serial', '/nonexistent/ttyRELAY', '--ms', '10']),
    ]);
    expect(decoded.code, decoded.stderr).toBe(0);
    expect(decoded.stdout).toMatch(/^GP1:/);
    expect(relay.code).toBe(1);
    expect(relay.stderr).toMatch(/serial port \/nonexistent\/ttyRELAY does not exist/);
  });
});
