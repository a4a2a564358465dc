// Recordings for several nodes sharing a PostgreSQL store: a recording is spooled to a local file
// as it arrives (crash-safe: recovery on this node repairs it, as with FileAudioStore), and
// commit() moves it into the store's audio table, where every node reads it. Reads fall back to
// the spool, so a message being committed (or left by a crash) is still found on its own node.
// services/mailbox/open-mailbox.ts chooses it when the store is PostgreSQL.
import { readFile, rm } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { RecordingAudioStore } from './audio-store.js';
import { FileAudioStore } from './file-audio-store.js';
import { TableAudioStore } from './table-audio-store.js';

export class SpooledTableAudioStore implements RecordingAudioStore {
  readonly #spool: FileAudioStore;
  readonly #table: TableAudioStore;

  constructor(db: Kysely<Database>, spoolDir: string) {
    this.#spool = new FileAudioStore(spoolDir);
    this.#table = new TableAudioStore(db);
  }

  put(key: string, wav: Buffer): Promise<void> {
    return this.#table.put(key, wav);
  }

  async get(key: string): Promise<Buffer | undefined> {
    return (await this.#table.get(key)) ?? this.#spool.get(key);
  }

  async delete(key: string): Promise<void> {
    await this.#table.delete(key);
    await this.#spool.delete(key);
  }

  spoolPath(key: string): Promise<string> {
    return this.#spool.spoolPath(key);
  }

  async commit(key: string): Promise<void> {
    const path = await this.#spool.spoolPath(key);
    await this.#table.put(key, await readFile(path));
    await rm(path, { force: true });
  }
}
