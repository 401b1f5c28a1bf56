// The start pass over every stored secret (sealed.ts). Each is opened once, so
// a database sealed under another key, or sealed while no key is given, stops
// the start with a clear error instead of failing at the first ticket. With a
// key, values still in plaintext (stored before the key was given) are sealed
// in place; each update is conditional on the value read, so two processes
// starting together cannot seal a value twice.
//
// On SQLite the plaintext must also leave the file: the pass runs with
// secure_delete on (the freed bytes of each old value are zeroed) and ends
// with a truncating checkpoint (the WAL's copies of the old pages go). On
// PostgreSQL the old row versions stay in the table files until VACUUM FULL.
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../../common/db.js';
import type { BookingDB } from '../schema.js';
import { isSealed, SEALED, SEALED_SETTINGS, type Sealer } from './sealed.js';

/** Returns how many values were sealed now. */
export async function sealStoredSecrets(db: Kysely<BookingDB>, sealer: Sealer, dialect: Dialect): Promise<number> {
  if (!sealer.sealing || dialect !== 'sqlite') return sealPass(db, sealer);
  await sql`pragma secure_delete = on`.execute(db);
  try {
    const sealed = await sealPass(db, sealer);
    if (sealed > 0) await sql`pragma wal_checkpoint(truncate)`.execute(db);
    return sealed;
  } finally {
    await sql`pragma secure_delete = off`.execute(db);
  }
}

async function sealPass(db: Kysely<BookingDB>, sealer: Sealer): Promise<number> {
  let sealed = 0;
  const keys = await db.selectFrom('signing_keys').select(['key_id', 'private_key']).where('retired_at', 'is', null).execute();
  for (const k of keys) {
    const place = SEALED.signingKey(k.key_id);
    const plain = sealer.open(k.private_key, place);
    if (!sealer.sealing || isSealed(k.private_key)) continue;
    const res = await db
      .updateTable('signing_keys')
      .set({ private_key: sealer.seal(plain, place) })
      .where('key_id', '=', k.key_id)
      .where('private_key', '=', k.private_key)
      .executeTakeFirst();
    sealed += Number(res.numUpdatedRows);
  }
  const providers = await db.selectFrom('providers').select(['provider_id', 'secret']).execute();
  for (const p of providers) {
    const place = SEALED.providerSecret(p.provider_id);
    const plain = sealer.open(p.secret, place);
    if (!sealer.sealing || isSealed(p.secret)) continue;
    const res = await db
      .updateTable('providers')
      .set({ secret: sealer.seal(plain, place) })
      .where('provider_id', '=', p.provider_id)
      .where('secret', '=', p.secret)
      .executeTakeFirst();
    sealed += Number(res.numUpdatedRows);
  }
  const settings = await db.selectFrom('settings').select(['name', 'value']).where('name', 'in', SEALED_SETTINGS).execute();
  for (const s of settings) {
    const place = SEALED.setting(s.name);
    const plain = sealer.open(s.value, place);
    if (!sealer.sealing || isSealed(s.value)) continue;
    const res = await db
      .updateTable('settings')
      .set({ value: sealer.seal(plain, place) })
      .where('name', '=', s.name)
      .where('value', '=', s.value)
      .executeTakeFirst();
    sealed += Number(res.numUpdatedRows);
  }
  return sealed;
}
