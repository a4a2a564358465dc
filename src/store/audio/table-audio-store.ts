// Audio in the store itself (table audio_objects, blob on SQLite, bytea on PostgreSQL): what every
// node sharing a PostgreSQL store sees. Greetings and recorded names live here on both engines,
// as greetings always have (they are small and every node plays them). Built on a Kysely or a
// Transaction, so a change can share its transaction with the audit entry.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { checkAudioKey, type AudioStore } from './audio-store.js';

export class TableAudioStore implements AudioStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async put(key: string, wav: Buffer): Promise<void> {
    const now = new Date().toISOString();
    await this.#db.insertInto('audio_objects').values({ key: checkAudioKey(key), data: wav, bytes: wav.length, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ data: wav, bytes: wav.length, updated_at: now }))
      .execute();
  }

  async get(key: string): Promise<Buffer | undefined> {
    const row = await this.#db.selectFrom('audio_objects').select('data').where('key', '=', checkAudioKey(key)).executeTakeFirst();
    return row ? Buffer.from(row.data) : undefined;
  }

  async delete(key: string): Promise<void> {
    await this.#db.deleteFrom('audio_objects').where('key', '=', checkAudioKey(key)).execute();
  }
}
