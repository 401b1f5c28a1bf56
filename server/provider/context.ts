import type { Kysely } from 'kysely';
import type { GroupCommit } from '../common/group-commit.js';
import type { BatchAdmission, VerifyBatches } from './admission-batch.js';
import type { SqliteExecutor } from '../common/prepared.js';
import type { ProviderDB } from './schema.js';
import type { SharedNonces } from './shared-nonces.js';

/** What every provider route needs: reads go to `db`, writes through `writes` (group commit). */
export interface ProviderContext {
  db: Kysely<ProviderDB>;
  writes: GroupCommit<ProviderDB>;
  /** SQLite only: the connection of `writes`' transactions, for the hot path's prepared statements (see prepared.ts) */
  sync?: SqliteExecutor;
  /**
   * PostgreSQL only: redemptions decided a batch per statement (admission-batch.ts), and the
   * nonce window all processes share (shared-nonces.ts); SQLite redeems through `writes`
   */
  admission?: { batch: BatchAdmission; verifies: VerifyBatches; nonces: SharedNonces };
  /** epoch seconds; injectable so tests can move the clock */
  now: () => number;
}
