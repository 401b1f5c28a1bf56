// What the provider registry (registry.ts) keeps of a provider beyond the
// initial tables: whether its scans may be sent together, and its instances.
import { schemaMigration } from '../../common/table-definitions.js';

/** 005_provider_batch_scans: 1: scans arriving together may go in one call (verify-coalescer.ts) */
export const providerBatchScansMigration = schemaMigration({ addColumns: { providers: { batch_scans: 'integer not null default 1' } } });

/** 008_provider_verify_urls: several instances of one verification server (provider-client.ts); verify_url stays the first. */
export const providerVerifyUrlsMigration = schemaMigration({ addColumns: { providers: { verify_urls: 'text' } } });
