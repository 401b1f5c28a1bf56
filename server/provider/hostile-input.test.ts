// Every operation of the verification server's OpenAPI document, signed as the
// booking server signs, with hostile values in each field: the largest safe
// integer in every number and path or query parameter (the show, the seat and
// the code valid ones, so routes get past validation and their look-ups), and a
// NUL character in every text; and an offline admission journalled at the
// largest time, and at the last second a calendar can show. A
// missing bound on a number is a 500 on PostgreSQL (an integer column
// overflows) or, worse, a loop as long as the number; each must be refused in
// the one error shape, and the server must go on deciding verifies.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LAST_EPOCH_SECOND } from '../../protocol/verdict.js';
import { BACKENDS } from '../common/testing/storage.js';
import { expectNoFault, expectRefusal, numberPaths, operationsOf, replacedAt, sample, validTimesAndShow, type Paths } from '../common/testing/hostile-input.js';
import { providerTestbed } from './testing/testbed.js';

const SECRET = 'hostile-input-secret-0123456789';
const BIG = Number.MAX_SAFE_INTEGER;

describe.each(BACKENDS)('hostile input to the verification server on $backend', (each) => {
  const bed = providerTestbed(each, 'provider-hostile', SECRET);

  it.runIf(each.run)('takes the largest numbers and NUL text in every field of every operation without a fault', { timeout: 120_000 }, async () => {
    const docs = await bed.api.get<{ paths: Paths }>('/docs/json');
    expect(docs.status).toBe(200);
    // Cancelling the show last: the other operations need it open.
    const operations = operationsOf(docs.body.paths).sort((a, b) => Number(a.path.endsWith('/cancel')) - Number(b.path.endsWith('/cancel')));
    // Valid where validation would stop the request before its numbers.
    const named = {
      ...validTimesAndShow(),
      code: randomBytes(16).toString('hex'),
      showId: 'demo-1',
      seats: ['A1'],
      seatId: 'A1',
      orderRef: 'hostile-order',
    };
    let numbers = 0;
    expect(operations.length).toBeGreaterThan(8);
    let refusedNul = 0;
    for (const { path, method, query, body } of operations) {
      const url = (value: string) => path.replace('{showId}', 'demo-1').replace(/\{[^}]+\}/g, value) + (query.length ? `?${query.map((q) => `${q}=${value}`).join('&')}` : '');
      const what = `${method} ${path}`;
      expectNoFault(await bed.api.call(method, url(String(BIG)), body ? sample(body, String(BIG), BIG, named) : undefined), `${what}, the largest numbers`);
      // One number at a time in a body otherwise valid, so that no other field's refusal hides it.
      for (const at of numberPaths(body)) {
        for (const n of [BIG, -BIG, 2 ** 31, 1e300]) {
          const one = replacedAt(sample(body, 'x', 1, named), at, n);
          expectNoFault(await bed.api.call(method, url('x'), one), `${what}, ${at.join('.')} = ${n}`);
          numbers++;
        }
      }
      if (body || query.length || /\{(?!showId)/.test(path)) {
        expectRefusal(await bed.api.call(method, url(encodeURIComponent('ab\u0000cd')), body ? sample(body, 'ab\u0000cd') : undefined), `${what}, NUL text`);
        refusedNul++;
      }
    }
    expect(refusedNul).toBeGreaterThan(4);
    expect(numbers).toBeGreaterThan(20);
    // An offline admission journalled with the largest time, for a code that was issued.
    const issued = await bed.api.post<{ tickets: { code: string }[] }>('/v1/codes', {
      orderRef: 'hostile-journal',
      showId: 'demo-2',
      seats: ['B2'],
      payment: { reference: 'hostile-journal', amountCents: 4500, currency: 'CNY' },
    });
    expect(issued.status).toBe(201);
    const journal = (at: number, scanId: string) => bed.api.post('/v1/redemptions', { redemptions: [{ code: issued.body.tickets[0]!.code, gate: 'North', scanId, at }] });
    expect(await journal(BIG, 'journal-big')).toMatchObject({ status: 400, body: { error: 'bad_request', message: expect.stringContaining('redemptions.0.at') } });
    // At the calendar's last second: judged at the present, not the claimed far future, so tomorrow's ticket is not valid yet.
    expect(await journal(LAST_EPOCH_SECOND, 'journal-last')).toMatchObject({
      status: 200,
      body: { results: [{ scanId: 'journal-last', result: 'rejected', reason: 'not_yet_valid' }] },
    });
    const verdict = await bed.api.post('/v1/verify', { code: randomBytes(16).toString('hex'), gate: 'North', scanId: 'after-the-sweep' });
    expect(verdict).toMatchObject({ status: 200, body: { result: 'rejected', reason: 'unknown_code' } });
  });
});
