// PostgreSQL: the redemptions of one batch — the verifies of one event-loop
// turn, or the items of one POST /v1/redemptions — decided as admission.ts
// decides them one by one, in order, in a few statements instead of two round
// trips per item. SQLite keeps admission.ts's path: there a statement is an
// in-process call, not a round trip.
//
// 1. One statement redeems the winners and stores their verdicts. A winner is
//    the first item of its code (in batch order) whose scan ID is new — not
//    used by an earlier item, no verdict stored — and whose ticket passes every
//    admission condition at its time. The UPDATE repeats every condition, so a
//    ticket another process redeemed meanwhile is not redeemed twice: it is
//    re-checked on the row's latest version. The scan ID is checked once, in
//    the candidates: every part of the statement sees one snapshot, so a
//    second look could see nothing new, and it let the planner pick a scan of
//    the whole verdict table per item once that table had been analyzed while
//    small. The statement is atomic; if a winner's verdict insert collides
//    with another process's (the scan ID was stored after this statement's
//    snapshot), it fails as a whole and the batch goes item by item through
//    `redeem()`.
// 2. Only when some item did not win: one read of the stored verdicts and the
//    tickets of all the others, and the rejections named by `rejection()`
//    exactly as `redeem()` names them, walking the batch in order — an item
//    sees the redemptions and verdicts of the items before it, not after.
// 3. One insert of those rejection verdicts (ON CONFLICT DO NOTHING). A scan ID
//    another process stored between 2 and 3 goes through `redeem()` again.
//
// On /v1/verify the statement of 1. also claims the requests' nonces in the
// shared window (shared-nonces.ts) before anything else: an item whose nonce
// is already there is a replay, answered 401 and left out as if it had not
// come. Nonce and redemption commit together, so a verify on PostgreSQL is one
// round trip and one commit when every item wins. Should the statement fail
// as a whole, the nonces are claimed on their own and the items go one by one.
import { CompiledQuery, type Kysely } from 'kysely';
import pg from 'pg';
import type { Verdict } from '../../protocol/verdict.js';
import { HttpError } from '../common/errors.js';
import { TurnBatches } from '../common/turn-batches.js';
import {
  TICKET_COLUMNS,
  admissionQueries,
  redeem,
  rejection,
  retriedVerdict,
  storedVerdict,
  verdictTicket,
  withTicket,
  type AdmissionQueries,
  type PriorScan,
  type Redemption,
  type TicketRow,
} from './admission.js';
import type { ProviderDB } from './schema.js';
import type { SharedNonces } from './shared-nonces.js';
import { replayed } from './signature-auth.js';

/** An item's verdict, or the 409 `/v1/verify` answers (`scan_id_conflict`), which a batch reports per item. */
export type Outcome = Verdict | HttpError;

const ADMITTED: Verdict = { result: 'admitted' };
const columns = (table: string) => TICKET_COLUMNS.map((c) => `${table}.${c}`).join(', ');

// Nonces are inserted in key order, (bucket, nonce), as shared-nonces.ts does, so two statements holding the same ones wait in one order.
const WIN = `
with input as (
  select * from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $6::text[], $7::bigint[]) with ordinality as i(code, gate, scan_id, at, nonce, bucket, ord)
),
claimed as (
  insert into nonces (bucket, nonce)
  select bucket, decode(nonce, 'hex') from input where nonce is not null order by bucket, nonce
  on conflict do nothing
  returning encode(nonce, 'hex') as nonce
),
fresh as (
  select * from input i where i.nonce is null or i.nonce in (select nonce from claimed)
),
candidate as (
  select distinct on (i.code) i.ord, i.code, i.gate, i.scan_id, i.at
  from fresh i join tickets t on t.code = i.code
  where t.redeemed_at is null and t.revoked_at is null and t.valid_from <= i.at and t.valid_until >= i.at
    and not exists (select 1 from fresh e where e.scan_id = i.scan_id and e.ord < i.ord)
    and not exists (select 1 from scans s where s.scan_id = i.scan_id)
  order by i.code, i.ord
),
won as (
  update tickets t set redeemed_at = c.at, redeemed_gate = c.gate, redeemed_scan_id = c.scan_id
  from candidate c
  where t.code = c.code and t.redeemed_at is null and t.revoked_at is null and t.valid_from <= c.at and t.valid_until >= c.at
  returning c.ord, c.scan_id, c.code, c.at, ${columns('t')}
),
stored as (
  insert into scans (scan_id, code, verdict, at)
  select scan_id, code, $5, at from won order by scan_id
)
-- The replays' positions once, not the claimed nonces on every row: a batch's answer stays linear in its size.
select w.*, f.replayed from (
  select array_agg(i.ord::int) as replayed from input i where i.nonce is not null and i.nonce not in (select nonce from claimed)
) f left join won w on true`;

const READ = `
select i.ord, s.code as prior_code, s.verdict as prior_verdict, ${columns('t')}
from unnest($1::text[], $2::text[]) with ordinality as i(code, scan_id, ord)
left join scans s on s.scan_id = i.scan_id
left join tickets t on t.code = i.code`;

// In scan ID order, as the winners' insert: two batches then wait on each other in one order only.
const STORE = `
insert into scans (scan_id, code, verdict, at)
select * from unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) as v(scan_id, code, verdict, at) order by scan_id
on conflict (scan_id) do nothing
returning scan_id`;

/**
 * Why the winners' statement may fail as a whole, to be decided item by item
 * instead: a winner's scan ID stored by another process after the statement's
 * snapshot (unique_violation), or two batches locking the same tickets in
 * opposite orders (deadlock_detected).
 */
const RETRY_ALONE = new Set(['23505', '40P01']);

type Won = TicketRow & { ord: number | null; replayed: number[] | null };
type Read = { ord: number; prior_code: string | null; prior_verdict: string | null } & { [K in keyof TicketRow]: TicketRow[K] | null };

/** A signed request's nonce not yet claimed in the shared window (signature-auth.ts). */
export interface UnclaimedNonce {
  nonce: string;
  t: number;
}

/**
 * The connections the winners' statement goes by name on. A named statement is
 * planned once for its connection and that plan is kept: one made while the
 * verdict table looked empty (a new database, or one analyzed early) looked up
 * scan IDs by reading the whole table, and kept doing so as it grew, until the
 * next analyze. Every part of the statement is a look-up by key, so these
 * connections rule out sequential scans.
 */
export function admissionPool(databaseUrl: string, onConnectionLost: (err: Error) => void): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4, options: '-c enable_seqscan=off' });
  // Without a listener, node-postgres throws a lost idle connection as an uncaught exception.
  pool.on('error', onConnectionLost);
  return pool;
}

export class BatchAdmission {
  private readonly queries: AdmissionQueries;

  /** `nonces`: the shared window, where the nonces given to `redeem()` are claimed when its statement cannot. */
  constructor(
    private readonly db: Kysely<ProviderDB>,
    private readonly nonces?: SharedNonces,
    /** when given, the winners' statement goes by name: a plan per connection, not per batch (see admissionPool) */
    private readonly pool?: pg.Pool,
  ) {
    this.queries = admissionQueries(db);
  }

  /**
   * Decides `items` in order, as `redeem()` would one after the other; one outcome per item.
   * `nonces[i]`, when given, is claimed first: if another request had it, item i is a replay (401).
   */
  async redeem(items: Redemption[], nonces: (UnclaimedNonce | undefined)[] = []): Promise<Outcome[]> {
    let won: Map<number, TicketRow>;
    let fresh: boolean[];
    try {
      ({ won, fresh } = await this.win(items, nonces));
    } catch (err) {
      if (!RETRY_ALONE.has((err as { code?: string }).code ?? '')) throw err;
      fresh = await this.claimAlone(nonces, items.length);
      return this.withReplays(fresh, items, (kept) => this.oneByOne(kept));
    }
    return this.withReplays(fresh, items, (kept) => {
      // Winners' indexes among the items kept.
      const keptWon = new Map<number, TicketRow>();
      let k = 0;
      items.forEach((_, i) => {
        if (!fresh[i]) return;
        const row = won.get(i);
        if (row) keptWon.set(k, row);
        k++;
      });
      return this.rest(kept, keptWon);
    });
  }

  /** Runs `decide` on the items whose nonce was fresh; the others are answered as replays. */
  private async withReplays(fresh: boolean[], items: Redemption[], decide: (kept: Redemption[]) => Promise<Outcome[]>): Promise<Outcome[]> {
    if (fresh.every(Boolean)) return decide(items);
    const decided = await decide(items.filter((_, i) => fresh[i]));
    let k = 0;
    return items.map((_, i) => (fresh[i] ? decided[k++]! : replayed()));
  }

  /** The items that did not win: their verdicts, read and stored (steps 2 and 3). */
  private async rest(items: Redemption[], won: Map<number, TicketRow>): Promise<Outcome[]> {
    // Each loser's verdict is set below.
    const out: Outcome[] = items.map((_, i) => (won.has(i) ? { ...ADMITTED, ticket: verdictTicket(won.get(i)!) } : ADMITTED));
    const losers = items.flatMap((_, i) => (won.has(i) ? [] : [i]));
    if (losers.length === 0) return out;

    const read = await this.read(losers.map((i) => items[i]!));
    const winnerOf = new Map<string, number>();
    for (const i of won.keys()) winnerOf.set(items[i]!.code, i);
    // The first verdict of each scan ID as the walk goes: stored before the batch, or given to an earlier item.
    const first = new Map<string, PriorScan>();
    const store: number[] = [];
    const readOf = new Map(losers.map((i, k) => [i, read[k]!]));
    items.forEach((r, i) => {
      const seen = readOf.get(i);
      if (!seen) {
        first.set(r.scanId, { code: r.code, verdict: storedVerdict(ADMITTED) });
        return;
      }
      let row: TicketRow | undefined = seen.ticket_id === null ? undefined : (seen as TicketRow);
      // A later item's redemption had not happened yet when this one was decided.
      const winner = winnerOf.get(r.code);
      if (row && winner !== undefined && winner > i) row = { ...row, redeemed_at: null, redeemed_gate: null };
      const prior = first.get(r.scanId) ?? (seen.prior_code === null ? undefined : { code: seen.prior_code, verdict: seen.prior_verdict! });
      if (prior) {
        try {
          out[i] = withTicket(retriedVerdict(prior, r), row);
        } catch (err) {
          out[i] = asOutcome(err);
        }
        return;
      }
      const verdict = rejection(row, r.at);
      out[i] = verdict;
      first.set(r.scanId, { code: r.code, verdict: storedVerdict(verdict) });
      store.push(i);
    });
    if (store.length === 0) return out;

    const stored = await this.store(store.map((i) => ({ r: items[i]!, verdict: storedVerdict(out[i] as Verdict) })));
    const lost = new Set(store.filter((i) => !stored.has(items[i]!.scanId)).map((i) => items[i]!.scanId));
    if (lost.size > 0) {
      // Another process stored one of these scan IDs first: its verdict is the one to give.
      for (const i of losers) if (lost.has(items[i]!.scanId)) out[i] = await this.alone(items[i]!);
    }
    return out;
  }

  /** Step 1: the winners by index, and per item whether its nonce was fresh (or none was given). */
  private async win(items: Redemption[], nonces: (UnclaimedNonce | undefined)[]): Promise<{ won: Map<number, TicketRow>; fresh: boolean[] }> {
    const given = items.map((_, i) => nonces[i]);
    const params = [
      items.map((r) => r.code),
      items.map((r) => r.gate),
      items.map((r) => r.scanId),
      items.map((r) => r.at),
      storedVerdict(ADMITTED),
      given.map((n) => n?.nonce ?? null),
      given.map((n) => (n ? this.window().bucketOf(n.t) : null)),
    ];
    // By name: PostgreSQL parses and plans this statement once per connection, not once per batch.
    const { rows } = this.pool ? await this.pool.query<Won>({ name: 'gatepost_verify_win', text: WIN, values: params }) : await this.db.executeQuery<Won>(CompiledQuery.raw(WIN, params));
    const replayed = new Set(rows[0]?.replayed ?? []);
    const won = new Map(rows.filter((row) => row.ord !== null).map((row) => [Number(row.ord) - 1, row as TicketRow]));
    return { won, fresh: given.map((_, i) => !replayed.has(i + 1)) };
  }

  /** The nonces claimed in their own statement, when the admission statement failed: per item, whether it was fresh. */
  private claimAlone(nonces: (UnclaimedNonce | undefined)[], count: number): Promise<boolean[]> {
    return Promise.all(Array.from({ length: count }, (_, i) => (nonces[i] ? this.window().claim(nonces[i].nonce, nonces[i].t) : true)));
  }

  private window(): SharedNonces {
    if (!this.nonces) throw new Error('nonces given to a batch admission without the shared window');
    return this.nonces;
  }

  /** Per item in `items`' order: its scan ID's stored verdict, and its code's ticket. */
  private async read(items: Redemption[]): Promise<Read[]> {
    const { rows } = await this.db.executeQuery<Read>(CompiledQuery.raw(READ, [items.map((r) => r.code), items.map((r) => r.scanId)]));
    const byOrd: Read[] = [];
    for (const row of rows) byOrd[Number(row.ord) - 1] = row;
    return byOrd;
  }

  /** Inserts the verdicts; returns the scan IDs stored (a missing one was stored by another process first). */
  private async store(verdicts: { r: Redemption; verdict: string }[]): Promise<Set<string>> {
    const { rows } = await this.db.executeQuery<{ scan_id: string }>(
      CompiledQuery.raw(STORE, [verdicts.map((v) => v.r.scanId), verdicts.map((v) => v.r.code), verdicts.map((v) => v.verdict), verdicts.map((v) => v.r.at)]),
    );
    return new Set(rows.map((row) => row.scan_id));
  }

  private async oneByOne(items: Redemption[]): Promise<Outcome[]> {
    const out: Outcome[] = [];
    for (const r of items) out.push(await this.alone(r));
    return out;
  }

  /** admission.ts's path for one item, in a transaction of its own. */
  private alone(r: Redemption): Promise<Outcome> {
    return outcomeOf(this.db.transaction().execute((trx) => redeem(this.queries, trx, r)));
  }
}

/** `redeem()`'s verdict, or its `scan_id_conflict` as a value; any other error still rejects. */
export function outcomeOf(verdict: Promise<Verdict>): Promise<Outcome> {
  return verdict.catch(asOutcome);
}

function asOutcome(err: unknown): Outcome {
  if (err instanceof HttpError && err.reason === 'scan_id_conflict') return err;
  throw err;
}

interface Waiter {
  r: Redemption;
  nonce: UnclaimedNonce | undefined;
  resolve(v: Verdict): void;
  reject(err: unknown): void;
}

/**
 * `/v1/verify` on PostgreSQL: the verifies of one event-loop turn, decided
 * together by one BatchAdmission; two batches in flight at once, each on its
 * own pool connection. Two, not the group commit's eight: while they wait,
 * the next verifies gather into larger batches, and a larger batch costs the
 * provider and the database less per verify than more statements at once.
 */
export class VerifyBatches {
  private readonly batches: TurnBatches<Waiter>;
  /** sizes of the batches decided, for metrics */
  onBatch?: (size: number) => void;

  constructor(
    private readonly admission: BatchAdmission,
    concurrency = 2,
    maxBatch = 256,
  ) {
    this.batches = new TurnBatches((batch) => this.decide(batch), concurrency, maxBatch);
  }

  /**
   * The verdict of one scan; rejects with the 409 `scan_id_conflict` as `redeem()` throws it,
   * or with the 401 `signature_replayed` when `nonce` is given and another request had it.
   */
  redeem(r: Redemption, nonce?: UnclaimedNonce): Promise<Verdict> {
    return new Promise<Verdict>((resolve, reject) => this.batches.add({ r, nonce, resolve, reject }));
  }

  private async decide(batch: Waiter[]): Promise<void> {
    this.onBatch?.(batch.length);
    try {
      const outcomes = await this.admission.redeem(
        batch.map((w) => w.r),
        batch.map((w) => w.nonce),
      );
      batch.forEach((w, i) => {
        const o = outcomes[i]!;
        if (o instanceof HttpError) w.reject(o);
        else w.resolve(o);
      });
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }
}
