// Notices changes made by any process (the CLI, another node's admin API) by polling the store's
// revision counter, and tells its listeners once per change. Polling one row every half second
// costs nothing measurable and works for SQLite and for several nodes on PostgreSQL alike.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { readRevision } from '../store/revision.js';
import type { Database } from '../store/schema.js';

export type ChangeListener = (revision: number) => Promise<void>;

export class ChangeWatcher {
  readonly #db: Kysely<Database>;
  readonly #log: Logger;
  readonly #intervalMs: number;
  readonly #listeners: ChangeListener[] = [];
  #revision = -1;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #failing = false;

  constructor(db: Kysely<Database>, log: Logger, intervalMs = 500) {
    this.#db = db;
    this.#log = log;
    this.#intervalMs = intervalMs;
  }

  onChange(listener: ChangeListener): void {
    this.#listeners.push(listener);
  }

  async start(): Promise<void> {
    this.#revision = await readRevision(this.#db);
    this.#timer = setInterval(() => {
      this.#running ??= this.check().finally(() => { this.#running = undefined; });
    }, this.#intervalMs);
    this.#timer.unref();
  }

  /** Reads the revision and runs every listener if it moved; a failing listener is logged, never fatal. */
  async check(): Promise<void> {
    let revision: number;
    try {
      revision = await readRevision(this.#db);
    } catch (e) {
      // Once per outage, not every half second while the store is away.
      if (!this.#failing) this.#log.warn({ err: e }, 'cannot read the store revision; will retry');
      this.#failing = true;
      return;
    }
    if (this.#failing) this.#log.info({ revision }, 'the store revision can be read again');
    this.#failing = false;
    if (revision === this.#revision) return;
    this.#revision = revision;
    for (const l of this.#listeners) {
      try {
        await l(revision);
      } catch (e) {
        this.#log.error({ err: e, revision }, 'reloading after a configuration change failed');
      }
    }
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
  }
}
