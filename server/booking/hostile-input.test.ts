// Text no field has a use for, sent by anyone who can reach the booking server:
// a NUL character (PostgreSQL refuses it in text where SQLite keeps it), a path
// segment far longer than any identifier, a path that is not valid URL encoding.
// Every operation of the OpenAPI document is called with them in each of its
// path and query parameters, and with a body whose every text is one, as each
// kind of caller (no one, a customer, venue staff, a station, the admin): each
// answers 4xx in the one error shape with a reason clients can switch on. A 500
// here would also have written an error line to the log for every such request.
// Then the largest numbers: in every field at once, and each alone in a body
// otherwise valid, so that no other field's refusal hides a missing bound; and
// each query parameter given twice.
import { describe, expect, it } from 'vitest';
import { LAST_EPOCH_SECOND } from '../../protocol/verdict.js';
import { BACKENDS } from '../common/testing/storage.js';
import { enrollStation, registerProvider, signUp, venueStaffSession } from './testing/setup.js';
import { bookingTestbed } from './testing/testbed.js';
import { expectNoFault, expectRefusal, numberPaths, operationsOf, replacedAt, sample, validTimesAndShow, type Paths } from '../common/testing/hostile-input.js';

const ADMIN = 'admin-token-hostile-text-0123456789';
const SECRET = 'provider-secret-hostile-0123456789';
const NUL_TEXT = 'ab\u0000cd';

describe.each(BACKENDS)('hostile input on $backend', (each) => {
  const bed = bookingTestbed(each, { name: 'hostile-input', adminToken: ADMIN, provider: { secret: SECRET, kind: 'demo' }, booking: { demo: true } });

  /** A provider, and a token for each kind of caller (none for no one) with access to it. */
  async function everyone(tag: string): Promise<{ providerId: string; callers: [string, string | undefined][] }> {
    const { api } = bed;
    const providerId = await registerProvider(api, ADMIN, { verifyUrl: bed.provider.url, secret: SECRET });
    const callers: [string, string | undefined][] = [
      ['no one', undefined],
      ['a customer', await signUp(api, `${tag}@example.com`)],
      ['venue staff', await venueStaffSession(api, ADMIN, `${tag}-staff@example.com`, [providerId])],
      ['a station', await enrollStation(api, ADMIN, providerId, `Gate ${tag}`)],
      ['the admin', ADMIN],
    ];
    return { providerId, callers };
  }

  /** Every operation of the OpenAPI document. */
  async function operations(): Promise<ReturnType<typeof operationsOf>> {
    const all = operationsOf((await bed.api.get<{ paths: Paths }>('/docs/json')).body.paths);
    expect(all.length).toBeGreaterThan(40);
    return all;
  }

  it.runIf(each.run)('refuses a NUL character, an overlong segment or a broken path on every operation, as every caller, with a 4xx', { timeout: 120_000 }, async () => {
    const { api } = bed;
    const { callers } = await everyone('hostile');

    let withParams = 0;
    for (const { path, method, query, body } of await operations()) {
      const hasPathParams = path.includes('{');
      if (!hasPathParams && query.length === 0 && !body) continue;
      withParams++;
      const url = (segment: string) => {
        const q = query.map((name) => `${name}=${encodeURIComponent(NUL_TEXT)}`).join('&');
        return path.replace(/\{[^}]+\}/g, segment) + (q ? `?${q}` : '');
      };
      for (const [who, token] of callers) {
        const what = `${method} ${path} as ${who}`;
        const nul = await api.call(method, url(encodeURIComponent(NUL_TEXT)), { token, body: body ? sample(body, NUL_TEXT) : undefined });
        expectRefusal(nul, `${what}, NUL text`);
        if (hasPathParams) {
          expectRefusal(await api.call(method, url('x'.repeat(5000)), { token, body: body ? sample(body, 'x') : undefined }), `${what}, a 5,000-character segment`);
          expectRefusal(await api.call(method, url('%E0%A4%A'), { token, body: body ? sample(body, 'x') : undefined }), `${what}, a broken escape`);
        }
      }
    }
    expect(withParams).toBeGreaterThan(30);
  });

  it.runIf(each.run)('takes the largest numbers in every parameter and body field of every operation, and each query parameter twice, as every caller, without a fault', { timeout: 120_000 }, async () => {
    const { api } = bed;
    const { providerId, callers } = await everyone('numbers');
    const BIG = Number.MAX_SAFE_INTEGER;
    let sent = 0;
    for (const { path, method, query: names, body } of await operations()) {
      // A live stream answers 200 and stays open; its refusals are the NUL sweep's.
      if (path.endsWith('/stream')) continue;
      const query = names.map((name) => `${name}=${name === 'providerId' ? providerId : BIG}`).join('&');
      // The provider and the show are real ones, so a route gets past its look-ups to the numbers.
      const url = path.replace('{providerId}', providerId).replace('{showId}', 'demo-1').replace(/\{[^}]+\}/g, String(BIG)) + (query ? `?${query}` : '');
      // Each query parameter given twice, as a list, too.
      const twice = names.length ? `${url.split('?')[0]}?${names.map((name) => `${name}=${name === 'providerId' ? providerId : 1}&${name}=2`).join('&')}` : undefined;
      for (const [who, token] of callers) {
        const res = await api.call(method, url, { token, body: body ? sample(body, String(BIG), BIG) : undefined });
        expectNoFault(res, `${method} ${path} as ${who}, the largest numbers`);
        if (twice) expectNoFault(await api.call(method, twice, { token, body: body ? sample(body, 'x') : undefined }), `${method} ${path} as ${who}, each query parameter twice`);
        sent++;
      }
    }
    expect(sent).toBeGreaterThan(200);
    expect((await api.get('/healthz')).status).toBe(200);
  });

  it.runIf(each.run)('takes each number of each operation alone, in an otherwise valid body, without a fault', { timeout: 120_000 }, async () => {
    const { api } = bed;
    const { providerId, callers } = await everyone('one-number');
    // Valid where validation would stop the request before its numbers.
    const named = {
      ...validTimesAndShow(),
      providerId,
      showId: 'demo-2',
      seats: ['C3'],
      payment: { method: 'demo' },
      email: 'one-number@example.com',
      password: 'password123',
      gate: 'Gate one-number',
      channels: ['inapp'],
      language: 'en',
      // Either this or verifyUrl: undefined leaves the other out.
      verifyUrl: undefined,
      verifyUrls: [bed.provider.url],
      timeZone: 'UTC',
      secret: SECRET,
    };
    let sent = 0;
    for (const { path, method, query: names, body } of await operations()) {
      if (path.endsWith('/stream') || path.endsWith('/cancel')) continue;
      const query = names.map((name) => `${name}=${name === 'providerId' ? providerId : 1}`).join('&');
      const url = path.replace('{providerId}', providerId).replace('{showId}', 'demo-2').replace(/\{[^}]+\}/g, 'x') + (query ? `?${query}` : '');
      for (const at of numberPaths(body)) {
        for (const n of [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 31, 1e300]) {
          for (const [who, token] of callers) {
            // A new show takes an ID of its own rather than the existing show's.
            const valid = sample(body, 'x', 1, method === 'POST' && path.endsWith('/shows') ? { ...named, showId: `far-${sent}` } : named);
            const res = await api.call(method, url, { token, body: replacedAt(valid, at, n) });
            expectNoFault(res, `${method} ${path} as ${who}, ${at.join('.')} = ${n}`);
            sent++;
          }
        }
      }
    }
    expect(sent).toBeGreaterThan(100);
  });

  it.runIf(each.run)('refuses a show moved past the year 9999, which no ticket could print, and prints one at its last second', async () => {
    const { api } = bed;
    const providerId = await registerProvider(api, ADMIN, { verifyUrl: bed.provider.url, secret: SECRET });
    const move = (endsAt: number) => api.call('PATCH', `/api/v1/admin/providers/${providerId}/shows/demo-3`, { token: ADMIN, body: { endsAt } });
    // Unbounded, the show was stored, tickets were sold for it, and their image answered 500.
    expect(await move(LAST_EPOCH_SECOND + 1)).toMatchObject({ status: 400, body: { error: 'bad_request', message: expect.stringContaining('endsAt') } });
    expect((await move(LAST_EPOCH_SECOND)).status).toBe(200);
    const token = await signUp(api, 'far-future@example.com');
    const order = await api.post<{ tickets: { ticketId: string; validUntil: number }[] }>('/api/v1/orders', { providerId, showId: 'demo-3', seats: ['A1'], payment: { method: 'demo' } }, { token });
    expect(order.status, order.text).toBe(201);
    const ticket = order.body.tickets[0]!;
    expect(ticket.validUntil).toBeGreaterThanOrEqual(LAST_EPOCH_SECOND);
    const image = await api.get(`/api/v1/tickets/${ticket.ticketId}/image.png`, { token });
    expect(image.status, image.text.slice(0, 200)).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
  });

  it.runIf(each.run)('names where the NUL was, and lets the same caller on with clean text', async () => {
    const { api } = bed;
    const signIn = await api.post('/api/v1/sessions', { email: `hostile${NUL_TEXT}@example.com`, password: 'password123' });
    expect(signIn.status).toBe(400);
    expect(signIn.body).toEqual({ error: 'bad_request', message: 'body.email: text may not contain the NUL character (U+0000)' });
    const seats = await api.get(`/api/v1/providers/p1/shows/${encodeURIComponent(NUL_TEXT)}/seats`);
    expect(seats.body).toEqual({ error: 'bad_request', message: 'params.showId: text may not contain the NUL character (U+0000)' });
    // A backslash-u written out is text like any other, not a NUL.
    const written = await api.post('/api/v1/sessions', { email: 'back\\u0000slash@example.com', password: 'password123' });
    expect(written.status).toBe(401);
    expect(written.body).toMatchObject({ error: 'bad_credentials' });
    // Nested deeper than any request of the API, with a NUL at the bottom: refused, not let through unwalked.
    let deep: unknown = [NUL_TEXT];
    for (let i = 0; i < 100; i++) deep = [deep];
    const nested = await api.post('/api/v1/sessions', { email: 'clean@example.com', password: 'password123', note: deep });
    expect(nested.status).toBe(400);
    expect(nested.body).toMatchObject({ error: 'bad_request', message: expect.stringMatching(/^body\.note\.0\.0\..*NUL character/) });
    const tooLong = await api.post(`/api/v1/tickets/${'t'.repeat(5000)}/cancel`, {});
    expect(tooLong.status).toBe(414);
    expect(tooLong.body).toMatchObject({ error: 'uri_too_long' });
    await signUp(api, 'clean@example.com');
    expect((await api.post('/api/v1/sessions', { email: 'clean@example.com', password: 'password123' })).status).toBe(200);
  });
});
