// Replay protection over real HTTP: a signed request is refused a second time
// for as long as its timestamp is acceptable, and the nonces held have a hard
// cap — past it a new request gets 503 with a reason and a Retry-After, and
// the server carries on. In-process servers where the clock is injected (real
// HTTP on loopback, a real SQLite file); a real `gatepost provider` process for
// the flag.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { computeSignature, SIGNATURE_HEADER, signRequest } from '../../protocol/signature.js';
import { startGatepost, type RunningCommand } from '../../testing/processes.js';
import { signedClient } from '../common/testing/signed-client.js';
import { startProvider, type RunningProvider } from './server.js';

const SECRET = 'replay-secret-0123456789abcdef';
const T0 = 1_900_000_000; // a multiple of the 10 s bucket
const dirs: string[] = [];
let clock = T0;
let provider: RunningProvider | undefined;

async function start(replayCap?: number): Promise<RunningProvider> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gp-replay-'));
  dirs.push(dataDir);
  clock = T0;
  provider = await startProvider({ port: 0, dataDir, bookingSecret: SECRET, demo: true, now: () => clock, replayCap, logger: false });
  return provider;
}
afterEach(async () => {
  await provider?.close();
  provider = undefined;
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Signed {
  t: number;
  n: string;
}
/** A signed GET /v1/shows stamped `t`; send it again to replay it. */
const signed = (t = clock): Signed => ({ t, n: randomBytes(16).toString('hex') });
async function send(url: string, s: Signed) {
  const path = '/v1/shows';
  const res = await fetch(url + path, { headers: { [SIGNATURE_HEADER]: `t=${s.t},n=${s.n},v1=${computeSignature(SECRET, s.t, s.n, 'GET', path, '')}` } });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error?: string; message?: string; shows?: unknown[] } };
}

describe('replay protection', () => {
  it('refuses a request stamped 300 s ahead as a replay until its own timestamp leaves the window', async () => {
    const { url } = await start();
    const ahead = signed(T0 + 300);
    expect((await send(url, ahead)).status).toBe(200);
    for (const now of [T0 + 1, T0 + 301, T0 + 599, T0 + 600]) {
      clock = now;
      expect(await send(url, ahead), `at T0 + ${now - T0}`).toMatchObject({ status: 401, body: { error: 'signature_replayed' } });
    }
    clock = T0 + 601;
    expect((await send(url, ahead)).body).toMatchObject({ error: 'signature_expired' });
  });

  it('past --replay-cap answers a new request 503 replay_window_full with Retry-After, still refuses replays, and takes requests again once the window moves on', async () => {
    const { url } = await start(4);
    const accepted = [signed(), signed(), signed(), signed()];
    for (const s of accepted) expect((await send(url, s)).status).toBe(200);

    const refused = await send(url, signed());
    expect(refused).toMatchObject({ status: 503, body: { error: 'replay_window_full', message: expect.any(String) } });
    // The four held were stamped T0..T0+9: their bucket leaves when the clock reaches T0 + 310.
    expect(refused.retryAfter).toBe('310');
    expect(await send(url, accepted[2]!)).toMatchObject({ status: 401, body: { error: 'signature_replayed' } });
    // A flood of new requests changes nothing and breaks nothing.
    const flood = await Promise.all(Array.from({ length: 200 }, () => send(url, signed())));
    expect(new Set(flood.map((r) => `${r.status} ${r.body.error}`))).toEqual(new Set(['503 replay_window_full']));
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    clock = T0 + 309;
    expect(await send(url, signed())).toMatchObject({ status: 503, retryAfter: '1' });
    clock = T0 + 310;
    const after = await send(url, signed());
    expect(after.status).toBe(200);
    expect(after.body.shows).toHaveLength(3);
  });
});

describe('gatepost provider --replay-cap', () => {
  let server: RunningCommand | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it('caps the nonces held in a real process and says so once in the log', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gp-replay-cli-'));
    dirs.push(dataDir);
    server = await startGatepost(['provider', '--port', '0', '--data', dataDir, '--booking-secret', SECRET, '--demo'], { GATEPOST_REPLAY_CAP: '3' });
    const api = signedClient(server.url, SECRET);
    for (let i = 0; i < 3; i++) expect((await api.get('/v1/shows')).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.url}/v1/shows`, { headers: { [SIGNATURE_HEADER]: signRequest(SECRET, 'GET', '/v1/shows', '') } });
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await res.json()).toMatchObject({ error: 'replay_window_full' });
    }
    expect(server.output.filter((l) => l.includes('replay window full'))).toHaveLength(1);
    expect(server.child.exitCode).toBeNull();
  });
});
