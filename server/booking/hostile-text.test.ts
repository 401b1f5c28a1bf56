// Text no field has a use for, sent by anyone who can reach the booking server:
// a NUL character (PostgreSQL refuses it in text where SQLite keeps it), a path
// segment far longer than any identifier, a path that is not valid URL encoding.
// Every operation of the OpenAPI document is called with them in each of its
// path and query parameters, and with a body whose every text is one, as each
// kind of caller (no one, a customer, venue staff, a station, the admin): each
// answers 4xx in the one error shape with a reason clients can switch on. A 500
// here would also have written an error line to the log for every such request.
import { describe, expect, it } from 'vitest';
import { ERROR_REASONS } from '../../protocol/reasons.js';
import { BACKENDS } from '../common/testing/storage.js';
import { enrollStation, registerProvider, signUp, venueStaffSession } from './testing/setup.js';
import { bookingTestbed } from './testing/testbed.js';
import type { Reply } from './testing/http.js';

const ADMIN = 'admin-token-hostile-text-0123456789';
const SECRET = 'provider-secret-hostile-0123456789';
const NUL_TEXT = 'ab\u0000cd';

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
}
interface Operation {
  parameters?: { in: 'path' | 'query' | 'header'; name: string }[];
  requestBody?: { content?: { 'application/json'?: { schema?: Schema } } };
}
type Paths = Record<string, Record<string, Operation>>;

/** A value of `schema` whose every free text is `text`. */
function sample(schema: Schema | undefined, text: string): unknown {
  if (!schema) return text;
  const alt = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (alt) return sample(alt, text);
  if (schema.enum) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, sample(v, text)]));
    case 'array':
      return [sample(schema.items, text)];
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    default:
      return text;
  }
}

/** Each answer a 4xx `{error, message}` with a known reason and no stack trace. */
function expectRefusal(res: Reply, what: string): void {
  const said = `${what}: ${res.status} ${res.text.slice(0, 200)}`;
  expect(res.status, said).toBeGreaterThanOrEqual(400);
  expect(res.status, said).toBeLessThan(500);
  const body = res.body as { error?: string; message?: string };
  expect(ERROR_REASONS as readonly string[], said).toContain(body.error);
  expect(typeof body.message, what).toBe('string');
  expect(res.text, what).not.toMatch(/at .*\.(ts|js):\d+/);
}

describe.each(BACKENDS)('hostile text on $backend', (each) => {
  const bed = bookingTestbed(each, { name: 'hostile-text', adminToken: ADMIN, provider: { secret: SECRET, kind: 'demo' } });

  it.runIf(each.run)('refuses a NUL character, an overlong segment or a broken path on every operation, as every caller, with a 4xx', { timeout: 120_000 }, async () => {
    const { api } = bed;
    const providerId = await registerProvider(api, ADMIN, { verifyUrl: bed.provider.url, secret: SECRET });
    const callers: [string, string | undefined][] = [
      ['no one', undefined],
      ['a customer', await signUp(api, 'hostile@example.com')],
      ['venue staff', await venueStaffSession(api, ADMIN, 'staff@example.com', [providerId])],
      ['a station', await enrollStation(api, ADMIN, providerId, 'Gate 1')],
      ['the admin', ADMIN],
    ];
    const paths = (await api.get<{ paths: Paths }>('/docs/json')).body.paths;
    // Signing out last: the tokens stay good for every other call.
    const operations = Object.entries(paths)
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })))
      .sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    expect(operations.length).toBeGreaterThan(40);

    let withParams = 0;
    for (const { path, method, op } of operations) {
      const query = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      const body = op.requestBody?.content?.['application/json']?.schema;
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
    const tooLong = await api.post(`/api/v1/tickets/${'t'.repeat(5000)}/cancel`, {});
    expect(tooLong.status).toBe(414);
    expect(tooLong.body).toMatchObject({ error: 'uri_too_long' });
    expect((await api.post('/api/v1/sessions', { email: 'hostile@example.com', password: 'password123' })).status).toBe(200);
  });
});
