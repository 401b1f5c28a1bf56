// Staff tables: operator accounts (an admin, or venue staff limited to some
// providers), their sessions (stored as the token's sha256, like customers'),
// and the audit log of what operators changed. The log keeps the actor's
// e-mail as text, so an entry outlives the account that made it.
import type { Generated, Kysely, Migration } from 'kysely';
import type { Dialect } from '../../common/db.js';

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
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('staff')
        .addColumn('staff_id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('provider_ids', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('staff_sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.staff_id'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('staff_sessions_staff').on('staff_sessions').column('staff_id').execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('audit_id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('actor_staff_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('provider_id', 'text')
        .addColumn('target', 'text')
        .addColumn('details', 'text', (c) => c.notNull())
        .execute();
      // A venue's page of the log, newest first.
      await db.schema.createIndex('audit_log_provider').on('audit_log').columns(['provider_id', 'audit_id']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('audit_log').execute();
      await db.schema.dropTable('staff_sessions').execute();
      await db.schema.dropTable('staff').execute();
    },
  };
}
