// Annulments at the verification server, as the booking server meets them: a
// real process, signed requests over loopback, once on SQLite and once on
// PostgreSQL. An admission undone lets the ticket in again; anything else that
// is not the ticket's current redemption is refused with why.
import { describe, expect, it } from 'vitest';
import type { AnnulResponse, CodesResponse } from '../../protocol/provider-api.js';
import type { Verdict } from '../../protocol/verdict.js';
import { BACKENDS } from '../common/testing/storage.js';
import { providerTestbed } from './testing/testbed.js';

const SECRET = 'annul-test-secret-0123456789abcdef';

describe.each(BACKENDS)('annulments on $backend', (each) => {
  const { run } = each;
  const bed = providerTestbed(each, 'provider-annul', SECRET);
  let orderSeq = 0;

  const buy = async (seat: string) => {
    const res = await bed.api.post<CodesResponse>('/v1/codes', {
      orderRef: `annul-order-${++orderSeq}`,
      showId: 'demo-1',
      seats: [seat],
      payment: { reference: `pay-${orderSeq}`, amountCents: 4500, currency: 'CNY' },
    });
    expect(res.status, res.text).toBe(201);
    return res.body.tickets[0]!;
  };
  const verify = (code: string, scanId: string, gate = 'Gate A') => bed.api.post<Verdict>('/v1/verify', { code, gate, scanId });
  const annul = (scanId: string, by = 'station st_test') => bed.api.post<AnnulResponse & { error?: string; why?: string }>('/v1/annulments', { scanId, by, reason: 'turnstile did not turn' });

  it.runIf(run)('an annulled admission lets the ticket in again; the annulled scan ID keeps its first verdict', async () => {
    const ticket = await buy('J1');
    expect((await verify(ticket.code, 'first')).body.result).toBe('admitted');
    expect((await verify(ticket.code, 'blocked')).body).toMatchObject({ result: 'rejected', reason: 'already_redeemed' });

    const undone = await annul('first');
    expect(undone.status, undone.text).toBe(200);
    expect(undone.body).toEqual({ scanId: 'first', ticketId: ticket.ticketId, annulledAt: expect.any(Number) });

    // A new scan admits it again, and that one holds the redemption now.
    const again = await verify(ticket.code, 'second', 'Gate B');
    expect(again.body).toMatchObject({ result: 'admitted', ticket: { ticketId: ticket.ticketId } });
    expect((await verify(ticket.code, 'third')).body).toMatchObject({ result: 'rejected', reason: 'already_redeemed', redeemedGate: 'Gate B' });
    // A retry of the annulled scan is the same scan: its first verdict, and it redeems nothing.
    expect((await verify(ticket.code, 'first')).body.result).toBe('admitted');
  });

  it.runIf(run)('annulling twice gives the same answer, also when the ticket was admitted again in between', async () => {
    const ticket = await buy('J2');
    await verify(ticket.code, 'twice-1');
    const first = await annul('twice-1');
    expect(first.status).toBe(200);
    expect(await annul('twice-1')).toMatchObject({ status: 200, body: first.body });
    await verify(ticket.code, 'twice-2');
    expect(await annul('twice-1')).toMatchObject({ status: 200, body: first.body });
    // …and the readmission stands: the repeat undid nothing.
    expect((await verify(ticket.code, 'twice-3')).body.reason).toBe('already_redeemed');
  });

  it.runIf(run)('refuses a scan it does not know and a rejected scan, changing nothing', async () => {
    expect(await annul('never-seen')).toMatchObject({ status: 409, body: { error: 'not_annullable', why: 'unknown_scan', message: expect.any(String) } });

    const ticket = await buy('J3');
    await verify(ticket.code, 'k3-in');
    expect((await verify(ticket.code, 'k3-denied')).body.reason).toBe('already_redeemed');
    expect(await annul('k3-denied')).toMatchObject({ status: 409, body: { error: 'not_annullable', why: 'rejected_scan' } });
    expect((await verify('d'.repeat(32), 'unknown-code')).body.reason).toBe('unknown_code');
    expect(await annul('unknown-code')).toMatchObject({ status: 409, body: { why: 'rejected_scan' } });

    // An offline admission refused as a conflict is a rejected scan too.
    const other = await buy('J4');
    await verify(other.code, 'k4-a');
    const stale = await bed.api.post<{ results: Verdict[] }>('/v1/redemptions', { redemptions: [{ code: other.code, gate: 'Gate C', scanId: 'k4-offline', at: Math.floor(Date.now() / 1000) }] });
    expect(stale.body.results[0]).toMatchObject({ result: 'rejected', reason: 'already_redeemed' });
    expect(await annul('k4-offline')).toMatchObject({ status: 409, body: { why: 'rejected_scan' } });
    expect((await verify(other.code, 'k4-b')).body.reason).toBe('already_redeemed');
    // k3-in is still its ticket's redemption: undoing it works, and nothing refused above changed anything.
    expect((await annul('k3-in')).status).toBe(200);
  });

  it.runIf(run)('a redemption and its annulment racing: the ticket ends redeemed by exactly the scans that stand', async () => {
    const ticket = await buy('J5');
    await verify(ticket.code, 'race-in');
    // The annulment and eight new scans at once: at most one new scan wins, and only after the annulment.
    const [undone, ...scans] = await Promise.all([annul('race-in'), ...Array.from({ length: 8 }, (_, i) => verify(ticket.code, `race-${i}`))]);
    expect(undone.status).toBe(200);
    expect(scans.filter((s) => s.body.result === 'admitted').length).toBeLessThanOrEqual(1);
    const after = await verify(ticket.code, 'race-after');
    expect(after.body.result === 'admitted').toBe(scans.every((s) => s.body.result !== 'admitted'));
  });

  it.runIf(run)('answers bad input with 400 and a reason, and unsigned requests with 401', async () => {
    for (const body of [{}, { scanId: '', by: 'x' }, { scanId: 'a', by: 'x', reason: 'r'.repeat(501) }, { scanId: 'a' }]) {
      const res = await bed.api.post('/v1/annulments', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ error: 'bad_request', message: expect.any(String) });
    }
    expect((await bed.api.post('/v1/annulments', { scanId: 'a', by: 'x' }, { signature: null })).status).toBe(401);
  });
});
