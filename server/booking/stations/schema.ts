// What each gate station last said of itself (heartbeat.ts), migration
// 010_station_status. A revoked station keeps its token hash, so that its next
// call is told it was revoked rather than that it is unknown.
import { schemaMigration } from '../../common/table-definitions.js';

export const stationStatusMigration = schemaMigration({ addColumns: { stations: { last_seen_at: 'bigint', status: 'text' } } });
