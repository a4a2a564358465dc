// Stores the voice messages that waited on local disk while the store was unreachable
// (pending-messages.ts), in the main process: at start (before the recovery of unfinished
// recordings), when a worker says it left one, when the store answers again, and on a back-off
// timer while entries wait (1 s, 2 s, 5 s, 10 s, then every 30 s). For each entry: the row by its
// message key, written if missing; then completed from 'recording' exactly as the worker would
// have (completeMessage changes only a row still 'recording', so a recovery that got there first,
// or an earlier pass whose answer was lost, is not repeated); then the entry goes. The delivery
// queue and MWI are told afterwards: delivery reads the row's state, so it sends each message once.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { missedCallNotificationsFor } from '../../org/mailbox-policies.js';
import { beginMessage, completeMessage, messageByKey } from '../../org/voice-messages.js';
import type { RecordingAudioStore } from '../../store/audio/audio-store.js';
import { SerialPasses } from '../serial-passes.js';
import type { Database } from '../../store/schema.js';
import { isConnectionError } from '../../store/store-health.js';
import { PendingMessages, type PendingMessage } from './pending-messages.js';

export const STORE_RETRY_MS = [1000, 2000, 5000, 10_000, 30_000];
/** Entries per pass; a pass that is full runs again at once. */
const BATCH = 100;
/** Passes an entry the store refuses (not an outage) gets before it is set aside. */
const MAX_REFUSED = 5;

export interface StoreRetryDeps {
  db: Kysely<Database>;
  audio: RecordingAudioStore;
  dataDir: string;
  log: Logger;
  /** Messages were stored for these users: deliver them and update their lamps. */
  onStored(userIds: number[]): void;
  retryMs?: readonly number[];
}

export class StoreRetry {
  readonly #d: StoreRetryDeps;
  readonly #pending: PendingMessages;
  readonly #log: Logger;
  readonly #passes = new SerialPasses(() => this.run().then(() => undefined));
  #failures = 0;
  /** Entries the store refused (not an outage), by key: how many passes in a row. */
  readonly #refused = new Map<string, number>();

  constructor(deps: StoreRetryDeps) {
    this.#d = deps;
    this.#pending = new PendingMessages(deps.dataDir);
    this.#log = deps.log.child({ component: 'voicemail-store-retry' });
  }

  /** Runs a pass now (or right after the one running). */
  kick(): void {
    this.#passes.kick();
  }

  /** One pass; resolves with how many entries still wait. Never rejects. */
  async run(): Promise<number> {
    let stored = 0;
    const users = new Set<number>();
    let waiting = 0;
    let retryLater = false;
    try {
      for (let round = 0; round < 100; round++) {
        const entries = await this.#pending.list(BATCH);
        for (const e of entries) {
          if ('damaged' in e) {
            this.#log.error({ key: e.key, problem: e.damaged }, 'a voice message waiting for the store cannot be read: set aside as .damaged');
            await this.#pending.setAside(e.key);
            continue;
          }
          let done: boolean;
          try {
            done = await this.#store(e.entry);
          } catch (err) {
            if (isConnectionError(err)) throw err;
            // An answer, not an outage (the user was removed meanwhile, say): a few more passes,
            // then it is set aside rather than hold up the others for ever.
            const tries = (this.#refused.get(e.key) ?? 0) + 1;
            this.#refused.set(e.key, tries);
            this.#log.error({ err, key: e.key, tries }, tries >= MAX_REFUSED ? 'the store refuses a voice message that waited: set aside as .damaged' : 'the store refused a voice message that waited: will retry');
            if (tries >= MAX_REFUSED) await this.#pending.setAside(e.key);
            else retryLater = true;
            continue;
          }
          if (done) {
            users.add(e.entry.row.userId);
            stored++;
          }
          await this.#pending.remove(e.key);
          this.#refused.delete(e.key);
        }
        if (entries.length < BATCH || retryLater) break;
      }
      this.#failures = 0;
      if (retryLater) this.#arm(STORE_RETRY_MS.at(-1) ?? 30_000);
    } catch (err) {
      waiting = (await this.#pending.list(BATCH).catch(() => [])).length;
      this.#failures++;
      const delay = this.#delay();
      const away = isConnectionError(err);
      this.#log[away ? 'warn' : 'error']({ err: away ? undefined : err, problem: (err as Error).message, waiting, retryInMs: delay },
        away ? 'the store is still unreachable: voice messages wait on local disk' : 'storing the voice messages that waited failed');
      this.#arm(delay);
    }
    if (stored > 0) {
      this.#log.info({ messages: stored }, 'stored voice messages that waited on local disk while the store was unreachable');
      this.#d.onStored([...users]);
    }
    return waiting;
  }

  /** Resolves when no pass is running (tests, shutdown). */
  async idle(): Promise<void> {
    await this.#passes.idle();
  }

  async stop(): Promise<void> {
    await this.#passes.stop();
  }

  /** Writes and completes one message's row; true when this pass completed it (false: done before). */
  async #store(m: PendingMessage): Promise<boolean> {
    const db = this.#d.db;
    const found = await messageByKey(db, m.row.key);
    if (found && found.state !== 'recording') return false;
    const id = found?.id ?? await beginMessage(db, m.row, m.receivedAt);
    if (m.end.state === 'stored') {
      await this.#d.audio.commit(m.row.audioPath);
      return completeMessage(db, id, m.end);
    }
    const notify = await missedCallNotificationsFor(db, m.row.userId);
    return completeMessage(db, id, { ...m.end, audioPath: '', notifyMissed: notify });
  }

  #delay(): number {
    const steps = this.#d.retryMs ?? STORE_RETRY_MS;
    return steps[Math.min(this.#failures - 1, steps.length - 1)] ?? 30_000;
  }

  #arm(ms: number): void {
    this.#passes.later(ms);
  }
}
