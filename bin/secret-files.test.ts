// Secrets given as files, with real `gatepost` processes: the file's value
// works (its trailing newline dropped), `ps` shows only the file's path, a
// secret given as a flag logs one warning naming the flag, no log line ever
// holds a secret, and a missing, empty or doubled secret is a usage error.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedClient } from '../server/common/testing/signed-client.js';
import { runRefused, startGatepost, type RunningCommand } from '../testing/processes.js';

const ADMIN = 'admin-token-from-a-file-0123456789';
const ADMIN_ON_ARGV = 'admin-token-on-the-command-line-42';
const SMTP = 'smtp://mailer:smtp-password-0123456789@127.0.0.1:9';
const SECRET = 'booking-secret-from-a-file-abcdef';
const PREVIOUS = 'previous-secret-on-argv-fedcba987';
const ALL = [ADMIN, ADMIN_ON_ARGV, 'smtp-password-0123456789', SECRET, PREVIOUS];

/** What `ps` shows anyone on the machine of a process's command line. */
const psArgs = (pid: number) => execFileSync('ps', ['-ww', '-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });

// Each test starts real processes: generous under a full suite on two cores.
describe('secrets as files', { timeout: 120_000 }, () => {
  let dir: string;
  const running: RunningCommand[] = [];
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gp-secret-files-'));
  });
  afterAll(async () => {
    await Promise.all(running.map((r) => r.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('a booking server takes its admin token and SMTP URL from files, with nothing of them in ps or the log', async () => {
    const booking = await startGatepost(['booking', '--port', '0', '--data', join(dir, 'b1'), '--smtp-url-file', file('smtp', `${SMTP}\n`)], {
      DATABASE_URL: '',
      GATEPOST_ADMIN_TOKEN_FILE: file('admin', `${ADMIN}\n`),
    });
    running.push(booking);
    const ok = await fetch(`${booking.url}/api/v1/admin/providers`, { headers: { authorization: `Bearer ${ADMIN}` } });
    // The file ends in a newline: the token is what comes before it.
    expect(ok.status).toBe(200);
    const ps = psArgs(booking.child.pid!);
    expect(ps).toContain('--smtp-url-file');
    for (const s of ALL) expect(ps).not.toContain(s);
    expect(booking.output.filter((l) => l.includes('command line'))).toEqual([]);
    for (const s of ALL) expect(booking.output.join('\n')).not.toContain(s);
  });

  it('a secret given as a flag works, and logs one warning naming the flag but never the value', async () => {
    const booking = await startGatepost(['booking', '--port', '0', '--data', join(dir, 'b2'), '--admin-token', ADMIN_ON_ARGV], { DATABASE_URL: '' });
    const provider = await startGatepost(['provider', '--port', '0', '--data', join(dir, 'p'), '--booking-secret-file', file('secret', SECRET), '--previous-booking-secret', PREVIOUS], {
      DATABASE_URL: '',
    });
    running.push(booking, provider);
    expect((await fetch(`${booking.url}/api/v1/admin/providers`, { headers: { authorization: `Bearer ${ADMIN_ON_ARGV}` } })).status).toBe(200);
    expect((await signedClient(provider.url, SECRET).get('/v1/shows')).status).toBe(200);
    expect((await signedClient(provider.url, PREVIOUS).get('/v1/shows')).status).toBe(200);

    // Wait for the warning line rather than assume it was written before the ready line.
    await expect.poll(() => booking.output.some((l) => l.includes('"flag":"--admin-token"'))).toBe(true);
    await expect.poll(() => provider.output.some((l) => l.includes('"flag":"--previous-booking-secret"'))).toBe(true);
    const warnings = (out: string[]) => out.filter((l) => l.includes('was given on the command line'));
    expect(warnings(booking.output)).toHaveLength(1);
    expect(warnings(provider.output)).toHaveLength(1);
    expect(JSON.parse(warnings(booking.output)[0]!)).toMatchObject({ level: 40, flag: '--admin-token' });
    expect(warnings(provider.output)[0]).not.toContain('--booking-secret"');
    for (const s of ALL) {
      expect(booking.output.join('\n')).not.toContain(s);
      expect(provider.output.join('\n')).not.toContain(s);
    }
    expect(psArgs(provider.child.pid!)).not.toContain(SECRET);
  });

  it('refuses a missing, unreadable, empty or doubled secret with a usage error', async () => {
    const data = ['--port', '0', '--data', join(dir, 'never')];
    // Together: each is a process start, and none of them gets as far as opening a database.
    const [missing, folder, empty, both, bothEnv] = await Promise.all([
      runRefused(['booking', ...data, '--admin-token-file', join(dir, 'no-such-file')]),
      runRefused(['provider', ...data, '--booking-secret-file', dir]),
      runRefused(['booking', ...data, '--admin-token-file', file('empty', '\n')]),
      runRefused(['booking', ...data, '--admin-token', ADMIN, '--admin-token-file', file('admin2', ADMIN)]),
      runRefused(['provider', ...data], { GATEPOST_BOOKING_SECRET: SECRET, GATEPOST_BOOKING_SECRET_FILE: file('secret2', SECRET) }),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--admin-token-file: cannot read');
    expect(missing.stderr).toContain('ENOENT');
    expect(missing.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(folder).toMatchObject({ code: 2, stderr: expect.stringContaining('EISDIR') as unknown });
    expect(empty).toMatchObject({ code: 2, stderr: expect.stringContaining('is empty') as unknown });
    expect(both).toMatchObject({ code: 2, stderr: expect.stringContaining('not both') as unknown });
    expect(bothEnv).toMatchObject({ code: 2, stderr: expect.stringContaining('not both') as unknown });
    for (const r of [missing, folder, empty, both, bothEnv]) for (const s of ALL) expect(r.stderr).not.toContain(s);
  });
});
