// The change revision: one counter bumped by every write. A running server polls it (a one-row
// read) and reloads what changed, so a CLI command takes effect without a restart whether or not
// the server was running when it was given. Works the same for several nodes sharing PostgreSQL.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

export async function bumpRevision(trx: Transaction<Database> | Kysely<Database>): Promise<void> {
  await trx.updateTable('revision')
    .set((eb) => ({ value: eb('value', '+', 1), changed_at: new Date().toISOString() }))
    .where('id', '=', 1)
    .execute();
}

export async function readRevision(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('revision').select('value').where('id', '=', 1).executeTakeFirst();
  return Number(row?.value ?? 0);
}
