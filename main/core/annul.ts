// Annulling an admission at the gate: the holder was shown ADMIT but did not
// pass (the turnstile did not turn), and the attendant undoes it within
// ANNUL_WINDOW_MS, so the same ticket can be scanned again. The core remembers
// its recent admissions by the verdict ID the screen knows (the scan ID and code
// stay here); annulling asks the server (or drops the journal entry of an
// offline admission), then forgets the code in the dedupe window, so the next
// read of it is a scan again. Unattended (kiosk) stations cannot annul.
import { ANNUL_WINDOW_MS, type AnnulResult, type Notice } from '../bridge/contract.js';
import type { ScanVerifier } from '../../server-client/index.js';
import type { Logger } from '../log.js';
import type { Deduper } from './dedupe.js';

interface RecentAdmission {
  scanId: string;
  code: string | undefined;
  /** the dedupe key the scan was accepted under */
  key: string;
  seat: string | undefined;
  /** Date.now() when it was admitted */
  at: number;
}

export interface AnnulDeps {
  verifier: Pick<ScanVerifier, 'annul'>;
  deduper: Pick<Deduper, 'forget'>;
  log: Logger;
  kiosk: () => boolean;
  notice: (n: Notice) => void;
  changed: () => void;
}

export class Annulments {
  /** by verdict ID; only admissions younger than the window */
  private readonly recent = new Map<string, RecentAdmission>();
  /** one annulment per admission at a time: a double tap must not ask twice */
  private readonly busy = new Set<string>();

  constructor(private readonly deps: AnnulDeps) {}

  /** An admission was shown as verdict `id`. */
  admitted(id: string, a: Omit<RecentAdmission, 'at'>, now = Date.now()): void {
    for (const [k, r] of this.recent) if (now - r.at >= ANNUL_WINDOW_MS) this.recent.delete(k);
    this.recent.set(id, { ...a, at: now });
  }

  async annul(id: string, now = Date.now()): Promise<AnnulResult> {
    const { deps } = this;
    if (deps.kiosk()) return { ok: false, error: 'kiosk', message: 'an unattended station cannot annul admissions' };
    const a = this.recent.get(id);
    if (!a || now - a.at >= ANNUL_WINDOW_MS) return { ok: false, error: 'unknown_scan', message: 'not an admission of this station in the last 30 s' };
    if (this.busy.has(id)) return { ok: false, error: 'busy', message: 'this admission is being annulled' };
    this.busy.add(id);
    try {
      const outcome = await deps.verifier.annul(a.scanId, a.code);
      if (!outcome.ok) {
        deps.notice({ level: 'error', key: 'annul_failed', params: { reason: outcome.error } });
        return outcome;
      }
      this.recent.delete(id);
      deps.deduper.forget(a.key);
      deps.log.info({ scanId: a.scanId, offline: outcome.offline === true }, 'admission annulled at the gate');
      deps.notice({ level: 'info', key: 'annulled', params: { seat: a.seat ?? '' } });
      deps.changed();
      return { ok: true, offline: outcome.offline === true };
    } finally {
      this.busy.delete(id);
    }
  }
}
