// Signing key retirement (key-retirement.ts): when a key stopped being trusted,
// and the index through which a retired key's still-valid tickets are found to
// be signed again, by any process, at any time.
import { schemaMigration } from '../../common/table-definitions.js';

/** 006_signing_key_retirement */
export const signingKeyRetirementMigration = schemaMigration({
  addColumns: { signing_keys: { retired_at: 'bigint' } },
  indexes: { tickets: { tickets_key: ['key_id', 'valid_until'] } },
});
