// Scans for one provider that reach the relay in the same turn of the event
// loop go to the provider in one signed call, the batch redemption of
// DESIGN.md (`POST /v1/redemptions`, with `at` the time of the scan), and a
// lone scan goes as the `POST /v1/verify` it always was. The provider decides
// each item exactly as it decides a verify (server/provider/admission.ts), so
// every scan still gets its own verdict, redeemed once, replayed by scan ID.
//
// Why: at a busy moment most of what a relayed scan costs both servers is the
// call itself — signing it, the HTTP request and response on each side, the
// provider's signature check and body parsing — not the decision. Taking what
// is already waiting as one call halves the CPU per scan of both servers under
// load (README, Performance) and adds no wait: nothing is held back for a
// batch to fill; a scan waits at most for the current turn to end.
//
// A provider registered with `batchScans: false` is always asked one scan at a
// time; so is, from then on, a provider built to an API without the batch route
// (404/405), or whose batch answers leave out the ticket — until venue IT
// changes the provider's record (registry.ts gives it a new client). An
// item the provider refuses inside a batch as `scan_id_conflict` (a scan ID
// already used for another code) is asked again alone, so that its own answer
// (a 409) reaches the station as it would have without batching. Such a re-ask gets what is left
// of the verify timeout (at least REASK_MIN_MS), so the station still hears
// within the 2 s it would have without batching.
import type { VerifyRequest } from '../../../protocol/provider-api.js';
import { itemVerdict, type Verdict } from '../../../protocol/verdict.js';
import { ProviderRefusal, type ProviderClient } from '../providers/provider-client.js';

/** Items per call: the provider reads bodies up to 64 KiB, and an item takes at most ~300 bytes. */
export const MAX_BATCH = 128;
/** The least time a scan asked again alone after a batch is given, ms. */
const REASK_MIN_MS = 250;

interface Waiting {
  req: VerifyRequest;
  resolve(v: Verdict): void;
  reject(err: unknown): void;
}

export class VerifyCoalescer {
  private waiting: Waiting[] = [];
  private scheduled = false;
  /** false when the operator registered the provider so, or once it has shown that batches do not work with it */
  private batches: boolean;

  constructor(
    private readonly client: ProviderClient,
    /** epoch seconds: the `at` of the scans sent together */
    private readonly now: () => number,
  ) {
    this.batches = client.record.batchScans !== false;
  }

  verify(req: VerifyRequest): Promise<Verdict> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ req, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // After the I/O of this turn: every scan read from the sockets in it has arrived by then.
        setImmediate(this.send);
      }
    });
  }

  private readonly send = (): void => {
    this.scheduled = false;
    const all = this.waiting;
    this.waiting = [];
    for (let i = 0; i < all.length; i += MAX_BATCH) {
      const batch = all.length <= MAX_BATCH ? all : all.slice(i, i + MAX_BATCH);
      if (batch.length === 1 || !this.batches) batch.forEach((w) => this.alone(w));
      else void this.together(batch);
    }
  };

  private alone(w: Waiting, timeoutMs?: number): void {
    this.client.verify(w.req, timeoutMs).then(w.resolve, w.reject);
  }

  private async together(batch: Waiting[]): Promise<void> {
    const at = this.now();
    const started = performance.now();
    /** A scan asked again alone gets what the batch left of the verify timeout. */
    const again = (w: Waiting) => this.alone(w, Math.max(REASK_MIN_MS, this.client.verifyTimeoutMs - (performance.now() - started)));
    let results;
    try {
      results = (await this.client.verifyMany({ redemptions: batch.map(({ req }) => ({ code: req.code, gate: req.gate, scanId: req.scanId, at })) })).results;
    } catch (err) {
      if (!(err instanceof ProviderRefusal)) {
        // Down, slow or answering nonsense: what each scan alone would have met.
        for (const w of batch) w.reject(err);
        return;
      }
      if (err.status === 404 || err.status === 405) this.batches = false;
      for (const w of batch) again(w);
      return;
    }
    for (let i = 0; i < batch.length; i++) {
      const w = batch[i]!;
      const item = results[i];
      const v = item && item.scanId === w.req.scanId ? itemVerdict(item) : null;
      if (!v) {
        again(w);
      } else if (!v.ticket && v.reason !== 'unknown_code') {
        // A provider whose batch answers leave out the ticket a gate shows: the same scan ID
        // asked alone returns the first verdict in full. Batching it gains nothing, so no more.
        this.batches = false;
        again(w);
      } else {
        w.resolve(v);
      }
    }
  }
}
