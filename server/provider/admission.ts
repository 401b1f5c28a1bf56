// The whole admission decision, in one place. A code is redeemed by one
// conditional write — it succeeds only for a known, unrevoked, unredeemed
// ticket inside its validity window — and never by reading first and writing
// after. When the write changes nothing, the ticket is read to name why.
// Every verdict is stored under its scan ID, so a retried scan gets the verdict
// it got the first time, not an "already redeemed" for its own redemption: the
// write also requires that the scan ID has no verdict yet, so the common case —
// a new scan of a valid ticket — is two statements, the write and its verdict.
import type { Kysely } from 'kysely';
import type { Verdict, VerdictTicket } from '../../protocol/verdict.js';
import type { RejectionReason } from '../../protocol/reasons.js';
import { conflict } from '../common/errors.js';
import { TICKET_INFO_COLUMNS, ticketInfo } from '../common/ticket-info.js';
import { prepare, type Executor } from '../common/prepared.js';
import type { ProviderDB, TicketsTable } from './schema.js';

export interface Redemption {
  code: string;
  gate: string;
  scanId: string;
  /** when the holder went through: now for online scans, the station's time for offline ones */
  at: number;
}

export const TICKET_COLUMNS = ['ticket_id', ...TICKET_INFO_COLUMNS, 'revoked_at', 'redeemed_at', 'redeemed_gate'] as const;
export type TicketRow = Pick<TicketsTable, (typeof TICKET_COLUMNS)[number]>;

/** The queries of one verify, built once per database (see prepared.ts). */
export function admissionQueries(db: Kysely<ProviderDB>) {
  return {
    priorScan: prepare(db, (p: { scanId: string }) => db.selectFrom('scans').select(['code', 'verdict']).where('scan_id', '=', p.scanId)),
    // The redemption itself: every admission condition in the WHERE clause,
    // including that this scan ID has no verdict yet (a retry gets its first one).
    redeem: prepare(db, (p: Redemption) =>
      db
        .updateTable('tickets')
        .set({ redeemed_at: p.at, redeemed_gate: p.gate, redeemed_scan_id: p.scanId })
        .where('code', '=', p.code)
        .where('redeemed_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('valid_from', '<=', p.at)
        .where('valid_until', '>=', p.at)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('scans').select('scans.scan_id').where('scans.scan_id', '=', p.scanId))))
        .returning(TICKET_COLUMNS),
    ),
    ticket: prepare(db, (p: { code: string }) => db.selectFrom('tickets').select(TICKET_COLUMNS).where('code', '=', p.code)),
    storeVerdict: prepare(db, (p: { scanId: string; code: string; verdict: string; at: number }) =>
      db
        .insertInto('scans')
        .values({ scan_id: p.scanId, code: p.code, verdict: p.verdict, at: p.at })
        .onConflict((oc) => oc.column('scan_id').doNothing()),
    ),
  };
}
export type AdmissionQueries = ReturnType<typeof admissionQueries>;

/** Redeems one code inside the caller's write transaction (`ex`: a Kysely transaction, or a SQLite connection in one). */
export async function redeem(q: AdmissionQueries, ex: Executor, r: Redemption): Promise<Verdict> {
  const won = (await q.redeem(ex, r)).rows[0];
  let verdict: Verdict;
  if (won) {
    verdict = { result: 'admitted', ticket: verdictTicket(won) };
  } else {
    const prior = (await q.priorScan(ex, r)).rows[0];
    if (prior) return priorVerdict(q, ex, prior, r);
    const row = (await q.ticket(ex, r)).rows[0];
    verdict = rejection(row, r.at);
  }

  // Counted, not RETURNING: SQLite buffers RETURNING rows in a temporary table.
  const stored = (await q.storeVerdict(ex, { scanId: r.scanId, code: r.code, verdict: storedVerdict(verdict), at: r.at })).numAffectedRows;
  if (stored !== 1n) {
    // Another process stored this scan ID between our read and our insert.
    const first = (await q.priorScan(ex, r)).rows[0]!;
    return priorVerdict(q, ex, first, r);
  }
  return verdict;
}

/**
 * A verdict as stored under its scan ID: without the ticket details (they
 * never change, and are read back on a retry), so a small row keeps the
 * write-ahead log, and so each commit, small.
 */
export function storedVerdict(verdict: Verdict): string {
  const { ticket: _ticket, ...compact } = verdict;
  return JSON.stringify(compact);
}

/** Why a ticket that the conditional write did not redeem is turned away. */
export function rejection(row: TicketRow | undefined, at: number): Verdict {
  if (!row) return reject('unknown_code');
  const ticket = verdictTicket(row);
  if (row.revoked_at !== null) return reject('revoked', ticket);
  if (row.redeemed_at !== null) {
    return { ...reject('already_redeemed', ticket), redeemedAt: Number(row.redeemed_at), redeemedGate: row.redeemed_gate ?? '' };
  }
  if (at < Number(row.valid_from)) return reject('not_yet_valid', ticket);
  if (at > Number(row.valid_until)) return reject('expired', ticket);
  // The write lost a race to a redemption that has since been undone; never admit on a read.
  return reject('already_redeemed', ticket);
}

function reject(reason: RejectionReason, ticket?: VerdictTicket): Verdict {
  return ticket ? { result: 'rejected', reason, ticket } : { result: 'rejected', reason };
}

export interface PriorScan {
  code: string;
  verdict: string;
}

async function priorVerdict(q: AdmissionQueries, ex: Executor, prior: PriorScan, r: Redemption): Promise<Verdict> {
  const verdict = retriedVerdict(prior, r);
  if (verdict.reason === 'unknown_code') return verdict;
  return withTicket(verdict, (await q.ticket(ex, r)).rows[0]);
}

/** A retried scan gets the verdict first stored under its scan ID — unless that was for another code. */
export function retriedVerdict(prior: PriorScan, r: Pick<Redemption, 'code'>): Verdict {
  if (prior.code !== r.code) throw conflict('scan_id_conflict', 'this scan ID was already used for another code');
  return JSON.parse(prior.verdict) as Verdict;
}

/** A stored verdict with its ticket's details read back (an unknown code has none). */
export function withTicket(verdict: Verdict, row: TicketRow | undefined): Verdict {
  if (verdict.reason === 'unknown_code') return verdict;
  return row ? { ...verdict, ticket: verdictTicket(row) } : verdict;
}

export function verdictTicket(row: TicketRow): VerdictTicket {
  return {
    ticketId: row.ticket_id,
    showId: row.show_id,
    seatId: row.seat_id,
    ...ticketInfo(row),
  };
}
