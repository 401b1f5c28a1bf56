// 020_owner_pages: My tickets reads a customer's tickets in show-time order a
// page at a time (owner-views.ts): an index range after the cursor, not a sort
// of everything they ever bought. Orders already have (user_id, created_at).
import { schemaMigration } from '../../common/table-definitions.js';

export const ownerPagesMigration = schemaMigration({ indexes: { tickets: { tickets_owner_show: ['user_id', 'starts_at', 'ticket_id'] } } });
