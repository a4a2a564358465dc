// The routing token key: 32 random bytes made once and kept in the store's meta table, so every
// role of every node sharing the store (SQLite on one machine, PostgreSQL for several) signs and
// verifies with the same key. The first process to need it makes it; a concurrent first start
// keeps whichever was written first (insert … on conflict do nothing, then read back).
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';

export const ROUTING_KEY_META = 'routing_token_key';

export async function loadRoutingKey(db: Kysely<Database>): Promise<Buffer> {
  const read = async () => (await db.selectFrom('meta').select('value').where('key', '=', ROUTING_KEY_META).executeTakeFirst())?.value;
  let value = await read();
  if (value === undefined) {
    await db.insertInto('meta').values({ key: ROUTING_KEY_META, value: randomBytes(32).toString('base64url') })
      .onConflict((oc) => oc.column('key').doNothing()).execute();
    value = await read();
  }
  const key = Buffer.from(value ?? '', 'base64url');
  if (key.length < 32) throw new Error(`the store's ${ROUTING_KEY_META} is not a 32-byte key: delete that meta row to make a new one`);
  return key;
}
