// Test support: the real servers a gate talks to — a Demo Cinema provider and
// the booking server, as processes on loopback — with the provider registered,
// a customer with tickets, and stations created by the admin API.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGatepost, type RunningCommand as Running } from '../../testing/processes.js';

export const ADMIN_TOKEN = 'station-tests-admin-token-0123456789';
const PROVIDER_SECRET = 'station-tests-provider-secret-0123456789';

export interface Ticket {
  ticketId: string;
  seat: string;
  payload: string;
  title: string;
  hall: string;
}

export interface Stack {
  dir: string;
  bookingUrl: string;
  providerUrl: string;
  providerId: string;
  userToken: string;
  /** the booking server's process, for its CPU time (benchmarks) */
  bookingPid: number | undefined;
  api<T>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
  createStation(gate: string): Promise<{ stationId: string; enrollment: string; setupPayload: string }>;
  /** A station config as an enrolled station has it (created and enrolled through the API). */
  enrolledConfig(gate: string): Promise<Record<string, unknown>>;
  /** Orders `n` seats of a show open for entry now (the demo's first show by default). */
  buyTickets(n: number, showId?: string): Promise<Ticket[]>;
  ticketPng(ticketId: string): Promise<Buffer>;
  stopProvider(): Promise<void>;
  startProvider(): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  /** more provider flags, e.g. --programme FILE */
  providerArgs?: string[];
  /** more booking flags, e.g. --scan-reject-limit N */
  bookingArgs?: string[];
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'gp-station-stack-'));
  const providerArgs = ['--data', join(dir, 'provider'), '--booking-secret', PROVIDER_SECRET, '--demo', ...(options.providerArgs ?? [])];
  let provider: Running | null = await startGatepost(['provider', '--port', '0', ...providerArgs]);
  const providerUrl = provider.url;
  const booking = await startGatepost(['booking', '--port', '0', '--data', join(dir, 'booking'), '--admin-token', ADMIN_TOKEN, '--demo', ...(options.bookingArgs ?? [])]);
  const bookingUrl = booking.url;

  async function api<T>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(bookingUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed as T };
  }
  const ok = <T>(r: { status: number; body: T }, what: string): T => {
    if (r.status >= 300) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };

  const { providerId } = ok(await api<{ providerId: string }>('POST', '/api/v1/admin/providers', { name: 'Demo Cinema', verifyUrl: providerUrl, secret: PROVIDER_SECRET }, ADMIN_TOKEN), 'register provider');
  const { token: userToken } = ok(await api<{ token: string }>('POST', '/api/v1/users', { email: `gate-${Date.now()}@example.com`, password: 'correct horse battery' }), 'sign up');

  async function createStation(gate: string) {
    return ok(await api<{ stationId: string; enrollment: string; setupPayload: string }>('POST', '/api/v1/admin/stations', { providerId, gate }, ADMIN_TOKEN), 'create station');
  }

  return {
    dir,
    bookingUrl,
    providerUrl,
    providerId,
    userToken,
    bookingPid: booking.child.pid,
    api,
    createStation,
    async enrolledConfig(gate) {
      const created = await createStation(gate);
      const enrolled = ok(await api<{ token: string; stationId: string }>('POST', '/api/v1/station/enroll', { enrollment: created.enrollment }), 'enroll');
      return { serverUrl: bookingUrl, providerId, gate, enrollment: { stationId: enrolled.stationId, token: enrolled.token } };
    },
    async buyTickets(n, showId = 'demo-1') {
      const shows = ok(await api<{ shows: { providerId: string; showId: string }[] }>('GET', '/api/v1/shows'), 'shows');
      const show = shows.shows.find((s) => s.providerId === providerId && s.showId === showId);
      if (!show) throw new Error(`show ${showId} is missing`);
      const { seats } = ok(await api<{ seats: { seatId: string; status: string }[] }>('GET', `/api/v1/providers/${providerId}/shows/${show.showId}/seats`), 'seats');
      const free = seats.filter((s) => s.status === 'free').slice(0, n);
      if (free.length < n) throw new Error(`only ${free.length} free seats left`);
      // Orders of 20 seats (the most one order takes), a few at a time: thousands of tickets in seconds.
      const orders: string[][] = [];
      for (let i = 0; i < free.length; i += 20) orders.push(free.slice(i, i + 20).map((s) => s.seatId));
      const bought: Ticket[][] = new Array(orders.length);
      let next = 0;
      const buyer = async () => {
        for (let i = next++; i < orders.length; i = next++) {
          const order = ok(await api<{ tickets: Ticket[] }>('POST', '/api/v1/orders', { providerId, showId: show.showId, seats: orders[i], payment: { method: 'demo' } }, userToken), 'order');
          bought[i] = order.tickets;
        }
      };
      await Promise.all([buyer(), buyer(), buyer(), buyer()]);
      return bought.flat();
    },
    async ticketPng(ticketId) {
      const res = await fetch(`${bookingUrl}/api/v1/tickets/${ticketId}/image.png?locale=en`, { headers: { authorization: `Bearer ${userToken}` } });
      if (!res.ok) throw new Error(`ticket image: HTTP ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    },
    async stopProvider() {
      await provider?.stop();
      provider = null;
    },
    async startProvider() {
      const port = new URL(providerUrl).port;
      provider = await startGatepost(['provider', '--port', port, ...providerArgs]);
    },
    async close() {
      await Promise.allSettled([provider?.stop(), booking.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
