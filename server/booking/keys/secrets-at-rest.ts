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
import { isSealed, SEALED, SEALED_SETTINGS, type SealedPlace, type Sealer } from './sealed.js';

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

/** One stored secret: its value, where it is (the sealing's associated data), and how to replace it if unchanged. */
interface StoredSecret {
  value: string;
  place: SealedPlace;
  replace(sealed: string): Promise<{ numUpdatedRows: bigint }>;
}

async function sealPass(db: Kysely<BookingDB>, sealer: Sealer): Promise<number> {
  const keys = await db.selectFrom('signing_keys').select(['key_id', 'private_key']).where('retired_at', 'is', null).execute();
  const providers = await db.selectFrom('providers').select(['provider_id', 'secret']).execute();
  const settings = await db.selectFrom('settings').select(['name', 'value']).where('name', 'in', SEALED_SETTINGS).execute();
  const stored: StoredSecret[] = [
    ...keys.map((k) => ({
      value: k.private_key,
      place: SEALED.signingKey(k.key_id),
      replace: (v: string) => db.updateTable('signing_keys').set({ private_key: v }).where('key_id', '=', k.key_id).where('private_key', '=', k.private_key).executeTakeFirst(),
    })),
    ...providers.map((p) => ({
      value: p.secret,
      place: SEALED.providerSecret(p.provider_id),
      replace: (v: string) => db.updateTable('providers').set({ secret: v }).where('provider_id', '=', p.provider_id).where('secret', '=', p.secret).executeTakeFirst(),
    })),
    ...settings.map((st) => ({
      value: st.value,
      place: SEALED.setting(st.name),
      replace: (v: string) => db.updateTable('settings').set({ value: v }).where('name', '=', st.name).where('value', '=', st.value).executeTakeFirst(),
    })),
  ];
  let sealed = 0;
  for (const secret of stored) {
    // Opened first, sealed or not: a value sealed under another key stops the start here.
    const plain = sealer.open(secret.value, secret.place);
    if (!sealer.sealing || isSealed(secret.value)) continue;
    sealed += Number((await secret.replace(sealer.seal(plain, secret.place))).numUpdatedRows);
  }
  return sealed;
}
