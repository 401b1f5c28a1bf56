// The provider registry: which verification servers exist, under which IDs.
// The booking server assigns each provider its ID; calls are routed by that ID
// to a ProviderClient holding the provider's URL and secret. Records are read
// from the database on a miss, so a provider registered through another
// booking process is found too. Venue IT can change a provider's name, URL,
// secret, batching or time zone (update); its ID never changes, since every ticket sold
// carries it. Another booking process sees the change within REFRESH_S: a
// cached client is checked against its row at most that often.
import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { ProviderDetails, UpdateProviderRequest } from '../../../protocol/booking-api.js';
import type { BookingDB, ProvidersTable } from '../schema.js';
import { DEFAULT_TIMEOUTS, instanceUrls, ProviderClient, type ProviderRecord, type ProviderTimeouts } from './provider-client.js';
import type { ClientHooks } from './call-hooks.js';
import { PLAINTEXT, SEALED, type Sealer } from '../keys/sealed.js';
import { DEFAULT_CANCEL_CUTOFF_S } from '../ordering/refunds-schema.js';
import { venueZone } from './venue-zone.js';
import { ProviderHealth } from './health.js';

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** How often a cached provider is checked against the database, in seconds. */
export const REFRESH_S = 5;
/** How long a replaced client may finish what it was sending (a batch being gathered, a slow call). */
const RETIRE_AFTER_MS = 30_000;

function recordOf(row: Selectable<ProvidersTable>, sealer: Sealer): ProviderRecord {
  const secret = sealer.open(row.secret, SEALED.providerSecret(row.provider_id));
  const verifyUrls = urlsOf(row);
  return { providerId: row.provider_id, name: row.name, verifyUrl: verifyUrls[0]!, verifyUrls, secret, batchScans: row.batch_scans !== 0, timeZone: row.time_zone };
}

/** Every instance's base URL: verify_urls, or verify_url alone (rows from before it). */
function urlsOf(row: Pick<Selectable<ProvidersTable>, 'verify_url' | 'verify_urls'>): string[] {
  if (row.verify_urls) {
    const urls = JSON.parse(row.verify_urls) as unknown;
    if (Array.isArray(urls) && urls.length > 0 && urls.every((u) => typeof u === 'string')) return urls as string[];
  }
  return [row.verify_url];
}

function sameRecord(a: ProviderRecord, b: ProviderRecord): boolean {
  return (
    a.name === b.name &&
    instanceUrls(a).join(' ') === instanceUrls(b).join(' ') &&
    a.secret === b.secret &&
    (a.batchScans ?? true) === (b.batchScans ?? true) &&
    (a.timeZone ?? null) === (b.timeZone ?? null)
  );
}

/** A base URL is stored without its trailing slashes: calls append /v1/…. */
const baseUrl = (url: string) => url.replace(/\/+$/, '');

interface Cached {
  client: ProviderClient;
  /** when the record was last read from the database (s) */
  checkedAt: number;
  /** a re-read under way, shared by every caller meanwhile */
  refreshing?: Promise<ProviderClient | undefined>;
}

/** `p_` + 12 lower-case base32 characters (60 bits): URL-safe and short, since it is in every QR. */
export function newProviderId(): string {
  let s = '';
  for (const b of randomBytes(12)) s += ID_ALPHABET[b % 32];
  return `p_${s}`;
}

export class ProviderRegistry {
  /** every provider's calls from this process: reachable, last error, p50/p99 (health.ts) */
  readonly health: ProviderHealth;
  private readonly clientHooks: ClientHooks;
  private clients = new Map<string, Cached>();
  private retiring = new Map<NodeJS.Timeout, ProviderClient>();
  /** counts this process's updates: a read that began before one may hold the old row */
  private updates = 0;
  /** counts this process's registrations and updates: a list read before one is read again */
  private changes = 0;
  /** the last list of every provider, and the read under way (shared by whoever asks meanwhile) */
  private listed: { clients: ProviderClient[]; at: number; changes: number } | undefined;
  private listing: { clients: Promise<ProviderClient[]>; changes: number } | undefined;

  constructor(
    private readonly db: Kysely<BookingDB>,
    private readonly now: () => number,
    private readonly timeouts: ProviderTimeouts = DEFAULT_TIMEOUTS,
    hooks: ClientHooks = {},
    /** seals the secrets as they are stored (--secrets-key-file) */
    private readonly sealer: Sealer = PLAINTEXT,
  ) {
    const health = (this.health = new ProviderHealth(now));
    this.clientHooks = {
      ...hooks,
      observe(op, outcome, seconds, providerId, failure) {
        health.record(providerId, outcome, seconds * 1000, failure);
        hooks.observe?.(op, outcome, seconds, providerId, failure);
      },
    };
  }

  /** One URL, or every instance's (several instances of one verification server on one database). `timeZone`: a canonical IANA name (venue-zone.ts), null for the server's. */
  async register(
    name: string,
    verifyUrl: string | string[],
    secret: string,
    batchScans = true,
    cancelCutoffS = DEFAULT_CANCEL_CUTOFF_S,
    timeZone: string | null = null,
  ): Promise<ProviderRecord> {
    const urls = (Array.isArray(verifyUrl) ? verifyUrl : [verifyUrl]).map(baseUrl);
    const url = urls[0]!;
    for (;;) {
      const providerId = newProviderId();
      const inserted = await this.db
        .insertInto('providers')
        .values({
          provider_id: providerId,
          name,
          verify_url: url,
          verify_urls: JSON.stringify(urls),
          secret: this.sealer.seal(secret, SEALED.providerSecret(providerId)),
          created_at: this.now(),
          batch_scans: batchScans ? 1 : 0,
          cancel_cutoff_s: cancelCutoffS,
          time_zone: timeZone,
        })
        .onConflict((oc) => oc.column('provider_id').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) {
        this.changes++;
        return { providerId, name, verifyUrl: url, verifyUrls: urls, secret, batchScans, timeZone };
      }
    }
  }

  /**
   * Changes a provider's record; its ID stays. Undefined when no such provider.
   * This process uses the new record from the next call on.
   */
  async update(providerId: string, changes: UpdateProviderRequest): Promise<ProviderDetails | undefined> {
    const values: Updateable<ProvidersTable> = {};
    if (changes.name !== undefined) values.name = changes.name;
    const urls = changes.verifyUrls ?? (changes.verifyUrl !== undefined ? [changes.verifyUrl] : undefined);
    if (urls) {
      values.verify_url = baseUrl(urls[0]!);
      values.verify_urls = JSON.stringify(urls.map(baseUrl));
    }
    if (changes.secret !== undefined) values.secret = this.sealer.seal(changes.secret, SEALED.providerSecret(providerId));
    if (changes.batchScans !== undefined) values.batch_scans = changes.batchScans ? 1 : 0;
    if (changes.cancelCutoffMinutes !== undefined) values.cancel_cutoff_s = changes.cancelCutoffMinutes * 60;
    if (changes.timeZone !== undefined) values.time_zone = changes.timeZone;
    const row = await this.db.updateTable('providers').set(values).where('provider_id', '=', providerId).returningAll().executeTakeFirst();
    if (!row) return undefined;
    // Reads still under way may have seen the row before this change: they are not adopted.
    this.updates++;
    this.changes++;
    // A new client even for an unchanged record: what the old one learned (a provider
    // without batches) is forgotten, since venue IT may have changed the server itself.
    this.adopt(recordOf(row, this.sealer), true);
    return detailsOf(row);
  }

  /** The client for a provider ID, or undefined when no such provider is registered. */
  async get(providerId: string): Promise<ProviderClient | undefined> {
    const cached = this.clients.get(providerId);
    if (cached && this.now() - cached.checkedAt < REFRESH_S) return cached.client;
    if (cached?.refreshing) return cached.refreshing;
    // A database hiccup leaves a known provider's scans on the record it had.
    const reading = this.read(providerId).catch((err: unknown) => {
      if (cached) return cached.client;
      throw err;
    });
    if (cached) {
      cached.refreshing = reading;
      void reading.finally(() => (cached.refreshing = undefined));
    }
    return reading;
  }

  /**
   * Every registered provider's client, in registration order. Read again at most every
   * REFRESH_S, and at once after a change in this process: every catalogue request asks,
   * and a platform's hundred venues would otherwise be read and their secrets opened each time.
   */
  async all(): Promise<ProviderClient[]> {
    const listed = this.listed;
    if (listed && listed.changes === this.changes && this.now() - listed.at < REFRESH_S) return listed.clients;
    if (this.listing?.changes === this.changes) return this.listing.clients;
    const changes = this.changes;
    const began = this.updates;
    const reading = (async () => {
      const rows = await this.db.selectFrom('providers').selectAll().orderBy('created_at').orderBy('provider_id').execute();
      return rows.map((row) => this.adoptRead(recordOf(row, this.sealer), began));
    })();
    this.listing = { changes, clients: reading };
    try {
      const clients = await reading;
      if (changes === this.changes) this.listed = { clients, at: this.now(), changes };
      return clients;
    } finally {
      if (this.listing?.clients === reading) this.listing = undefined;
    }
  }

  /** Every provider with its URL and batching, for venue IT; never the secret. */
  async details(): Promise<ProviderDetails[]> {
    const rows = await this.db
      .selectFrom('providers')
      .select(['provider_id', 'name', 'verify_url', 'verify_urls', 'batch_scans', 'cancel_cutoff_s', 'time_zone', 'created_at'])
      .orderBy('name')
      .orderBy('provider_id')
      .execute();
    return rows.map(detailsOf);
  }

  /** Every provider, by name: what customers see of them. */
  async list(): Promise<{ providerId: string; name: string }[]> {
    return (await this.details()).map(({ providerId, name }) => ({ providerId, name }));
  }

  close(): void {
    for (const c of this.clients.values()) c.client.close();
    this.clients.clear();
    for (const [timer, client] of this.retiring) {
      clearTimeout(timer);
      client.close();
    }
    this.retiring.clear();
  }

  private async read(providerId: string): Promise<ProviderClient | undefined> {
    const began = this.updates;
    const row = await this.db.selectFrom('providers').selectAll().where('provider_id', '=', providerId).executeTakeFirst();
    return row ? this.adoptRead(recordOf(row, this.sealer), began) : undefined;
  }

  /** A record read from the database — unless this process changed the provider meanwhile, and the read may predate that. */
  private adoptRead(record: ProviderRecord, began: number): ProviderClient {
    const cached = this.clients.get(record.providerId);
    if (cached && began !== this.updates) return cached.client;
    return this.adopt(record);
  }

  /** The client for this record: the cached one while it matches, else a new one in its place. */
  private adopt(record: ProviderRecord, renew = false): ProviderClient {
    const cached = this.clients.get(record.providerId);
    if (cached && !renew && sameRecord(cached.client.record, record)) {
      cached.checkedAt = this.now();
      return cached.client;
    }
    const client = new ProviderClient(record, this.timeouts, this.clientHooks);
    this.clients.set(record.providerId, { client, checkedAt: this.now() });
    if (cached) this.retire(cached.client);
    return client;
  }

  /** A replaced client closes once what it had under way is done. */
  private retire(client: ProviderClient): void {
    const timer = setTimeout(() => {
      this.retiring.delete(timer);
      client.close();
    }, RETIRE_AFTER_MS);
    timer.unref();
    this.retiring.set(timer, client);
  }
}

function detailsOf(row: Omit<Selectable<ProvidersTable>, 'secret'>): ProviderDetails {
  const verifyUrls = urlsOf(row);
  return {
    providerId: row.provider_id,
    name: row.name,
    verifyUrl: verifyUrls[0]!,
    verifyUrls,
    batchScans: row.batch_scans !== 0,
    cancelCutoffMinutes: Math.round(row.cancel_cutoff_s / 60),
    timeZone: row.time_zone,
    timeZoneInUse: venueZone(row.time_zone),
    createdAt: row.created_at,
  };
}
