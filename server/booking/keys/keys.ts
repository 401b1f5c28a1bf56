// The platform's Ed25519 signing keys, kept in the database so every booking
// process signs with the same key. Key 1 is made at the first start; rotation
// adds a key with the next ID, which becomes the active one. Old keys stay:
// tickets signed with them stay valid and /api/v1/keys keeps listing them —
// until a key is retired (key-retirement.ts). A retired key is trusted
// nowhere, is never listed, and its private key is erased, so it can never
// sign or become active again; key IDs are never reused.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import { exportPublicKey, type Gp1Signer, type KeyLookup } from '../../../protocol/gp1.js';
import type { PublicKeyEntry } from '../../../protocol/booking-api.js';
import type { BookingDB } from '../schema.js';
import { PLAINTEXT, SEALED, type Sealer } from './sealed.js';

interface LoadedKey {
  keyId: number;
  publicKey: KeyObject;
  publicKeyText: string;
  privateKey: KeyObject;
}

/** A key ID not found locally triggers a reload at most this often (another process may have rotated). */
const RELOAD_AFTER_MISS_MS = 5_000;

export class PlatformKeys {
  /** the keys in use; a retired key is not here */
  private keys = new Map<number, LoadedKey>();
  private retired = new Set<number>();
  private activeKey: LoadedKey | undefined;
  private lastMissReload = 0;

  private constructor(
    private readonly db: Kysely<BookingDB>,
    private readonly now: () => number,
    private readonly sealer: Sealer,
  ) {}

  /** Loads the keys, making a key when none is in use (and a new active key when `rotate`). */
  static async open(db: Kysely<BookingDB>, now: () => number, opts: { rotate?: boolean; sealer?: Sealer } = {}): Promise<PlatformKeys> {
    const keys = new PlatformKeys(db, now, opts.sealer ?? PLAINTEXT);
    await keys.reload();
    if (!keys.activeKey) await keys.insertNext();
    if (opts.rotate) await keys.rotate();
    return keys;
  }

  /** Adds a new active key; returns its ID. */
  async rotate(): Promise<number> {
    const keyId = await this.insertNext();
    return keyId;
  }

  get activeKeyId(): number {
    return this.active().keyId;
  }

  signer(): Gp1Signer {
    const key = this.active();
    return { keyId: key.keyId, privateKey: key.privateKey };
  }

  readonly lookup: KeyLookup = (keyId) => this.keys.get(keyId)?.publicKey;

  /** Whether this process knows the key as retired (other processes' retirements arrive with the next reload). */
  isRetired(keyId: number | undefined): boolean {
    return keyId !== undefined && this.retired.has(keyId);
  }

  retiredKeyIds(): number[] {
    return [...this.retired].sort((a, b) => a - b);
  }

  /** Whether a key with this ID was ever made here, retired or not. */
  known(keyId: number): boolean {
    return this.keys.has(keyId) || this.retired.has(keyId);
  }

  /** Like lookup, but a key made by another process since the last load is found too. */
  async lookupFresh(keyId: number): Promise<KeyObject | undefined> {
    const known = this.keys.get(keyId);
    if (known) return known.publicKey;
    if (this.retired.has(keyId)) return undefined;
    const nowMs = Date.now();
    if (nowMs - this.lastMissReload < RELOAD_AFTER_MISS_MS) return undefined;
    this.lastMissReload = nowMs;
    await this.reload();
    return this.keys.get(keyId)?.publicKey;
  }

  /** The keys in use, for stations and anyone checking signatures: a retired key is left out, so nobody trusts it. */
  list(): PublicKeyEntry[] {
    return [...this.keys.values()].sort((a, b) => a.keyId - b.keyId).map((k) => ({ keyId: k.keyId, alg: 'Ed25519' as const, publicKey: k.publicKeyText }));
  }

  async reload(): Promise<void> {
    const rows = await this.db.selectFrom('signing_keys').select(['key_id', 'private_key', 'retired_at']).orderBy('key_id').execute();
    for (const row of rows) {
      if (row.retired_at !== null) {
        this.retired.add(row.key_id);
        this.keys.delete(row.key_id);
        continue;
      }
      if (this.keys.has(row.key_id)) continue;
      const der = Buffer.from(this.sealer.open(row.private_key, SEALED.signingKey(row.key_id)), 'base64');
      const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
      const publicKey = createPublicKey(privateKey);
      this.keys.set(row.key_id, { keyId: row.key_id, privateKey, publicKey, publicKeyText: exportPublicKey(publicKey) });
    }
    const newest = Math.max(...this.keys.keys());
    this.activeKey = Number.isFinite(newest) ? this.keys.get(newest) : undefined;
  }

  /**
   * Marks a key retired and erases its private key; a key the retiring
   * process holds as active is first replaced by a new one, so no process
   * falls back to an older key meanwhile. False when there is no such key.
   */
  async retire(keyId: number): Promise<boolean> {
    await this.reload();
    if (!this.known(keyId)) return false;
    if (this.activeKey?.keyId === keyId) await this.insertNext();
    await this.db
      .updateTable('signing_keys')
      .set({ retired_at: this.now(), private_key: '' })
      .where('key_id', '=', keyId)
      .where('retired_at', 'is', null)
      .execute();
    await this.reload();
    if (!this.activeKey) await this.insertNext();
    return true;
  }

  private active(): LoadedKey {
    if (!this.activeKey) throw new Error('no signing key in use');
    return this.activeKey;
  }

  /** Inserts key max+1; two processes racing for the same ID: one wins, the other retries. */
  private async insertNext(): Promise<number> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await this.db.selectFrom('signing_keys').select((eb) => eb.fn.max('key_id').as('max')).executeTakeFirst();
      const keyId = Number(row?.max ?? 0) + 1;
      const { privateKey } = generateKeyPairSync('ed25519');
      const der = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
      const inserted = await this.db
        .insertInto('signing_keys')
        .values({
          key_id: keyId,
          private_key: this.sealer.seal(der, SEALED.signingKey(keyId)),
          public_key: exportPublicKey(createPublicKey(privateKey)),
          created_at: this.now(),
          retired_at: null,
        })
        .onConflict((oc) => oc.column('key_id').doNothing())
        .executeTakeFirst();
      await this.reload();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return keyId;
      // A first start in another process made key 1 meanwhile: that one is as good.
      if (this.keys.size > 0 && keyId === 1) return 1;
    }
    throw new Error('could not add a signing key');
  }
}
