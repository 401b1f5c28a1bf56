import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { GroupCommit } from '../common/group-commit.js';
import type { PlatformKeys } from './keys.js';
import type { PaymentGateways } from './payments.js';
import type { ProviderRegistry } from './registry.js';
import type { BookingDB } from './schema.js';

/** What every booking route needs. Reads go to `db`, writes through `writes` (group commit). */
export interface BookingContext {
  db: Kysely<BookingDB>;
  writes: GroupCommit<BookingDB>;
  /** epoch seconds; injectable so tests can move the clock */
  now: () => number;
  keys: PlatformKeys;
  providers: ProviderRegistry;
  payments: PaymentGateways;
  /** sha256 of the admin token; undefined: the admin API is off */
  adminTokenHash?: string;
  /** HMAC key share tokens are derived with */
  shareSecret: Buffer;
  /** the URL customers and stations reach this server at (set once listening) */
  publicUrl: string;
  log: Logger;
}
