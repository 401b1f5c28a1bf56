// The station-side commands the packaged app runs for /usr/bin/gatepost on a
// gate PC (--gatepost-cli): the same commands as the npm package's, the
// server ones refused with a pointer to where they are.
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../../testing/processes.js';
import { runCli } from './cli.js';

const TICKET = join(REPO_ROOT, 'scanner-drivers', 'testing', 'fixtures', 'ticket-zh-CN.png');

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  return { out, err };
}

describe('gatepost on a gate PC (the station app with --gatepost-cli)', () => {
  it('decodes a ticket image with the station\'s own decoders', async () => {
    const { out } = capture();
    expect(await runCli(['scanners', 'decode', TICKET])).toBe(0);
    expect(out.join('\n')).toMatch(/^GP1:/);
  });

  it('names a relay port that is not there, exit 1', async () => {
    const { err } = capture();
    expect(await runCli(['relay', 'pulse', '--serial', '/nonexistent/ttyRELAY', '--protocol', 'lcus', '--ms', '10'])).toBe(1);
    expect(err.join('\n')).toMatch(/serial port \/nonexistent\/ttyRELAY does not exist/);
  });

  it('refuses the server commands, pointing at the npm package', async () => {
    const { err } = capture();
    expect(await runCli(['booking'])).toBe(2);
    expect(err.join('\n')).toMatch(/not a gate PC command[\s\S]*npm package/);
  });
});
