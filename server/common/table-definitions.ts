// Migrations written as what they make: tables (each column its SQL definition
// after the name, in words SQLite and PostgreSQL both accept), the indexes on
// them, and the columns and indexes added to tables that exist. The one
// definition the two dialects word differently is a function of the dialect.
// A migration that has run must keep making exactly what it made: a change to
// a table is a new migration, never an edit of an old definition.
import { type CreateTableBuilder, type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from './db.js';

/** column name → the rest of its definition, e.g. `text not null references users(user_id)` */
export type Columns = Record<string, string>;

/** index name → its columns in order, or `{ unique: columns }` */
export type Indexes = Record<string, readonly string[] | { unique: readonly string[] }>;

export interface TableDefinition {
  columns: Columns;
  /** a primary key over several columns, as a named constraint */
  primaryKey?: { name: string; columns: readonly string[] };
  /** made right after the table, in this order */
  indexes?: Indexes;
}

export interface SchemaChange {
  /** table → columns added to it, one ALTER TABLE each (SQLite adds one at a time) */
  addColumns?: Record<string, Columns>;
  /** run after the new columns exist and before any index is made, e.g. to fill them */
  fill?: (db: Kysely<unknown>) => Promise<void>;
  /** table that exists → indexes made on it */
  indexes?: Record<string, Indexes>;
  /** tables made, in this order, each with its indexes */
  tables?: Record<string, TableDefinition>;
}

/** A sequence both dialects assign on insert, as the primary key: a reader's cursor, a log's order. */
export function serialPrimaryKey(dialect: Dialect): string {
  return dialect === 'postgres' ? 'bigserial primary key' : 'integer primary key autoincrement';
}

/** The migration that makes `change`; undoing it drops what it made, last made first. */
export function schemaMigration(change: SchemaChange): Migration {
  const added = Object.entries(change.addColumns ?? {});
  const indexed = Object.entries(change.indexes ?? {});
  const tables = Object.entries(change.tables ?? {});
  return {
    async up(db: Kysely<unknown>) {
      for (const [table, columns] of added) {
        for (const [name, definition] of Object.entries(columns)) await db.schema.alterTable(table).addColumn(name, sql.raw(definition)).execute();
      }
      await change.fill?.(db);
      for (const [table, indexes] of indexed) await createIndexes(db, table, indexes);
      for (const [table, { columns, primaryKey, indexes }] of tables) {
        let create: CreateTableBuilder<string, string> = db.schema.createTable(table);
        for (const [name, definition] of Object.entries(columns)) create = create.addColumn(name, sql.raw(definition));
        if (primaryKey) create = create.addPrimaryKeyConstraint(primaryKey.name, [...primaryKey.columns]);
        await create.execute();
        await createIndexes(db, table, indexes ?? {});
      }
    },
    async down(db: Kysely<unknown>) {
      for (const [table] of [...tables].reverse()) await db.schema.dropTable(table).execute();
      for (const name of indexed.flatMap(([, indexes]) => Object.keys(indexes)).reverse()) await db.schema.dropIndex(name).execute();
      for (const [table, columns] of [...added].reverse()) {
        for (const name of Object.keys(columns).reverse()) await db.schema.alterTable(table).dropColumn(name).execute();
      }
    },
  };
}

async function createIndexes(db: Kysely<unknown>, table: string, indexes: Indexes): Promise<void> {
  for (const [name, on] of Object.entries(indexes)) {
    const index = db.schema.createIndex(name).on(table);
    await ('unique' in on ? index.columns([...on.unique]).unique() : index.columns([...on])).execute();
  }
}
