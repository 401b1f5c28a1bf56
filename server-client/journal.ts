// Offline admissions, kept until the server has them. An entry is on disk
// (fsync) before the station shows ADMIT: a power cut must not lose a person who
// went through. Each entry carries the scanId of the scan that admitted it, so
// an upload repeated after a lost answer — or after the scan itself reached the
// server before timing out — is answered with the first verdict, not a conflict.
//
// Two files: `journal.json`, a snapshot of every entry (written whole and
// renamed into place), and `journal.add.jsonl`, what happened since that
// snapshot: one JSON line per admission, and one per change of an entry's state
// (a verdict, a refusal, a dismissal), appended and fsynced. So an admission
// or an uploaded batch costs a short append however long the journal is — a
// gate offline for an hour holds thousands. A start that finds lines there, or
// an append file grown past a few MiB, folds them into a new snapshot (uploaded
// entries trimmed) and empties it.
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { ScanVerdict } from '../protocol/verdict.js';
import type { TicketInfo } from '../protocol/gp1.js';
import { writeJson } from './durable-file.js';
import { AppendFile } from './append-file.js';

export interface JournalEntry {
  scanId: string;
  /** the scanned text (GP1), which the server checks again */
  payload: string;
  code: string;
  /** epoch s of the admission */
  at: number;
  /**
   * `conflict`: the server's verdict was a refusal (used elsewhere, revoked…).
   * `refused`: the server refused the upload itself for good (e.g. a body it
   * will never accept); it is never sent again.
   * `annulled`: the attendant undid it before it was uploaded (the holder did
   * not pass); it is never sent.
   */
  state: 'pending' | 'uploaded' | 'conflict' | 'refused' | 'annulled';
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
  /** why the server refused the upload (state `refused`): its error reason and message */
  refusal?: { error: string; message: string };
  /** a refusal the attendant has dismissed from the screen */
  seen?: true;
}

/** Uploaded entries kept for the record, beyond the pending, conflicting and refused ones. */
const KEEP_UPLOADED = 500;
/** The append file is folded into the snapshot once it holds this much. */
const COMPACT_BYTES = 4 * 1024 * 1024;
const STATES = ['pending', 'uploaded', 'conflict', 'refused', 'annulled'];

/** A line of the append file that changes an entry already written. */
interface Change {
  change: string;
  state: JournalEntry['state'];
  result?: ScanVerdict;
  refusal?: { error: string; message: string };
  seen?: true;
}

export class Journal {
  private entries: JournalEntry[];
  private readonly byScanId = new Map<string, JournalEntry>();
  /** pending entries by code: a scan asks this every time */
  private readonly pendingCodes = new Map<string, JournalEntry>();
  private writing: Promise<void> = Promise.resolve();
  private readonly added: AppendFile;
  /**
   * Admissions forgotten after a failed append that could not be cut back (a failing disk): their
   * line may be on disk whole all the same. The next append annuls them first, so a restart never
   * reads back as pending an admission whose holder was refused.
   */
  private readonly unsaid = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly onError: (err: Error) => void = () => undefined,
    /** the append file is folded into the snapshot once it holds this many bytes */
    private readonly compactBytes = COMPACT_BYTES,
  ) {
    this.added = new AppendFile(`${file.replace(/\.json$/, '')}.add.jsonl`);
    this.entries = [];
    for (const e of this.load()) this.index(e);
    // What the append file held goes into a snapshot, so it starts empty again.
    if (this.replay() > 0) void this.compact().catch(() => undefined);
  }

  static fileIn(dir: string): string {
    return join(dir, 'journal.json');
  }

  pending(): JournalEntry[] {
    return this.entries.filter((e) => e.state === 'pending');
  }

  get pendingCount(): number {
    return this.pendingCodes.size;
  }

  conflicts(): JournalEntry[] {
    return this.entries.filter((e) => e.state === 'conflict');
  }

  /** Refused uploads not yet dismissed on the screen. */
  refused(): JournalEntry[] {
    return this.entries.filter((e) => e.state === 'refused' && !e.seen);
  }

  all(): readonly JournalEntry[] {
    return this.entries;
  }

  /** Pending entries that belong to this server and provider. */
  pendingIn(scope: string): JournalEntry[] {
    return this.entries.filter((e) => e.state === 'pending' && (e.scope === undefined || e.scope === scope));
  }

  pendingFor(code: string): JournalEntry | undefined {
    return this.pendingCodes.get(code);
  }

  /**
   * Adds an admission; resolves once it is durable. Indexed at once, so a second scan of
   * the code meanwhile is refused; forgotten again when the write fails (a full disk),
   * since the station then refuses the holder: never uploaded, never "admitted here".
   */
  async add(entry: Omit<JournalEntry, 'state'>): Promise<void> {
    const full: JournalEntry = { ...entry, state: 'pending' };
    this.index(full);
    try {
      await this.append(JSON.stringify(full) + '\n', full.scanId);
    } catch (err) {
      this.forget(full);
      throw err;
    }
  }

  /** Records the server's verdicts; returns the entries that turned out to conflict. */
  async settle(results: (ScanVerdict & { scanId: string })[]): Promise<JournalEntry[]> {
    const conflicts: JournalEntry[] = [];
    const changed: JournalEntry[] = [];
    for (const r of results) {
      const entry = this.byScanId.get(r.scanId);
      if (!entry || entry.state !== 'pending') continue;
      // The provider did not answer for this one: it stays pending and goes again.
      if (r.result === 'rejected' && r.reason === 'provider_unavailable') continue;
      entry.result = { result: r.result, ...(r.reason ? { reason: r.reason } : {}), ...(r.redeemedAt !== undefined ? { redeemedAt: r.redeemedAt } : {}), ...(r.redeemedGate !== undefined ? { redeemedGate: r.redeemedGate } : {}) };
      const state = r.result === 'admitted' ? 'uploaded' : 'conflict';
      this.setState(entry, state);
      changed.push(entry);
      if (state === 'conflict') conflicts.push(entry);
    }
    await this.record(changed);
    return conflicts;
  }

  /** The server refused to take these entries for good: they are kept, shown, and never sent again. */
  async refuse(scanIds: string[], refusal: { error: string; message: string }): Promise<JournalEntry[]> {
    const out: JournalEntry[] = [];
    for (const scanId of scanIds) {
      const entry = this.byScanId.get(scanId);
      if (!entry || entry.state !== 'pending') continue;
      entry.refusal = { error: refusal.error, message: refusal.message.slice(0, 300) };
      this.setState(entry, 'refused');
      out.push(entry);
    }
    await this.record(out);
    return out;
  }

  /** An admission not yet uploaded, undone at the gate: dropped from the upload, kept in the file. True when it was pending. */
  async annul(scanId: string): Promise<boolean> {
    const entry = this.byScanId.get(scanId);
    if (!entry || entry.state !== 'pending') return false;
    this.setState(entry, 'annulled');
    await this.record([entry]);
    return true;
  }

    /** The attendant has seen a conflict or refusal: it leaves the screen but stays in the file. */
  async acknowledge(scanId: string | null): Promise<void> {
    const changed: JournalEntry[] = [];
    for (const e of this.entries) {
      if (scanId !== null && e.scanId !== scanId) continue;
      if (e.state === 'conflict') this.setState(e, 'uploaded');
      else if (e.state === 'refused' && !e.seen) e.seen = true;
      else continue;
      changed.push(e);
    }
    await this.record(changed);
  }

  flush(): Promise<void> {
    return this.writing;
  }

  async close(): Promise<void> {
    await this.writing;
    await this.added.close();
  }

  private index(e: JournalEntry): void {
    // A line appended again after its entry reached the snapshot: the snapshot's state is the newer one.
    if (this.byScanId.has(e.scanId)) return;
    this.entries.push(e);
    this.byScanId.set(e.scanId, e);
    if (e.state === 'pending') this.pendingCodes.set(e.code, e);
  }

  private forget(e: JournalEntry): void {
    if (this.byScanId.get(e.scanId) !== e) return;
    this.byScanId.delete(e.scanId);
    this.entries = this.entries.filter((x) => x !== e);
    if (this.pendingCodes.get(e.code) === e) this.pendingCodes.delete(e.code);
  }

  private setState(e: JournalEntry, state: JournalEntry['state']): void {
    if (e.state === 'pending' && this.pendingCodes.get(e.code) === e) this.pendingCodes.delete(e.code);
    e.state = state;
  }

  private trim(): void {
    const uploaded = this.entries.filter((e) => e.state === 'uploaded' || e.state === 'annulled');
    if (uploaded.length <= KEEP_UPLOADED) return;
    const drop = new Set(uploaded.slice(0, uploaded.length - KEEP_UPLOADED));
    this.entries = this.entries.filter((e) => !drop.has(e));
    for (const e of drop) this.byScanId.delete(e.scanId);
  }

  /** One write and one fsync for all the lines; the chain keeps appends and snapshots in order. */
  private append(text: string, admission?: string): Promise<void> {
    const write = this.writing.then(async () => {
      // The same scan admitted again (its scanId kept for a retry): its line stands for it now.
      if (admission) this.unsaid.delete(admission);
      const annul = [...this.unsaid];
      const annulled = annul.map((scanId) => JSON.stringify({ change: scanId, state: 'annulled' } satisfies Change) + '\n').join('');
      try {
        await this.added.append(annulled + text);
      } catch (err) {
        if (admission && this.added.mayHoldFailedAppend) this.unsaid.add(admission);
        throw err;
      }
      for (const scanId of annul) this.unsaid.delete(scanId);
    });
    // A failed write is reported and the chain goes on; the caller still sees the failure.
    this.writing = write.catch((err: Error) => this.onError(err));
    return write;
  }

  /** The new state of these entries, appended; past COMPACT_BYTES, folded into a snapshot. */
  private async record(entries: JournalEntry[]): Promise<void> {
    if (entries.length > 0) await this.append(entries.map((e) => JSON.stringify(changeOf(e)) + '\n').join(''));
    if (this.added.size > this.compactBytes) await this.compact();
  }

  /**
   * A new snapshot of every entry (uploaded ones trimmed), then the append file
   * emptied. Chained after every append before it, so a line is only dropped
   * once the snapshot holds it; the entries are read when the write starts, so
   * it holds every line appended so far.
   */
  private compact(): Promise<void> {
    const write = this.writing.then(async () => {
      this.trim();
      await writeJson(this.file, { version: 1, entries: this.entries }, { durable: true });
      await this.added.truncate();
      // Emptied: no failed line is left to annul.
      this.unsaid.clear();
    });
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
    return entries.filter(isEntry);
  }

  /**
   * Applies the append file's lines, in order; returns how many there were. A
   * torn last line is an admission whose ADMIT never showed (its fsync did not
   * return), or a change that will be made again.
   */
  private replay(): number {
    let text: string;
    try {
      text = this.added.readSync();
    } catch (err) {
      this.onError(new Error(`the offline journal's append file is unreadable: ${(err as Error).message}`));
      return 0;
    }
    let count = 0;
    let bad = 0;
    const lines = text.split('\n');
    for (const [i, line] of lines.entries()) {
      if (line.trim() === '') continue;
      count++;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        if (i < lines.length - 1) bad++;
        continue;
      }
      if (isEntry(parsed)) this.index(parsed);
      else if (isChange(parsed)) this.apply(parsed);
      else bad++;
    }
    if (bad > 0) this.onError(new Error(`${bad} unreadable lines in the offline journal's append file were skipped`));
    return count;
  }

  private apply(c: Change): void {
    const e = this.byScanId.get(c.change);
    // An entry trimmed from the snapshot: nothing left to change.
    if (!e) return;
    this.setState(e, c.state);
    if (c.result) e.result = c.result;
    if (c.refusal) e.refusal = c.refusal;
    if (c.seen) e.seen = true;
  }
}

function changeOf(e: JournalEntry): Change {
  return { change: e.scanId, state: e.state, ...(e.result ? { result: e.result } : {}), ...(e.refusal ? { refusal: e.refusal } : {}), ...(e.seen ? { seen: true as const } : {}) };
}

function isChange(c: unknown): c is Change {
  return typeof c === 'object' && c !== null && typeof (c as Change).change === 'string' && STATES.includes((c as Change).state);
}

function isEntry(e: unknown): e is JournalEntry {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as JournalEntry).scanId === 'string' &&
    typeof (e as JournalEntry).payload === 'string' &&
    typeof (e as JournalEntry).code === 'string' &&
    typeof (e as JournalEntry).at === 'number' &&
    STATES.includes((e as JournalEntry).state)
  );
}
