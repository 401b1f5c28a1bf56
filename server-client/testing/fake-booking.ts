// A stand-in for the booking server's station API, for the server client's unit
// tests only: it can answer late, drop a connection, or say the provider is
// down on cue — failures a real server cannot be asked to produce on time.
// The acceptance tests (main/*.acceptance.test.ts) run the real servers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { OfflineBundle } from '../../protocol/booking-api.js';
import type { ScanVerdict } from '../../protocol/verdict.js';

export interface SeenRequest {
  method: string;
  path: string;
  auth: string | undefined;
  body: unknown;
}

export type Behaviour = 'answer' | 'hang' | 'reset' | 'provider-down' | 'error-500' | 'refuse-wordy';

export interface FakeBooking {
  url: string;
  seen: SeenRequest[];
  /** what the next scan requests get; each entry is used once, then 'answer' */
  script: Behaviour[];
  verdict: (body: { payload: string; scanId: string }) => ScanVerdict;
  bundle: OfflineBundle;
  journalUp: boolean;
  journalVerdict: (item: { scanId: string; payload?: string }) => ScanVerdict;
  /** a journal upload over this many bytes is refused with 413, as a server with a smaller body limit would */
  journalBodyLimit: number;
  /** the Date header of its error answers, as a proxy in front with its own clock would send */
  errorDate?: string;
  close(): Promise<void>;
}

export async function startFakeBooking(token = 'st_test'): Promise<FakeBooking> {
  const sockets = new Set<Socket>();
  const fake: Omit<FakeBooking, 'url' | 'close'> = {
    seen: [],
    script: [],
    verdict: () => ({ result: 'admitted', ticket: { title: 'Test Show', venue: 'Test Venue', hall: 'Hall 1', seat: 'A1', startsAt: 1_900_000_000 } }),
    bundle: { providerId: 'prv_test', keys: [], revoked: [], redeemed: [], cursor: '0', more: false },
    journalUp: true,
    journalVerdict: () => ({ result: 'admitted' }),
    journalBodyLimit: Infinity,
  };
  const server: Server = createServer((req, res) => void handle(req, res));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const body: unknown = text ? JSON.parse(text) : undefined;
    const path = req.url ?? '/';
    fake.seen.push({ method: req.method ?? '', path, auth: req.headers.authorization, body });
    const reply = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', ...(status >= 400 && fake.errorDate ? { date: fake.errorDate } : {}) });
      res.end(JSON.stringify(value));
    };
    if (path === '/api/v1/station/enroll') {
      const code = (body as { enrollment?: string }).enrollment;
      if (code === 'ABCDEFGHJKMNPQRSTVWXYZ012345') return reply(200, { token, stationId: 's_1', providerId: 'prv_test', gate: 'Gate T' });
      return reply(401, { error: 'enrollment_invalid', message: 'this enrollment code is not known' });
    }
    if (!path.startsWith('/api/v1/station/')) return reply(404, { error: 'not_found', message: 'no route' });
    if (req.headers.authorization !== `Bearer ${token}`) return reply(401, { error: 'unauthorized', message: 'bad token' });
    if (path === '/api/v1/station/scan') {
      const step = fake.script.shift() ?? 'answer';
      if (step === 'hang') return; // never answers
      if (step === 'reset') {
        req.socket.destroy();
        return;
      }
      if (step === 'error-500') return reply(500, { error: 'internal', message: 'boom' });
      // A server (or something in front of it) that refuses at great length.
      if (step === 'refuse-wordy') return reply(403, { error: 'forbidden', message: 'no. '.repeat(25_000) });
      if (step === 'provider-down') return reply(200, { result: 'rejected', reason: 'provider_unavailable' });
      return reply(200, fake.verdict(body as { payload: string; scanId: string }));
    }
    if (path.startsWith('/api/v1/station/offline-bundle')) return reply(200, fake.bundle);
    if (path === '/api/v1/station/journal') {
      if (!fake.journalUp) return reply(503, { error: 'provider_unavailable', message: 'later' });
      if (Buffer.byteLength(text) > fake.journalBodyLimit) return reply(413, { error: 'body_too_large', message: 'the request body is too large' });
      const items = (body as { redemptions: { scanId: string; payload?: string }[] }).redemptions;
      return reply(200, { results: items.map((i) => ({ scanId: i.scanId, ...fake.journalVerdict(i) })) });
    }
    reply(404, { error: 'not_found', message: 'no route' });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  }) as FakeBooking;
}
