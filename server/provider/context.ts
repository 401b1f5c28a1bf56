import type { Kysely } from 'kysely';
import type { GroupCommit } from '../common/group-commit.js';
import type { ProviderDB } from './schema.js';

/** What every provider route needs: reads go to `db`, writes through `writes` (group commit). */
export interface ProviderContext {
  db: Kysely<ProviderDB>;
  writes: GroupCommit<ProviderDB>;
  /** epoch seconds; injectable so tests can move the clock */
  now: () => number;
}
