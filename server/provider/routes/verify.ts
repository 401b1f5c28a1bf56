// Verification: one scan online, and redemptions in bulk — the offline journal
// a station uploads once it can reach the server again, or the online scans a
// busy booking server sends together. All go through `redeem` (admission.ts),
// or on PostgreSQL a batch at a time through BatchAdmission (admission-batch.ts).
import { Counter } from 'prom-client';
import { z } from 'zod';
import { redemptionsRequest, redemptionsResponse, revokeResponse, verifyRequest } from '../../../protocol/provider-api.js';
import { verdictSchema, type BatchVerdict, type Verdict } from '../../../protocol/verdict.js';
import type { App } from '../../common/app.js';
import { conflict, HttpError, notFound } from '../../common/errors.js';
import { admissionQueries, redeem } from '../admission.js';
import { outcomeOf, type Outcome } from '../admission-batch.js';
import { inTransaction } from '../../common/prepared.js';
import { replayed } from '../signature-auth.js';
import type { ProviderContext } from '../context.js';

export async function verifyRoutes(app: App, ctx: ProviderContext): Promise<void> {
  const verdicts = new Counter({
    name: 'gatepost_provider_verdicts_total',
    help: 'verification verdicts by result and reason',
    labelNames: ['result', 'reason'] as const,
    registers: [app.metrics],
  });
  const queries = admissionQueries(ctx.db);
  const verdictCount = app.metricsBuffer.counter(verdicts);
  const count = (v: Verdict | BatchVerdict) => verdictCount(v.result, v.reason ?? '');

  app.post('/v1/verify', { attachValidation: true, schema: { tags: ['verify'], body: verifyRequest, response: { 200: verdictSchema } } }, async (req) => {
    if (req.validationError) {
      // Refused before the admission statement that would spend its nonce: spent here, so
      // that a replay to another process is refused as one, as a valid verify's would be.
      const nonce = req.unclaimedNonce;
      if (nonce && ctx.admission && !(await ctx.admission.nonces.claim(nonce.nonce, nonce.t))) throw replayed();
      throw req.validationError;
    }
    const r = { ...req.body, at: ctx.now() };
    const verdict = ctx.admission
      ? await ctx.admission.verifies.redeem(r, req.unclaimedNonce)
      : await ctx.writes.run((trx) => redeem(queries, inTransaction(ctx.sync, trx), r));
    count(verdict);
    return verdict;
  });

  app.post(
    '/v1/redemptions',
    { schema: { tags: ['verify'], body: redemptionsRequest, response: { 200: redemptionsResponse } } },
    async (req) => {
      const now = ctx.now();
      // A station's clock may run ahead; a redemption never counts as later than now.
      const items = req.body.redemptions.map((item) => ({ ...item, at: Math.min(item.at, now) }));
      const outcomes = ctx.admission
        ? await ctx.admission.batch.redeem(items)
        : await ctx.writes.run(async (trx) => {
            const out: Outcome[] = [];
            for (const item of items) out.push(await outcomeOf(redeem(queries, inTransaction(ctx.sync, trx), item)));
            return out;
          });
      const results = batchVerdicts(items, outcomes);
      results.forEach(count);
      // Debug, not info: this route also carries the online scans a busy booking server sends
      // together, and the booking server logs every station's journal upload itself.
      req.log.debug({ items: results.length, rejected: results.filter((r) => r.result === 'rejected').length }, 'redemptions recorded');
      return { results };
    },
  );

  // `?unused=true`: a cancellation, which must not take back a ticket already used at a
  // gate — refused with 409 ticket_used in the same write that would revoke it.
  app.post(
    '/v1/tickets/:ticketId/revoke',
    {
      schema: {
        tags: ['tickets'],
        params: z.object({ ticketId: z.string().min(1).max(100) }),
        querystring: z.object({ unused: z.enum(['true', 'false']).optional() }),
        response: { 200: revokeResponse },
      },
    },
    async (req) => {
      const { ticketId } = req.params;
      const unusedOnly = req.query.unused === 'true';
      const now = ctx.now();
      const revokedAt = await ctx.writes.run(async (trx) => {
        const ticket = await trx.selectFrom('tickets').select(['show_id', 'seat_id', 'order_ref', 'revoked_at', 'redeemed_at']).where('ticket_id', '=', ticketId).executeTakeFirst();
        if (!ticket) return undefined;
        if (ticket.revoked_at !== null) return Number(ticket.revoked_at);
        if (unusedOnly && ticket.redeemed_at !== null) return 'used' as const;
        // The read above is inside the write transaction: on SQLite nothing else writes meanwhile,
        // on PostgreSQL the conditions are in the update and a lost race is read as "used".
        let update = trx.updateTable('tickets').set({ revoked_at: now }).where('ticket_id', '=', ticketId).where('revoked_at', 'is', null);
        if (unusedOnly) update = update.where('redeemed_at', 'is', null);
        const changed = await update.executeTakeFirst();
        if (Number(changed.numUpdatedRows) !== 1) return unusedOnly ? ('used' as const) : now;
        // An unused seat goes back on sale.
        if (ticket.redeemed_at === null) {
          await trx
            .updateTable('seats')
            .set({ status: 'free', order_ref: null })
            .where('show_id', '=', ticket.show_id)
            .where('seat_id', '=', ticket.seat_id)
            .where('order_ref', '=', ticket.order_ref)
            .execute();
        }
        return now;
      });
      if (revokedAt === undefined) throw notFound('unknown_ticket', `no ticket ${ticketId}`);
      if (revokedAt === 'used') throw conflict('ticket_used', `ticket ${ticketId} was already used at a gate`);
      req.log.info({ ticketId }, 'ticket revoked');
      return { ticketId, revokedAt };
    },
  );
}

/** A batch's outcomes as the route answers them: `scan_id_conflict`, /v1/verify's 409, as that item's verdict (the others still count). */
function batchVerdicts(items: { scanId: string }[], outcomes: Outcome[]): BatchVerdict[] {
  return items.map((item, i) => {
    const o = outcomes[i]!;
    if (!(o instanceof HttpError)) return { scanId: item.scanId, ...o };
    if (o.reason !== 'scan_id_conflict') throw o;
    return { scanId: item.scanId, result: 'rejected', reason: 'scan_id_conflict' };
  });
}
