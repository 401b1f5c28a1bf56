// Staff tables: operator accounts (an admin, or venue staff limited to some
// providers), their sessions (stored as the token's sha256, like customers'),
// and the audit log of what operators changed. The log keeps the actor's
// e-mail as text, so an entry outlives the account that made it.
import type { Generated, Migration } from 'kysely';
import type { Dialect } from '../../common/db.js';
import { schemaMigration, serialPrimaryKey } from '../../common/table-definitions.js';

export const STAFF_ROLES = ['admin', 'venue'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffTable {
  staff_id: string;
  /** trimmed, lower case */
  email: string;
  password_hash: string;
  role: StaffRole;
  /** JSON array of provider IDs; [] for an admin */
  provider_ids: string;
  created_at: number;
  updated_at: number;
}

export interface StaffSessionsTable {
  token_hash: string;
  staff_id: string;
  created_at: number;
  expires_at: number;
}

export interface AuditLogTable {
  audit_id: Generated<number>;
  at: number;
  /** the staff member's e-mail, or "admin token" */
  actor: string;
  /** null for the admin token */
  actor_staff_id: string | null;
  action: string;
  provider_id: string | null;
  target: string | null;
  /** JSON object; never a secret */
  details: string;
}

export interface StaffDB {
  staff: StaffTable;
  staff_sessions: StaffSessionsTable;
  audit_log: AuditLogTable;
}

export function staffMigration(dialect: Dialect): Migration {
  return schemaMigration({
    tables: {
      staff: {
        columns: {
          staff_id: 'text primary key',
          email: 'text not null unique',
          password_hash: 'text not null',
          role: 'text not null',
          provider_ids: 'text not null',
          created_at: 'bigint not null',
          updated_at: 'bigint not null',
        },
      },
      staff_sessions: {
        columns: {
          token_hash: 'text primary key',
          staff_id: 'text not null references staff(staff_id)',
          created_at: 'bigint not null',
          expires_at: 'bigint not null',
        },
        indexes: { staff_sessions_staff: ['staff_id'] },
      },
      audit_log: {
        columns: {
          audit_id: serialPrimaryKey(dialect),
          at: 'bigint not null',
          actor: 'text not null',
          actor_staff_id: 'text',
          action: 'text not null',
          provider_id: 'text',
          target: 'text',
          details: 'text not null',
        },
        // A venue's page of the log, newest first.
        indexes: { audit_log_provider: ['provider_id', 'audit_id'] },
      },
    },
  });
}
