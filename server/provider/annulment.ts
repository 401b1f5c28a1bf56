// The whole annulment decision, in one place: an admission that did not result
// in a passage (the turnstile did not turn) is undone, so the ticket can be
// scanned again. Like a redemption, the undoing is one conditional write — the
// ticket's redemption is cleared only while it is still this scan's
// (`redeemed_scan_id = scanId`) — never a read then a write. When the write
// changes nothing, the scan is read to name why. Each annulment is recorded,
// and a repeat of it (a retried request) gets the answer the first one got.
//
// The scan's stored verdict stays as it was: a retry of that scan ID still gets
// "admitted", its first verdict, and redeems nothing. That is deliberate. A
// retry of a scan is the same scan asked again because its answer was lost; it
// is not a person at the gate. Re-redeeming on it would turn a late network
// retry into a fresh redemption that nobody walked through, and the holder
// would be turned away at their real second try. A new passage is a new scan,
// with a new scan ID, which the conditional redeem (admission.ts) admits.
import type { Kysely, Transaction } from 'kysely';
import type { AnnulRequest, AnnulResponse, NotAnnullableWhy } from '../../protocol/provider-api.js';
import type { ProviderDB } from './schema.js';

type Executor = Transaction<ProviderDB> | Kysely<ProviderDB>;
export type AnnulOutcome = { annulled: AnnulResponse } | { refused: NotAnnullableWhy; message: string };

/** Annuls one admission inside the caller's write transaction. */
export async function annul(trx: Executor, r: AnnulRequest, now: number): Promise<AnnulOutcome> {
  // A repeat of an annulment: the answer it got the first time.
  const prior = await priorAnnulment(trx, r.scanId);
  if (prior) return prior;

  // The undoing itself: only while the ticket is still redeemed by this very scan.
  const cleared = await trx
    .updateTable('tickets')
    .set({ redeemed_at: null, redeemed_gate: null, redeemed_scan_id: null })
    .where('redeemed_scan_id', '=', r.scanId)
    .where('code', '=', (eb) => eb.selectFrom('scans').select('scans.code').where('scans.scan_id', '=', r.scanId))
    .returning(['ticket_id', 'code'])
    .executeTakeFirst();
  if (cleared) {
    await trx
      .insertInto('annulments')
      .values({ scan_id: r.scanId, ticket_id: cleared.ticket_id, code: cleared.code, annulled_by: r.by, reason: r.reason ?? null, annulled_at: now })
      .execute();
    return { annulled: { scanId: r.scanId, ticketId: cleared.ticket_id, annulledAt: now } };
  }
  return refusal(trx, r.scanId);
}

/** Why an annulment the conditional write did not make is refused. */
async function refusal(trx: Executor, scanId: string): Promise<AnnulOutcome> {
  // The same annulment, committed by a concurrent request while this one waited on the ticket's row.
  const concurrent = await priorAnnulment(trx, scanId);
  if (concurrent) return concurrent;
  const scan = await trx.selectFrom('scans').select(['verdict']).where('scan_id', '=', scanId).executeTakeFirst();
  if (!scan) return refuse('unknown_scan', `no scan ${scanId} was verified here`);
  if ((JSON.parse(scan.verdict) as { result?: string }).result !== 'admitted') return refuse('rejected_scan', `scan ${scanId} was not admitted: there is nothing to undo`);
  // Admitted, but its redemption is no longer this scan's: a later scan holds it (after
  // an annulment by another request, or the ticket was redeemed again since).
  return refuse('redeemed_by_another_scan', `the ticket of scan ${scanId} is no longer redeemed by it`);
}

async function priorAnnulment(trx: Executor, scanId: string): Promise<AnnulOutcome | undefined> {
  const row = await trx.selectFrom('annulments').select(['ticket_id', 'annulled_at']).where('scan_id', '=', scanId).executeTakeFirst();
  return row && { annulled: { scanId, ticketId: row.ticket_id, annulledAt: Number(row.annulled_at) } };
}

function refuse(why: NotAnnullableWhy, message: string): AnnulOutcome {
  return { refused: why, message };
}
