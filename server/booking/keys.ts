// The platform's Ed25519 signing keys, kept in the database so every booking
// process signs with the same key. Key 1 is made at the first start; rotation
// adds a key with the next ID, which becomes the active one. Old keys are never
// deleted: tickets signed with them stay valid and /api/v1/keys keeps listing them.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import { exportPublicKey, type Gp1Signer, type KeyLookup } from '../../protocol/gp1.js';
import type { PublicKeyEntry } from '../../protocol/booking-api.js';
import type { BookingDB } from './schema.js';

interface LoadedKey {
  keyId: number;
  publicKey: KeyObject;
  publicKeyText: string;
  privateKey: KeyObject;
}

/** A key ID not found locally triggers a reload at most this often (another process may have rotated). */
const RELOAD_AFTER_MISS_MS = 5_000;

export class PlatformKeys {
  private keys = new Map<number, LoadedKey>();
  private activeKey!: LoadedKey;
  private lastMissReload = 0;

  private constructor(
    private readonly db: Kysely<BookingDB>,
    private readonly now: () => number,
  ) {}

  /** Loads the keys, making key 1 when there is none (and a new active key when `rotate`). */
  static async open(db: Kysely<BookingDB>, now: () => number, opts: { rotate?: boolean } = {}): Promise<PlatformKeys> {
    const keys = new PlatformKeys(db, now);
    await keys.reload();
    if (keys.keys.size === 0) await keys.insertNext();
    if (opts.rotate) await keys.rotate();
    return keys;
  }

  /** Adds a new active key; returns its ID. */
  async rotate(): Promise<number> {
    const keyId = await this.insertNext();
    return keyId;
  }

  get activeKeyId(): number {
    return this.activeKey.keyId;
  }

  signer(): Gp1Signer {
    return { keyId: this.activeKey.keyId, privateKey: this.activeKey.privateKey };
  }

  readonly lookup: KeyLookup = (keyId) => this.keys.get(keyId)?.publicKey;

  /** Like lookup, but a key made by another process since the last load is found too. */
  async lookupFresh(keyId: number): Promise<KeyObject | undefined> {
    const known = this.keys.get(keyId);
    if (known) return known.publicKey;
    const nowMs = Date.now();
    if (nowMs - this.lastMissReload < RELOAD_AFTER_MISS_MS) return undefined;
    this.lastMissReload = nowMs;
    await this.reload();
    return this.keys.get(keyId)?.publicKey;
  }

  list(): PublicKeyEntry[] {
    return [...this.keys.values()].sort((a, b) => a.keyId - b.keyId).map((k) => ({ keyId: k.keyId, alg: 'Ed25519' as const, publicKey: k.publicKeyText }));
  }

  async reload(): Promise<void> {
    const rows = await this.db.selectFrom('signing_keys').selectAll().orderBy('key_id').execute();
    for (const row of rows) {
      if (this.keys.has(row.key_id)) continue;
      const privateKey = createPrivateKey({ key: Buffer.from(row.private_key, 'base64'), format: 'der', type: 'pkcs8' });
      const publicKey = createPublicKey(privateKey);
      this.keys.set(row.key_id, { keyId: row.key_id, privateKey, publicKey, publicKeyText: exportPublicKey(publicKey) });
    }
    const newest = Math.max(...this.keys.keys());
    if (Number.isFinite(newest)) this.activeKey = this.keys.get(newest)!;
  }

  /** Inserts key max+1; two processes racing for the same ID: one wins, the other retries. */
  private async insertNext(): Promise<number> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await this.db.selectFrom('signing_keys').select((eb) => eb.fn.max('key_id').as('max')).executeTakeFirst();
      const keyId = Number(row?.max ?? 0) + 1;
      const { privateKey } = generateKeyPairSync('ed25519');
      const inserted = await this.db
        .insertInto('signing_keys')
        .values({
          key_id: keyId,
          private_key: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
          public_key: exportPublicKey(createPublicKey(privateKey)),
          created_at: this.now(),
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
