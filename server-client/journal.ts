// Offline admissions, kept until the server has them. An entry is on disk
// (fsync) before the station shows ADMIT: a power cut must not lose a person who
// went through. Each entry carries the scanId of the scan that admitted it, so
// an upload repeated after a lost answer — or after the scan itself reached the
// server before timing out — is answered with the first verdict, not a conflict.
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { ScanVerdict } from '../protocol/booking-api.js';
import type { TicketInfo } from '../protocol/gp1.js';
import { writeJson } from './durable-file.js';

export interface JournalEntry {
  scanId: string;
  /** the scanned text (GP1), which the server checks again */
  payload: string;
  code: string;
  /** epoch s of the admission */
  at: number;
  state: 'pending' | 'uploaded' | 'conflict';
  /**
   * The server and provider it was admitted for (`serverUrl|providerId`): it is
   * uploaded there only, so re-pointing a station elsewhere never sends another
   * venue's admissions to the wrong server. Absent in journals written before
   * it existed: those go to whichever server is configured.
   */
  scope?: string;
  ticket?: TicketInfo;
  /** the server's verdict once uploaded */
  result?: ScanVerdict;
}

/** Uploaded entries kept for the record, beyond the pending and conflicting ones. */
const KEEP_UPLOADED = 500;

export class Journal {
  private entries: JournalEntry[];
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {
    this.entries = this.load();
  }

  static fileIn(dir: string): string {
    return join(dir, 'journal.json');
  }

  pending(): JournalEntry[] {
    return this.entries.filter((e) => e.state === 'pending');
  }

  conflicts(): JournalEntry[] {
    return this.entries.filter((e) => e.state === 'conflict');
  }

  all(): readonly JournalEntry[] {
    return this.entries;
  }

  /** Pending entries that belong to this server and provider. */
  pendingIn(scope: string): JournalEntry[] {
    return this.entries.filter((e) => e.state === 'pending' && (e.scope === undefined || e.scope === scope));
  }

  pendingFor(code: string): JournalEntry | undefined {
    return this.entries.find((e) => e.state === 'pending' && e.code === code);
  }

  /** Adds an admission; resolves once it is durable. */
  async add(entry: Omit<JournalEntry, 'state'>): Promise<void> {
    this.entries.push({ ...entry, state: 'pending' });
    await this.save(true);
  }

  /** Records the server's verdicts; returns the entries that turned out to conflict. */
  async settle(results: (ScanVerdict & { scanId: string })[]): Promise<JournalEntry[]> {
    const conflicts: JournalEntry[] = [];
    for (const r of results) {
      const entry = this.entries.find((e) => e.scanId === r.scanId && e.state === 'pending');
      if (!entry) continue;
      // The provider did not answer for this one: it stays pending and goes again.
      if (r.result === 'rejected' && r.reason === 'provider_unavailable') continue;
      entry.result = { result: r.result, ...(r.reason ? { reason: r.reason } : {}), ...(r.redeemedAt !== undefined ? { redeemedAt: r.redeemedAt } : {}), ...(r.redeemedGate !== undefined ? { redeemedGate: r.redeemedGate } : {}) };
      entry.state = r.result === 'admitted' ? 'uploaded' : 'conflict';
      if (entry.state === 'conflict') conflicts.push(entry);
    }
    this.trim();
    await this.save(true);
    return conflicts;
  }

  /** The attendant has seen a conflict: it leaves the screen but stays in the file. */
  async acknowledge(scanId: string | null): Promise<void> {
    for (const e of this.entries) if (e.state === 'conflict' && (scanId === null || e.scanId === scanId)) e.state = 'uploaded';
    await this.save(false);
  }

  flush(): Promise<void> {
    return this.writing;
  }

  private trim(): void {
    const uploaded = this.entries.filter((e) => e.state === 'uploaded');
    if (uploaded.length <= KEEP_UPLOADED) return;
    const drop = new Set(uploaded.slice(0, uploaded.length - KEEP_UPLOADED));
    this.entries = this.entries.filter((e) => !drop.has(e));
  }

  private save(durable: boolean): Promise<void> {
    const snapshot = structuredClone(this.entries);
    const write = this.writing.then(() => writeJson(this.file, { version: 1, entries: snapshot }, { durable }));
    // A failed write is reported and the chain goes on; the caller of add() still sees the failure.
    this.writing = write.catch((err: Error) => this.onError(err));
    return write;
  }

  private load(): JournalEntry[] {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      // Unreadable: keep it for a person to recover from rather than write over it.
      const aside = `${this.file}.corrupt-${Date.now()}`;
      try {
        renameSync(this.file, aside);
      } catch {
        // nothing more to do
      }
      this.onError(new Error(`the offline journal was unreadable and was set aside as ${aside}`));
      return [];
    }
    const entries = (raw as { entries?: unknown }).entries;
    if (!Array.isArray(entries)) return [];
    return entries.filter(
      (e): e is JournalEntry =>
        typeof e === 'object' &&
        e !== null &&
        typeof (e as JournalEntry).scanId === 'string' &&
        typeof (e as JournalEntry).payload === 'string' &&
        typeof (e as JournalEntry).code === 'string' &&
        typeof (e as JournalEntry).at === 'number' &&
        ['pending', 'uploaded', 'conflict'].includes((e as JournalEntry).state),
    );
  }
}
