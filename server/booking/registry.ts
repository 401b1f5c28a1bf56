// The provider registry: which verification servers exist, under which IDs.
// The booking server assigns each provider its ID; calls are routed by that ID
// to a ProviderClient holding the provider's URL and secret. Records are read
// from the database on a miss, so a provider registered through another
// booking process is found too.
import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { BookingDB, ProvidersTable } from './schema.js';
import { DEFAULT_TIMEOUTS, ProviderClient, type ClientHooks, type ProviderRecord, type ProviderTimeouts } from './provider-client.js';

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function recordOf(row: Selectable<ProvidersTable>): ProviderRecord {
  return { providerId: row.provider_id, name: row.name, verifyUrl: row.verify_url, secret: row.secret, batchScans: row.batch_scans !== 0 };
}

/** `p_` + 12 lower-case base32 characters (60 bits): URL-safe and short, since it is in every QR. */
export function newProviderId(): string {
  let s = '';
  for (const b of randomBytes(12)) s += ID_ALPHABET[b % 32];
  return `p_${s}`;
}

export class ProviderRegistry {
  private clients = new Map<string, ProviderClient>();

  constructor(
    private readonly db: Kysely<BookingDB>,
    private readonly now: () => number,
    private readonly timeouts: ProviderTimeouts = DEFAULT_TIMEOUTS,
    private readonly hooks: ClientHooks = {},
  ) {}

  async register(name: string, verifyUrl: string, secret: string, batchScans = true): Promise<ProviderRecord> {
    const url = verifyUrl.replace(/\/+$/, '');
    for (;;) {
      const providerId = newProviderId();
      const inserted = await this.db
        .insertInto('providers')
        .values({ provider_id: providerId, name, verify_url: url, secret, created_at: this.now(), batch_scans: batchScans ? 1 : 0 })
        .onConflict((oc) => oc.column('provider_id').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return { providerId, name, verifyUrl: url, secret, batchScans };
    }
  }

  /** The client for a provider ID, or undefined when no such provider is registered. */
  async get(providerId: string): Promise<ProviderClient | undefined> {
    const cached = this.clients.get(providerId);
    if (cached) return cached;
    const row = await this.db.selectFrom('providers').selectAll().where('provider_id', '=', providerId).executeTakeFirst();
    if (!row) return undefined;
    return this.client(recordOf(row));
  }

  /** Every registered provider's client, in registration order. */
  async all(): Promise<ProviderClient[]> {
    const rows = await this.db.selectFrom('providers').selectAll().orderBy('created_at').orderBy('provider_id').execute();
    return rows.map((row) => this.clients.get(row.provider_id) ?? this.client(recordOf(row)));
  }

  /** Every provider, by name. */
  async list(): Promise<{ providerId: string; name: string }[]> {
    const rows = await this.db.selectFrom('providers').select(['provider_id', 'name']).orderBy('name').orderBy('provider_id').execute();
    return rows.map((r) => ({ providerId: r.provider_id, name: r.name }));
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }

  private client(record: ProviderRecord): ProviderClient {
    const existing = this.clients.get(record.providerId);
    if (existing) return existing;
    const client = new ProviderClient(record, this.timeouts, this.hooks);
    this.clients.set(record.providerId, client);
    return client;
  }
}
