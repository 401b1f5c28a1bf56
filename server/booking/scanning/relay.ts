// The gate relay: what a station scanned, checked here first and only then
// passed to the station's provider.
//   1. parse: GP1 or a bare code, else `malformed`;
//   2. a signed GP1 must verify under a platform key (unknown or retired key: `bad_signature`);
//   3. a GP1 of another provider is `wrong_provider` — that provider is never asked;
//   4. the provider decides, within a hard timeout, else `provider_unavailable`: by
//      /v1/verify, or with the other scans of the same moment in one call (verify-coalescer.ts).
// Admissions are recorded here too, for the stations' offline bundles (admission-log.ts).
import { timingSafeEqual } from 'node:crypto';
import type { JournalRequest, ScanRequest } from '../../../protocol/booking-api.js';
import { itemVerdict, type BatchVerdict, type ScanVerdict, type Verdict } from '../../../protocol/verdict.js';
import { parseScanText, verifyDecoded, type DecodedGp1, type TicketInfo } from '../../../protocol/gp1.js';
import { batchByBytes } from '../../../protocol/limits.js';
import type { RedemptionsRequest } from '../../../protocol/provider-api.js';
import type { RejectionReason } from '../../../protocol/reasons.js';
import { conflict, HttpError } from '../../common/errors.js';
import type { StationIdentity } from '../auth.js';
import type { BookingContext } from '../context.js';
import { ProviderRefusal, ProviderUnavailable, type ProviderClient } from '../providers/provider-client.js';
import { AdmissionLog, type Admission } from './admission-log.js';
import { queries } from '../queries.js';
import type { GuessLimit } from '../../common/shared-rate-limit.js';
import { VerifyCoalescer } from './verify-coalescer.js';
import { ScanOutcomeLog } from './scan-outcomes.js';

/**
 * Rejections that count towards the guessing limit: things that are not tickets.
 * A real ticket turned away (already used, too early, expired, revoked, another
 * venue's) does not count: a crowd arriving before the doors open must not lock
 * the gate for everyone behind them.
 */
const GUESSES = new Set<RejectionReason>(['unknown_code', 'bad_signature', 'malformed']);

type Checked = { code: string } | ScanVerdict;

export class ScanService {
  private readonly admissions: AdmissionLog;
  /** every verdict and journal conflict, for the console's Live page (scan-outcomes.ts) */
  readonly outcomes: ScanOutcomeLog;
  private readonly coalescers = new WeakMap<ProviderClient, VerifyCoalescer>();

  constructor(
    private readonly ctx: BookingContext,
    /** in memory, or counted in PostgreSQL with a cache here (shared-rate-limit.ts): `blocked` costs no round trip */
    private readonly limiter: GuessLimit,
    /** one call per verdict answered, for metrics */
    private readonly counted?: (result: string, reason: string) => void,
  ) {
    this.admissions = new AdmissionLog(ctx.db, ctx.relaxedTransaction, ctx.now, ctx.log, ctx.sync);
    this.outcomes = new ScanOutcomeLog(ctx.relaxedTransaction, ctx.now, ctx.log);
  }

  async scan(station: StationIdentity, req: ScanRequest): Promise<ScanVerdict> {
    const { verdict, ticket } = await this.decide(station, req);
    this.counted?.(verdict.result, verdict.reason ?? '');
    this.outcomes.add({
      provider_id: station.providerId,
      show_id: ticket?.showId ?? null,
      gate: station.gate,
      station_id: station.stationId,
      at: this.ctx.now(),
      result: verdict.result,
      reason: verdict.reason ?? null,
      seat: ticket?.seat ?? null,
      scan_id: req.scanId,
      annulled_at: null,
    });
    return verdict;
  }

  /** The station's verdict, and the provider's record of the ticket when it named one (its show, for the Live page). */
  private async decide(station: StationIdentity, req: ScanRequest): Promise<{ verdict: ScanVerdict; ticket?: Verdict['ticket'] }> {
    if (this.limiter.blocked(station.stationId)) return { verdict: reject('rate_limited') };
    const checked = await this.check(station, req.payload);
    let verdict: ScanVerdict;
    let ticket: Verdict['ticket'];
    if ('result' in checked) {
      verdict = checked;
    } else {
      const client = await this.client(station);
      try {
        const answer = await this.coalescer(client).verify({ code: checked.code, gate: station.gate, scanId: providerScanId(station, req.scanId) });
        ticket = answer.ticket;
        verdict = forStation(answer);
      } catch (err) {
        verdict = this.relayFailure(err);
      }
      if (verdict.result === 'admitted') {
        this.admissions.add(station.providerId, station.gate, checked.code, this.ctx.now(), verdict.ticket?.validUntil ?? null, station.stationId, req.scanId);
      }
    }
    if (verdict.result === 'rejected' && GUESSES.has(verdict.reason!)) {
      // Only a counted rejection may wait on the database (PostgreSQL); an admitted scan never does.
      try {
        await this.limiter.record(station.stationId);
      } catch (err) {
        this.ctx.log.warn({ err: (err as Error).message }, 'could not count a rejected scan towards the station’s limit');
      }
    }
    return { verdict, ticket };
  }

  /** Offline redemptions a station uploads: checked like scans, then sent to the provider in as few calls as its body limit allows. */
  async journal(station: StationIdentity, items: JournalRequest['redemptions']): Promise<(ScanVerdict & { scanId: string })[]> {
    const results: (ScanVerdict & { scanId: string })[] = new Array(items.length);
    const forward: { index: number; code: string; scanId: string; at: number }[] = [];
    for (const [index, item] of items.entries()) {
      const checked = await this.check(station, item.payload ?? item.code!);
      if ('result' in checked) results[index] = { scanId: item.scanId, ...checked };
      else forward.push({ index, code: checked.code, scanId: item.scanId, at: item.at });
    }
    if (forward.length > 0) {
      const client = await this.client(station);
      const items = forward.map((f) => ({ code: f.code, gate: station.gate, scanId: providerScanId(station, f.scanId), at: f.at }));
      const verdicts = await this.relayRedemptions(client, items);
      const now = this.ctx.now();
      const admitted: Admission[] = [];
      forward.forEach((f, i) => {
        const v = verdicts[i];
        results[f.index] = { scanId: f.scanId, ...journalVerdict(v) };
        this.recordJournalItem(station, f, v);
        if (v?.result === 'admitted') {
          admitted.push({
            providerId: station.providerId,
            gate: station.gate,
            code: f.code,
            at: Math.min(f.at, now),
            validUntil: v.ticket?.validUntil ?? null,
            stationId: station.stationId,
            scanId: f.scanId,
          });
        }
      });
      this.admissions.addAll(admitted);
    }
    return results;
  }

  /**
   * Redemptions passed to the provider in batches that fit its body limit. A
   * batch it refuses as too large, or as a bad request, goes again in halves; a
   * single redemption it refuses is `malformed`, so one bad item never holds the
   * rest back. Once the provider stops answering, the items not yet sent have no
   * verdict: the station keeps them and sends them again (idempotent per scanId).
   */
  private async relayRedemptions(client: ProviderClient, items: RedemptionsRequest['redemptions']): Promise<(BatchVerdict | undefined)[]> {
    const verdicts: (BatchVerdict | undefined)[] = new Array(items.length);
    let offset = 0;
    const queue = batchByBytes(items, 'redemptions').map((batch) => batch.map((item) => ({ item, index: offset++ })));
    let answered = 0;
    for (let batch = queue.shift(); batch; batch = queue.shift()) {
      let answer;
      try {
        answer = await client.redemptions({ redemptions: batch.map((b) => b.item) });
      } catch (err) {
        if (err instanceof ProviderRefusal && (err.status === 413 || err.status === 400)) {
          this.ctx.log.warn({ providerId: err.providerId, status: err.status, reason: err.reason, items: batch.length }, 'provider refused a batch of redemptions');
          if (batch.length > 1) {
            const half = Math.ceil(batch.length / 2);
            queue.unshift(batch.slice(0, half), batch.slice(half));
          } else {
            verdicts[batch[0]!.index] = { scanId: batch[0]!.item.scanId, result: 'rejected', reason: 'malformed' };
            answered++;
          }
          continue;
        }
        if (!(err instanceof ProviderUnavailable) && !(err instanceof ProviderRefusal)) throw err;
        if (err instanceof ProviderRefusal) this.ctx.log.warn({ providerId: err.providerId, status: err.status, reason: err.reason }, 'provider refused the redemptions');
        // Nothing was lost: the station keeps its journal and uploads it again.
        if (answered === 0) throw new HttpError(503, 'provider_unavailable', 'the provider is not answering: upload the journal again later');
        break;
      }
      batch.forEach((b, i) => (verdicts[b.index] = answer.results[i]));
      answered += batch.length;
    }
    return verdicts;
  }

  /** The local checks: which code to ask the provider about, or the verdict without asking. */
  private async check(station: StationIdentity, text: string): Promise<Checked> {
    const parsed = parseScanText(text);
    if (parsed.kind === 'malformed') return reject('malformed');
    if (parsed.kind === 'code') return { code: parsed.code };
    const { decoded } = parsed;
    // A retired key is trusted nowhere, also not for a text this server once issued under it.
    if (decoded.signature && this.ctx.keys.isRetired(decoded.body.keyId)) return reject('bad_signature');
    // An unsigned GP1 is an online-only ticket: the provider's stored code is its only proof.
    if (decoded.signature && !(await this.issuedHere(decoded, text))) {
      let result = verifyDecoded(decoded, this.ctx.keys.lookup);
      if (!result.ok && result.reason === 'unknown_key' && (await this.ctx.keys.lookupFresh(decoded.body.keyId!))) {
        result = verifyDecoded(decoded, this.ctx.keys.lookup);
      }
      if (!result.ok) return reject('bad_signature');
    }
    if (decoded.body.providerId !== station.providerId) {
      // A genuine ticket for another venue: show the attendant what it is (only when its signature vouches for it).
      return reject('wrong_provider', decoded.signature ? infoTicket(decoded.body.info) : undefined);
    }
    return { code: decoded.body.code };
  }

  /**
   * Whether this exact text is a payload this server issued. Such a text was
   * signed here, so checking its signature again proves nothing new — and an
   * Ed25519 verify (~80–150 µs on a gate-server core) costs far more than asking
   * the digests in memory (issued-payloads.ts), or else the database (tickets
   * issued by another process, or before this one started and not loaded).
   * Anything else (another process's keys, an altered byte) takes the full
   * signature check.
   */
  private async issuedHere(decoded: DecodedGp1, text: string): Promise<boolean> {
    const scanned = text.trim();
    if (this.ctx.issued.has(scanned)) return true;
    const { providerId, code } = decoded.body;
    if (typeof providerId !== 'string' || typeof code !== 'string') return false;
    // On SQLite, straight on the connection: a row of a batch not yet committed
    // holds a text signed here all the same.
    const row = (await queries(this.ctx.db).issuedPayload(this.ctx.sync ?? this.ctx.db, { providerId, code })).rows[0];
    if (!row) return false;
    const issued = Buffer.from(row.payload);
    const bytes = Buffer.from(scanned);
    return issued.length === bytes.length && timingSafeEqual(issued, bytes);
  }

  /** One per provider client (a re-registered provider gets a new client, and so a new one). */
  private coalescer(client: ProviderClient): VerifyCoalescer {
    let c = this.coalescers.get(client);
    if (!c) this.coalescers.set(client, (c = new VerifyCoalescer(client, this.ctx.now)));
    return c;
  }

  private async client(station: StationIdentity): Promise<ProviderClient> {
    const client = await this.ctx.providers.get(station.providerId);
    if (!client) throw new HttpError(403, 'unknown_provider', `provider ${station.providerId} is no longer registered`);
    return client;
  }

  private relayFailure(err: unknown): ScanVerdict {
    if (err instanceof ProviderRefusal && err.reason === 'scan_id_conflict') {
      throw conflict('scan_id_conflict', 'this scanId was already used at this station for another code');
    }
    if (err instanceof ProviderUnavailable) return reject('provider_unavailable');
    if (err instanceof ProviderRefusal) {
      this.ctx.log.warn({ providerId: err.providerId, status: err.status, reason: err.reason }, 'provider refused a verify request');
      return reject('provider_unavailable');
    }
    throw err;
  }

  /** Admissions this process answered, in the database: the offline bundle and the ticket search read them. */
  async flushAdmissions(): Promise<void> {
    await this.admissions.flush();
  }

  /** Admissions and the Live page's scan outcomes, in the database: an annulment finds the admission and strikes its outcome. */
  async flushForAnnulment(): Promise<void> {
    await Promise.all([this.admissions.flush(), this.outcomes.flush()]);
  }

  /** An uploaded offline admission for the Live page: counted when the provider took it, a conflict when the ticket had been used already. */
  private recordJournalItem(station: StationIdentity, item: { scanId: string; at: number }, v: BatchVerdict | undefined): void {
    const at = Math.min(item.at, this.ctx.now());
    if (v?.result === 'admitted') {
      this.outcomes.add({ provider_id: station.providerId, show_id: v.ticket?.showId ?? null, gate: station.gate, station_id: station.stationId, at, result: 'admitted', reason: null, seat: v.ticket?.seat ?? null, scan_id: item.scanId, annulled_at: null });
    } else if (v?.reason === 'already_redeemed') {
      this.outcomes.addConflict({
        provider_id: station.providerId,
        show_id: v.ticket?.showId ?? null,
        ticket_id: v.ticket?.ticketId ?? null,
        seat: v.ticket?.seat ?? null,
        gate: station.gate,
        at,
        first_gate: v.redeemedGate ?? null,
        first_at: v.redeemedAt ?? null,
        stationId: station.stationId,
        scanId: item.scanId,
      });
    }
  }
}

/** Scan IDs are per station: prefixed, two stations' IDs never collide at the provider. */
export function providerScanId(station: Pick<StationIdentity, 'stationId'>, scanId: string): string {
  return `${station.stationId}/${scanId}`;
}

function reject(reason: RejectionReason, ticket?: ScanVerdict['ticket']): ScanVerdict {
  return ticket ? { result: 'rejected', reason, ticket } : { result: 'rejected', reason };
}

/** The provider's verdict as a station gets it: the ticket without the provider's own IDs. */
function forStation(v: Verdict): ScanVerdict {
  if (!v.ticket) return v;
  const { ticketId: _ticketId, showId: _showId, seatId: _seatId, ...ticket } = v.ticket;
  return { ...v, ticket };
}

/**
 * A journal item's verdict for the station (undefined: the provider did not get
 * to it). `scan_id_conflict` is no reason a station knows (reasons.ts): the
 * offline admission is refused as `malformed`, as stations have always been told.
 */
function journalVerdict(v: BatchVerdict | undefined): ScanVerdict {
  if (!v) return reject('provider_unavailable');
  const verdict = itemVerdict(v);
  return verdict ? forStation(verdict) : reject('malformed');
}

function infoTicket(info: TicketInfo | undefined): ScanVerdict['ticket'] {
  if (!info || info.title === undefined || info.startsAt === undefined) return undefined;
  return { title: info.title, venue: info.venue ?? '', hall: info.hall ?? '', seat: info.seat ?? '', startsAt: info.startsAt };
}
