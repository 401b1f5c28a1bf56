// A station's first sync of a large offline bundle travels compressed: the
// station's client asks for it and decodes it, and gets exactly the pages a
// client that does not ask gets plain. Bytes are counted on the booking
// server's sockets. A real booking server on loopback HTTP and a SQLite file.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfflineBundle } from '../../../protocol/booking-api.js';
import { testStorage, type TestStorage } from '../../common/testing/storage.js';
import type { RunningBooking } from '../server.js';
import { startFakeProvider, type FakeProvider } from '../testing/fake-provider.js';
import { bookingClient } from '../testing/http.js';
import { enrollStation, registerProvider, startTestBooking } from '../testing/setup.js';
import { BookingClient } from '../../../server-client/http.js';
import { acceptsGzip } from '../../common/compressed-reply.js';

const ADMIN = 'admin-token-for-bundle-tests-012';
const SECRET = 'fake-provider-secret-0123456789';
/** More than one page of the bundle (5,000 events a page). */
const EVENTS = 7000;
const NOW = 1_900_000_000;

let store: TestStorage;
let fake: FakeProvider;
let booking: RunningBooking;
let stationToken: string;

beforeAll(async () => {
  store = await testStorage('sqlite', 'bundle-wire');
  fake = await startFakeProvider(SECRET);
  booking = await startTestBooking({ dataDir: store.dir, databaseUrl: undefined, adminToken: ADMIN, demo: true, now: () => NOW });
  const api = bookingClient(booking.url);
  const providerId = await registerProvider(api, ADMIN, { verifyUrl: fake.url, secret: SECRET });
  stationToken = await enrollStation(api, ADMIN, providerId, 'North Door');
  const rows = Array.from({ length: EVENTS }, (_, i) => ({
    provider_id: providerId,
    kind: i % 50 === 0 ? ('revoked' as const) : ('redeemed' as const),
    code: randomBytes(16).toString('hex'),
    at: NOW - 2 * EVENTS + i,
    gate: i % 50 === 0 ? null : 'North Door',
    recorded_at: NOW - 2 * EVENTS + i,
    valid_until: NOW + 86_400,
  }));
  for (let i = 0; i < rows.length; i += 1000) await booking.ctx.db.insertInto('station_events').values(rows.slice(i, i + 1000)).execute();
});
afterAll(async () => {
  await booking?.close();
  await fake?.close();
  await store?.remove();
});

/** Bytes the booking server writes to the connections opened while `run` runs. */
async function bytesServed<T>(run: () => Promise<T>): Promise<{ result: T; bytes: number }> {
  const sockets: Socket[] = [];
  const track = (s: Socket) => sockets.push(s);
  booking.app.server.on('connection', track);
  try {
    const result = await run();
    return { result, bytes: sockets.reduce((sum, s) => sum + s.bytesWritten, 0) };
  } finally {
    booking.app.server.off('connection', track);
  }
}

async function pages<P extends OfflineBundle>(fetchPage: (since: string | null) => Promise<P>): Promise<P[]> {
  const out: P[] = [];
  let since: string | null = null;
  for (;;) {
    const page = await fetchPage(since);
    out.push(page);
    if (!page.more) return out;
    since = page.cursor;
  }
}

/** A plain node:http GET that sends no Accept-Encoding, as an older station would. */
function plainPage(since: string | null): Promise<OfflineBundle & { contentEncoding: string | undefined }> {
  const agent = new http.Agent({ keepAlive: false });
  return new Promise((resolve, reject) => {
    const path = `/api/v1/station/offline-bundle${since ? `?since=${since}` : ''}`;
    http
      .get(`${booking.url}${path}`, { agent, headers: { authorization: `Bearer ${stationToken}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}`));
          resolve({ ...(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OfflineBundle), contentEncoding: res.headers['content-encoding'] });
        });
      })
      .on('error', reject);
  });
}

describe('the offline bundle on the wire', () => {
  it('reaches a station compressed and decodes to the pages a plain client gets', async () => {
    const station = new BookingClient({ baseUrl: booking.url, token: stationToken });
    const compressed = await bytesServed(() => pages((since) => station.offlineBundle(since)));
    station.close();
    const plain = await bytesServed(() => pages((since) => plainPage(since)));

    expect(plain.result.length).toBeGreaterThan(1);
    expect(plain.result.every((p) => p.contentEncoding === undefined)).toBe(true);
    const withoutHeader = plain.result.map(({ contentEncoding: _, ...page }) => page);
    expect(compressed.result).toEqual(withoutHeader);
    expect(withoutHeader.reduce((n, p) => n + p.redeemed.length + p.revoked.length, 0)).toBe(EVENTS);

    // Hex codes are the bulk and only halve at best; the keys and digits around them go.
    expect(plain.bytes).toBeGreaterThan(EVENTS * 60);
    expect(compressed.bytes).toBeLessThan(plain.bytes / 2);
  });
});

describe('acceptsGzip', () => {
  it('takes gzip named or by *, and honours q=0', () => {
    expect(acceptsGzip('gzip, compress, deflate, br')).toBe(true);
    expect(acceptsGzip('br;q=1.0, gzip;q=0.5')).toBe(true);
    expect(acceptsGzip('gzip;q=0, *')).toBe(false);
    expect(acceptsGzip('br, *')).toBe(true);
    expect(acceptsGzip('br, identity')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });
});
