// Test support for the operator console: the booking server (admin token,
// SQLite) and a verification server with the demo programme as real child
// processes, nothing registered yet: the tests register through the console.
// Also zbarimg (apt package zbar-tools), the QR decoder that checks the setup
// QR as it appears on the page, independent of the library that drew it.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startGatepost, type RunningCommand } from '../../../testing/processes.js';

export interface ConsoleStack {
  /** the booking server, which serves the console at /console */
  url: string;
  adminToken: string;
  /** the verification server the tests register */
  provider: RunningCommand;
  /** the secret that verification server was started with */
  providerSecret: string;
  booking: RunningCommand;
  /** an admin API call with the admin token */
  admin<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

/** `demoPayments`: the booking server takes the `demo` payment method, so tests can sell tickets. */
export async function startConsoleStack(opts: { demoPayments?: boolean } = {}): Promise<ConsoleStack> {
  const dir = await mkdtemp(join(tmpdir(), 'gatepost-console-'));
  const providerSecret = randomBytes(24).toString('hex');
  const adminToken = randomBytes(24).toString('hex');
  const started: RunningCommand[] = [];
  const stopAll = async () => {
    await Promise.all(started.map((c) => c.stop()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const [provider, booking] = await Promise.all([
      startGatepost(['provider', '--port', '0', '--data', join(dir, 'provider'), '--booking-secret', providerSecret, '--demo'], { DATABASE_URL: '' }),
      startGatepost(['booking', '--port', '0', '--data', join(dir, 'booking'), '--admin-token', adminToken, ...(opts.demoPayments ? ['--demo'] : [])], { DATABASE_URL: '' }, 90_000),
    ]);
    started.push(provider, booking);
    const admin = async <T>(method: string, path: string, body?: unknown) => {
      const res = await fetch(`${booking.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (res.status === 204 ? undefined : await res.json()) as T };
    };
    return { url: booking.url, adminToken, provider, providerSecret, booking, admin, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

const ZBARIMG = '/usr/bin/zbarimg';

/** Why QR decoding cannot run here, or null when it can; under CI=true a missing zbarimg is a failure. */
export function zbarimgMissing(): string | null {
  if (existsSync(ZBARIMG)) return null;
  const why = `zbarimg is not installed at ${ZBARIMG}: install the apt package \`zbar-tools\` (apt-get install zbar-tools)`;
  if (process.env.CI === 'true') throw new Error(why);
  return why;
}

/** The text of the one QR code zbarimg finds in a PNG file. */
export async function decodeQrFile(path: string): Promise<string> {
  const { stdout } = await promisify(execFile)(ZBARIMG, ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', path]);
  return stdout.replace(/\n$/, '');
}
