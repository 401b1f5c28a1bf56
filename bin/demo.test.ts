// `gatepost demo --headless` (what `npm start` runs, without a window): every
// part comes up, demo.json says where, the saved tickets are real PNGs, a
// ticket scanned at the demo station's gate is admitted once, and the demo
// admin and venue staff sign in to the console's API. It runs under
// umask 000, in a folder left open (0755) with an old demo.json anyone could
// read: every folder comes out 0700, every file with credentials, tickets or a
// database (both servers' SQLite files with their WAL) 0600.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, expect, it } from 'vitest';
import { GATEPOST_BIN, REPO_ROOT } from '../testing/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'gp-demo-'));
chmodSync(dir, 0o755);
writeFileSync(join(dir, 'demo.json'), '{}', { mode: 0o644 });
chmodSync(join(dir, 'demo.json'), 0o644);
const args = [GATEPOST_BIN, 'demo', '--headless', '--data', dir, '--booking-port', '0', '--provider-port', '0', '--station-port', '0'];
// The shell sets the umask for the child: a worker's process.umask() is not to be relied on.
const child = spawn('/bin/sh', ['-c', 'umask 000 && exec "$@"', 'sh', process.execPath, ...args], {
  cwd: REPO_ROOT,
  stdio: ['ignore', 'pipe', 'pipe'],
});
const output: string[] = [];
createInterface({ input: child.stderr }).on('line', (l) => output.push(l));

afterAll(async () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  rmSync(dir, { recursive: true, force: true });
});

it('runs every part and admits a demo ticket once at the demo gate', { timeout: 120_000 }, async () => {
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (l) => {
      output.push(l);
      if (l.startsWith('Gatepost demo is running')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`demo exited with ${code}:\n${output.join('\n')}`)));
  });
  const demo = JSON.parse(readFileSync(join(dir, 'demo.json'), 'utf8'));
  expect(demo).toMatchObject({ bookingUrl: expect.stringMatching(/^http/), providerUrl: expect.stringMatching(/^http/), providerId: expect.any(String) });
  expect(demo.tickets).toHaveLength(2);
  for (const t of demo.tickets) {
    expect(readFileSync(t.image).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(t.payload).toMatch(/^GP1:/);
  }
  expect((await fetch(demo.station.url)).headers.get('content-type')).toContain('text/html');
  // The screen URL carries the web-kiosk bridge's launch secret, in its fragment.
  expect(demo.station.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#k=[A-Za-z0-9_-]{43}$/);
  const bridgeSecret = new URL(demo.station.url).hash.slice('#k='.length);

  const scan = (scanId: string) =>
    fetch(`${demo.bookingUrl}/api/v1/station/scan`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.station.token}` },
      body: JSON.stringify({ payload: demo.tickets[0].payload, providerId: demo.providerId, scanId, source: 'test' }),
    }).then((r) => r.json());
  expect(await scan('demo-1')).toMatchObject({ result: 'admitted' });
  expect(await scan('demo-2')).toMatchObject({ result: 'rejected', reason: 'already_redeemed', redeemedGate: demo.station.gate });
  // The console: its URL in the summary, and both staff accounts sign in with demo.json's passwords.
  expect(output.join('\n')).toContain(`${demo.bookingUrl}/console`);
  expect(demo.staff.map((s: { email: string; role: string }) => s.role)).toEqual(['admin', 'venue']);
  const staffTokens: string[] = [];
  for (const account of demo.staff as { email: string; password: string; role: string }[]) {
    // 128 random bits, base64url.
    expect(account.password).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const signedIn = await fetch(`${demo.bookingUrl}/api/v1/staff/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: account.email, password: account.password }),
    }).then((r) => r.json());
    expect(signedIn.staff).toMatchObject({ email: account.email, role: account.role, providerIds: account.role === 'venue' ? [demo.providerId] : [] });
    staffTokens.push(signedIn.token);
  }
  // Owner-only, whatever the umask: every folder, and each file but the station's own.
  const modes: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const st = statSync(path);
      modes[path.slice(dir.length + 1)] = (st.mode & 0o777).toString(8);
      if (st.isDirectory()) walk(path);
    }
  };
  walk(dir);
  modes['.'] = (statSync(dir).mode & 0o777).toString(8);
  expect(modes).toMatchObject({
    '.': '700',
    'demo.json': '600',
    tickets: '700',
    [`tickets/${demo.tickets[0].ticketId}.png`]: '600',
    station: '700',
    'station/config.json': '600',
    booking: '700',
    'booking/booking.sqlite': '600',
    'booking/booking.sqlite-wal': '600',
    'booking/booking.sqlite-shm': '600',
    provider: '700',
    'provider/provider.sqlite': '600',
    'provider/provider.sqlite-wal': '600',
    'provider/provider.sqlite-shm': '600',
  });
  // Nothing secret reaches the log.
  const log = output.join('\n');
  for (const secret of [demo.adminToken, demo.providerSecret, demo.user.password, demo.station.token, bridgeSecret, ...demo.staff.map((s: { password: string }) => s.password), ...staffTokens]) expect(log).not.toContain(secret);
});
