// Hands Play on Phone calls queued in the store (by the admin API or the CLI, from any process) to
// a UM worker of this node, by IPC: the live, non-draining worker with the fewest calls. A cancel
// asked for a call a worker carries is forwarded to that worker. Runs on every store change.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { failInterrupted, pendingPlayOnPhone, setPlayOnPhoneState } from '../org/play-on-phone.js';
import type { Database } from '../store/schema.js';
import type { Supervisor } from './supervisor.js';

export class PlayOnPhoneDispatcher {
  readonly #db: Kysely<Database>;
  readonly #server: string;
  readonly #supervisor: Supervisor;
  readonly #log: Logger;
  readonly #cancelsSent = new Set<number>();
  #running: Promise<void> | undefined;
  #again = false;

  constructor(deps: { db: Kysely<Database>; serverName: string; supervisor: Supervisor; log: Logger }) {
    this.#db = deps.db;
    this.#server = deps.serverName;
    this.#supervisor = deps.supervisor;
    this.#log = deps.log.child({ component: 'play-on-phone' });
  }

  /** Calls left unfinished by a worker that exited (`worker`) or by the last run of the server (no `worker`). */
  async interrupted(worker?: number): Promise<void> {
    const n = await failInterrupted(this.#db, this.#server, worker);
    if (n > 0) this.#log.warn({ calls: n, worker: worker === undefined ? 'all' : worker + 1 }, 'Play on Phone calls interrupted: marked failed');
  }

  /** One pass at a time; a call while one runs makes it run once more. */
  dispatch(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        try {
          await this.#pass();
        } catch (err) {
          this.#log.warn({ err }, 'Play on Phone dispatch failed; retried at the next change');
        }
      } while (this.#again);
    })().finally(() => { this.#running = undefined; });
    return this.#running;
  }

  async #pass(): Promise<void> {
    for (const call of await pendingPlayOnPhone(this.#db, this.#server)) {
      if (call.state === 'queued') {
        const worker = this.#supervisor.slots().filter((s) => s.alive && !s.draining).sort((a, b) => a.calls - b.calls)[0];
        if (!worker) {
          this.#log.warn({ id: call.id }, 'Play on Phone: no UM worker is running; the call waits');
          continue;
        }
        // 'dialing' with the worker first, so a second pass does not hand it out again.
        await setPlayOnPhoneState(this.#db, call.id, 'dialing', { worker: worker.index });
        if (!this.#supervisor.send(worker.index, { type: 'play-on-phone', id: call.id })) {
          await setPlayOnPhoneState(this.#db, call.id, 'failed', { reason: `UM worker ${worker.index + 1} went away before the call` });
        }
        this.#log.info({ id: call.id, worker: worker.index + 1 }, 'Play on Phone call handed to a UM worker');
      } else if (call.cancelRequested && call.worker !== null && !this.#cancelsSent.has(call.id)) {
        this.#cancelsSent.add(call.id);
        if (this.#cancelsSent.size > 10_000) this.#cancelsSent.clear();
        this.#supervisor.send(call.worker, { type: 'play-on-phone-cancel', id: call.id });
      }
    }
  }
}
