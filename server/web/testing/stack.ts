// Test support: the real parts behind the customer page — a provider with the
// demo programme and the booking server (demo payments) as child processes,
// the provider registered through the admin API.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGatepost, type RunningCommand } from '../../../testing/processes.js';

/** The demo venue's time zone: the page shows its times in it, whatever the browser's. */
export const VENUE_TIME_ZONE = 'Asia/Shanghai';

export interface Stack {
  /** the booking server, which serves the page at / */
  url: string;
  providerId: string;
  booking: RunningCommand;
  provider: RunningCommand;
  /** registers another verification server through the admin API (with its secret, when it is a real one); returns its provider ID */
  registerProvider(name: string, verifyUrl: string, secret?: string, timeZone?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const dir = await mkdtemp(join(tmpdir(), 'gatepost-web-'));
  const secret = randomBytes(24).toString('hex');
  const adminToken = randomBytes(24).toString('hex');
  const started: RunningCommand[] = [];
  try {
    const provider = await startGatepost(['provider', '--port', '0', '--data', join(dir, 'provider'), '--booking-secret', secret, '--demo']);
    started.push(provider);
    // A first start may build the page (serve.ts): allow it more than the usual 20 s.
    const booking = await startGatepost(['booking', '--port', '0', '--data', join(dir, 'booking'), '--admin-token', adminToken, '--demo'], {}, 90_000);
    started.push(booking);
    const registerProvider = async (name: string, verifyUrl: string, providerSecret = randomBytes(24).toString('hex'), timeZone?: string) => {
      const res = await fetch(`${booking.url}/api/v1/admin/providers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, verifyUrl, secret: providerSecret, timeZone }),
      });
      if (res.status !== 201) throw new Error(`registering provider ${name} answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { providerId: string }).providerId;
    };
    const providerId = await registerProvider('Demo Cinema', provider.url, secret, VENUE_TIME_ZONE);
    return {
      url: booking.url,
      providerId,
      booking,
      provider,
      registerProvider: (name, verifyUrl, providerSecret, timeZone) => registerProvider(name, verifyUrl, providerSecret, timeZone),
      async stop() {
        await Promise.all(started.map((c) => c.stop()));
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await Promise.all(started.map((c) => c.stop()));
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
