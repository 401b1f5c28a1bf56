// Annulling an admission whose holder did not pass (the turnstile did not
// turn), so the ticket can be scanned again. The booking server checks who
// may annul which scan and for how long — a station its own scans for
// STATION_WINDOW_S, staff any scan for STAFF_WINDOW_S — from its record of the
// admissions it relayed (admission-log.ts); the provider undoes the redemption
// and is the truth; then the offline bundles learn it (station-events.ts).
// A repeated annulment gets the first one's answer, at any time.
import type { AnnulmentResponse } from '../../../protocol/booking-api.js';
import { conflict, HttpError, notFound } from '../../common/errors.js';
import type { StationIdentity } from '../auth.js';
import type { BookingContext } from '../context.js';
import { ProviderRefusal, ProviderUnavailable, providerError } from '../providers/provider-client.js';
import { providerScanId } from '../scanning/relay.js';
import { addCounts } from '../scanning/scan-counts.js';
import { recordAnnulled } from '../scanning/station-events.js';

/** A station may undo its own admission this long after it (s): the time to see that the holder did not pass. */
export const STATION_WINDOW_S = 30;
/** Staff may undo any admission this long after it (s), from the console. */
export const STAFF_WINDOW_S = 10 * 60;

/** One scan to annul: the station that made it and the scan ID it gave it. */
interface Target {
  providerId: string;
  stationId: string;
  scanId: string;
}

export class AnnulService {
  constructor(
    private readonly ctx: Pick<BookingContext, 'db' | 'writes' | 'now' | 'providers' | 'log'>,
    /** commits the admissions and scan outcomes this process has answered, so a scan just admitted is found and struck */
    private readonly flushScans: () => Promise<void>,
  ) {}

  /** A station undoes one of its own admissions. */
  async byStation(station: StationIdentity, scanId: string): Promise<AnnulmentResponse> {
    const target = { providerId: station.providerId, stationId: station.stationId, scanId };
    const prior = await this.prior(target);
    if (prior) return prior;
    await this.flushScans();
    const rows = await this.admissions(station.providerId, scanId);
    const own = rows.find((r) => r.station_id === station.stationId);
    if (!own) {
      if (rows.length > 0) throw new HttpError(403, 'not_your_scan', 'this scan was made at another station: staff can annul it from the console');
      throw conflict('not_annullable', `no admission with scan ID ${scanId} at this station (not admitted, or already undone)`);
    }
    return this.annul(target, own, STATION_WINDOW_S, `station ${station.stationId}`);
  }

  /** Staff undo any station's admission; `fullId` is `<stationId>/<scanId>`. */
  /** `allowed` refuses (throws) a provider the staff member may not act on; `by` names them to the provider. */
  async byStaff(fullId: string, allowed: (providerId: string) => void = () => undefined, by = 'staff'): Promise<AnnulmentResponse & { providerId: string }> {
    const slash = fullId.indexOf('/');
    const stationId = fullId.slice(0, slash);
    const scanId = fullId.slice(slash + 1);
    const station = await this.ctx.db.selectFrom('stations').select(['provider_id']).where('station_id', '=', stationId).executeTakeFirst();
    if (!station) throw notFound('unknown_station', `no station ${stationId}`);
    allowed(station.provider_id);
    const target = { providerId: station.provider_id, stationId, scanId };
    const prior = await this.prior(target);
    if (prior) return { ...prior, scanId: fullId, providerId: station.provider_id };
    await this.flushScans();
    const own = (await this.admissions(station.provider_id, scanId)).find((r) => r.station_id === stationId);
    if (!own) throw conflict('not_annullable', `no admission ${fullId} (not admitted, or already undone)`);
    return { ...(await this.annul(target, own, STAFF_WINDOW_S, by)), scanId: fullId, providerId: station.provider_id };
  }

  private async annul(target: Target, admission: Admission, windowS: number, by: string): Promise<AnnulmentResponse> {
    const now = this.ctx.now();
    if (now - Number(admission.at) > windowS) {
      throw conflict('annul_window_passed', `an admission can be annulled within ${windowS} s of it; this one was ${now - Number(admission.at)} s ago`);
    }
    const client = await this.ctx.providers.get(target.providerId);
    if (!client) throw new HttpError(403, 'unknown_provider', `provider ${target.providerId} is no longer registered`);
    const providerScan = providerScanId(target, target.scanId);
    let annulledAt: number;
    try {
      ({ annulledAt } = await client.annul({ scanId: providerScan, by }));
    } catch (err) {
      // Nothing has changed here: the admission stands until the provider says otherwise.
      if (err instanceof ProviderUnavailable) throw new HttpError(503, 'provider_unavailable', 'the provider is not answering: the admission stands; try again shortly');
      if (err instanceof ProviderRefusal && err.reason === 'not_annullable') throw conflict('not_annullable', err.message);
      throw providerError(err);
    }
    await this.ctx.writes.run(async (trx) => {
      await recordAnnulled(trx, {
        providerId: target.providerId,
        code: admission.code,
        stationId: target.stationId,
        scanId: target.scanId,
        at: annulledAt,
        gate: admission.gate ?? '',
        validUntil: admission.valid_until === null ? null : Number(admission.valid_until),
        recordedAt: this.ctx.now(),
      });
      await trx
        .insertInto('annulments')
        .values({ provider_scan_id: providerScan, provider_id: target.providerId, station_id: target.stationId, code: admission.code, annulled_by: by, annulled_at: annulledAt, admitted_at: Number(admission.at), gate: admission.gate })
        .onConflict((oc) => oc.column('provider_scan_id').doNothing())
        .execute();
      // The Live page counts it no longer, and shows it undone.
      const undone = await trx
        .updateTable('scan_outcomes')
        .set({ annulled_at: annulledAt })
        .where('station_id', '=', target.stationId)
        .where('scan_id', '=', target.scanId)
        .where('result', '=', 'admitted')
        .where('annulled_at', 'is', null)
        .returning(['provider_id', 'show_id', 'gate', 'at', 'result', 'reason'])
        .execute();
      await addCounts(trx, undone, -1);
    });
    this.ctx.log.info({ providerId: target.providerId, stationId: target.stationId, scanId: target.scanId, by }, 'admission annulled');
    return { scanId: target.scanId, annulledAt };
  }

  private async prior(target: Target): Promise<AnnulmentResponse | undefined> {
    const row = await this.ctx.db
      .selectFrom('annulments')
      .select('annulled_at')
      .where('provider_scan_id', '=', providerScanId(target, target.scanId))
      .executeTakeFirst();
    return row && { scanId: target.scanId, annulledAt: Number(row.annulled_at) };
  }

  /** The admissions recorded under a station's scan ID, at any station of the provider. */
  private admissions(providerId: string, scanId: string) {
    return this.ctx.db
      .selectFrom('station_events')
      .select(['station_id', 'code', 'at', 'gate', 'valid_until'])
      .where('provider_id', '=', providerId)
      .where('scan_id', '=', scanId)
      .where('kind', '=', 'redeemed')
      .execute();
  }
}

type Admission = Awaited<ReturnType<AnnulService['admissions']>>[number];
