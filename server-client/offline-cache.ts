// What the station needs to decide a scan on its own: the platform keys, the
// revoked codes and the codes redeemed anywhere (from the offline bundle, less
// the admissions annulled since), and
// the codes this station admitted itself. Persisted, so a station that restarts
// without network still has yesterday's bundle.
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OfflineBundle, PublicKeyEntry } from '../protocol/booking-api.js';
import { importPublicKey } from '../protocol/gp1.js';
import { CoalescingWriter } from './durable-file.js';

/** Redemptions older than this are dropped: no ticket stays valid that long after its use. */
const KEEP_S = 45 * 24 * 3600;

interface CacheFile {
  version: 1;
  /** the server and provider this cache belongs to; a different one starts empty */
  scope: string;
  cursor: string | null;
  /** epoch s of the last complete refresh */
  refreshedAt: number | null;
  keys: PublicKeyEntry[];
  revoked: string[];
  redeemed: Record<string, { at: number; gate: string }>;
  /** admitted at this station, online or offline */
  local: Record<string, { at: number; scanId: string }>;
}

export class OfflineCache {
  private data: CacheFile;
  private keyObjects = new Map<number, KeyObject>();
  private revokedSet = new Set<string>();
  private readonly writer: CoalescingWriter;

  constructor(
    private readonly file: string,
    readonly scope: string,
    onError: (err: Error) => void = () => undefined,
  ) {
    this.data = this.load();
    this.index();
    // Not durable, and batched: the server holds the same facts; this copy only
    // spares a restarted station without network from starting empty.
    this.writer = new CoalescingWriter(file, onError, { delayMs: 500 });
  }

  static fileIn(dir: string): string {
    return join(dir, 'offline-bundle.json');
  }

  get cursor(): string | null {
    return this.data.cursor;
  }

  get refreshedAt(): number | null {
    return this.data.refreshedAt;
  }

  get keyCount(): number {
    return this.keyObjects.size;
  }

  key(keyId: number): KeyObject | undefined {
    return this.keyObjects.get(keyId);
  }

  isRevoked(code: string): boolean {
    return this.revokedSet.has(code);
  }

  redeemedElsewhere(code: string): { at: number; gate: string } | undefined {
    return this.data.redeemed[code];
  }

  admittedHere(code: string): { at: number; scanId: string } | undefined {
    return this.data.local[code];
  }

  /** Applies one page of the bundle; events may repeat near the cursor, so this is idempotent. */
  apply(bundle: OfflineBundle, nowS: number, complete: boolean): void {
    this.data.keys = bundle.keys;
    for (const code of bundle.revoked) this.revokedSet.add(code);
    this.data.revoked = [...this.revokedSet];
    // An admission undone (the holder did not pass): the code counts as unredeemed again,
    // also here if this station's own admission of it is the one undone (not a later one).
    for (const a of bundle.annulled ?? []) {
      delete this.data.redeemed[a.code];
      const local = this.data.local[a.code];
      if (local && local.at <= a.at) delete this.data.local[a.code];
    }
    for (const r of bundle.redeemed) this.data.redeemed[r.code] ??= { at: r.at, gate: r.gate };
    this.data.cursor = bundle.cursor;
    if (complete) this.data.refreshedAt = nowS;
    this.prune(nowS);
    this.index();
    this.save();
  }

  markAdmitted(code: string, scanId: string, atS: number): void {
    this.data.local[code] ??= { at: atS, scanId };
    this.save();
  }

  /** This station annulled its admission of the code: it may be admitted again. */
  forget(code: string): void {
    delete this.data.local[code];
    delete this.data.redeemed[code];
    this.save();
  }

  /** Resolves once the latest state is on disk. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  private save(): void {
    this.writer.write(() => this.data);
  }

  private prune(nowS: number): void {
    for (const [code, r] of Object.entries(this.data.redeemed)) if (r.at < nowS - KEEP_S) delete this.data.redeemed[code];
    for (const [code, r] of Object.entries(this.data.local)) if (r.at < nowS - KEEP_S) delete this.data.local[code];
  }

  private index(): void {
    this.keyObjects = new Map();
    for (const k of this.data.keys) {
      const key = importPublicKey(k.publicKey);
      if (key) this.keyObjects.set(k.keyId, key);
    }
    this.revokedSet = new Set(this.data.revoked);
  }

  private empty(): CacheFile {
    return { version: 1, scope: this.scope, cursor: null, refreshedAt: null, keys: [], revoked: [], redeemed: {}, local: {} };
  }

  private load(): CacheFile {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      return this.empty();
    }
    const f = raw as Partial<CacheFile>;
    if (
      f.version !== 1 ||
      f.scope !== this.scope ||
      !Array.isArray(f.keys) ||
      !Array.isArray(f.revoked) ||
      typeof f.redeemed !== 'object' ||
      f.redeemed === null ||
      typeof f.local !== 'object' ||
      f.local === null
    ) {
      return this.empty();
    }
    return {
      version: 1,
      scope: this.scope,
      cursor: typeof f.cursor === 'string' ? f.cursor : null,
      refreshedAt: typeof f.refreshedAt === 'number' ? f.refreshedAt : null,
      keys: f.keys.filter((k): k is PublicKeyEntry => typeof k?.publicKey === 'string' && typeof k.keyId === 'number'),
      revoked: f.revoked.filter((c): c is string => typeof c === 'string'),
      redeemed: f.redeemed,
      local: f.local,
    };
  }
}
