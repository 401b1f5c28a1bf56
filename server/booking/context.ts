import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { GroupCommit } from '../common/group-commit.js';
import type { SqliteExecutor } from '../common/prepared.js';
import type { IssuedPayloads } from './scanning/issued-payloads.js';
import type { PlatformKeys } from './keys/keys.js';
import type { PaymentGateways } from './ordering/payments.js';
import type { ProviderRegistry } from './providers/registry.js';
import type { BookingDB } from './schema.js';

/**
 * The booking server's services, made once at start. The services (orders,
 * scans, key retirement) take it whole; each route plugin is handed only the
 * parts it uses (server.ts). Reads go to `db`, writes through `writes` (group commit).
 */
export interface BookingContext {
  db: Kysely<BookingDB>;
  writes: GroupCommit<BookingDB>;
  /** writes that only cache a provider's durable record: committed without waiting for the disk (db.ts) */
  relaxedTransaction<T>(work: (trx: Transaction<BookingDB>) => Promise<T>): Promise<T>;
  /**
   * SQLite only: the connection itself, for a lookup that may see a batch's
   * rows before their commit without harm (the issued-payload check).
   */
  sync?: SqliteExecutor;
  /** epoch seconds; injectable so tests can move the clock */
  now: () => number;
  keys: PlatformKeys;
  /** digests of the payloads this process knows were issued: the scan relay's fast signature proof */
  issued: IssuedPayloads;
  providers: ProviderRegistry;
  payments: PaymentGateways;
  /** HMAC key share tokens are derived with */
  shareSecret: Buffer;
  /** the URL customers and stations reach this server at (set once listening) */
  publicUrl: string;
  /** provider verifyUrls over plain http are accepted off loopback too */
  allowInsecureHttp: boolean;
  log: Logger;
}
