// A server or a station that cannot start where venue IT pointed it says why in one line,
// with no stack trace, and exits with a status a supervisor reads: 2 for a
// setting to change (a folder it cannot write), 1 for what may pass on
// its own (the port still held by the process it replaces).
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRefused } from '../testing/processes.js';

describe('a start that cannot be made', { timeout: 120_000 }, () => {
  let dir: string;
  let secret: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gp-start-'));
    secret = join(dir, 'secret');
    writeFileSync(secret, 'booking-secret-0123456789abcdef', { mode: 0o600 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const oneLine = (stderr: string) => {
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    return stderr.trim();
  };

  it('a port another program holds: both servers say so and exit 1', async () => {
    const holder = createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const { port } = holder.address() as AddressInfo;
    try {
      const provider = await runRefused(['provider', '--port', String(port), '--data', join(dir, 'p'), '--booking-secret-file', secret], { DATABASE_URL: '' });
      expect(provider.code).toBe(1);
      expect(oneLine(provider.stderr)).toBe(`gatepost provider: cannot listen on 127.0.0.1:${port} (EADDRINUSE): another program holds that port`);
      const booking = await runRefused(['booking', '--port', String(port), '--data', join(dir, 'b')], { DATABASE_URL: '' });
      expect(booking.code).toBe(1);
      expect(oneLine(booking.stderr)).toBe(`gatepost booking: cannot listen on 127.0.0.1:${port} (EADDRINUSE): another program holds that port`);
    } finally {
      holder.close();
    }
  });

  it('a data folder that cannot be made or written: exit 2 naming the folder, never a spin', async () => {
    const aFile = join(dir, 'a-file');
    writeFileSync(aFile, 'not a folder');
    // /proc refuses a new entry with ENOENT, on which a recursive mkdir tries again for ever.
    for (const [data, code] of [[aFile, 'ENOTDIR'], [join(aFile, 'below'), 'ENOTDIR'], ['/proc/gatepost-data', 'ENOENT']] as const) {
      const { code: status, stderr } = await runRefused(['provider', '--port', '0', '--data', data, '--booking-secret-file', secret], { DATABASE_URL: '' });
      expect(status, data).toBe(2);
      expect(oneLine(stderr), data).toBe(`gatepost provider: --data (GATEPOST_DATA): cannot keep the database in "${data}" (${code}); give a folder this user may write`);
    }
  });

  it("a station whose files' folder cannot be made: exit 2 naming the folder, never a spin", async () => {
    const aFile = join(dir, 'a-file-too');
    writeFileSync(aFile, 'not a folder');
    for (const [folder, code] of [[aFile, 'ENOTDIR'], [join(aFile, 'below'), 'ENOTDIR'], ['/proc/gatepost-station/gate-1', 'ENOENT']] as const) {
      const config = join(folder, 'config.json');
      const { code: status, stderr } = await runRefused(['station', '--web', '--port', '0', '--config', config]);
      expect(status, folder).toBe(2);
      expect(oneLine(stderr), folder).toBe(`gatepost station: --config (GATEPOST_STATION_CONFIG): cannot keep the station's files in "${folder}" (${code}); give a folder this user may write`);
    }
  });
});
