// Carries out the role restarts asked of this node through the store (org/role-restarts.ts:
// `openum service restart um|callrouter --node N` from any node's data directory, or the admin
// API), one at a time, and records each step in the request's row for the one who asked and for
// `openum node list`. The change watcher tells it of a new request; the restart itself runs
// beside the watcher, which must go on reloading the roles meanwhile.
import type { Logger } from 'pino';
import { failUnfinishedRestarts, requestedRestarts, roleName, updateRoleRestart, type RoleRestart } from '../org/role-restarts.js';
import type { OpenNode } from './node.js';
import type { SipRoles } from './sip-roles.js';

export interface RoleRestarterOptions {
  node: OpenNode;
  /** This node's name (its row in the node list). */
  name: string;
  roles: SipRoles;
  log: Logger;
  /** Writes a heartbeat now, so the node list shows what changed without waiting for the next one. */
  beat: () => Promise<void>;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export class RoleRestarter {
  readonly #o: RoleRestarterOptions;
  readonly #log: Logger;
  /** Requests taken (by id), so a second store change does not start one twice. */
  readonly #taken = new Set<number>();
  #queue: Promise<void> = Promise.resolve();

  constructor(o: RoleRestarterOptions) {
    this.#o = o;
    this.#log = o.log.child({ component: 'role-restarter' });
  }

  /** Closes what a previous run of this node left unfinished: its roles start afresh now anyway. */
  async start(): Promise<void> {
    const n = await failUnfinishedRestarts(this.#o.node.store.db, this.#o.name, 'the node stopped before the restart finished; it has been started again since, with its roles afresh');
    if (n > 0) this.#log.warn({ requests: n }, 'role restarts left unfinished by the last run closed as failed');
  }

  /** Takes up new requests for this node (on every store change); returns without waiting for them to run. */
  async check(): Promise<void> {
    for (const r of await requestedRestarts(this.#o.node.store.db, this.#o.name)) {
      if (this.#taken.has(r.id)) continue;
      this.#taken.add(r.id);
      this.#queue = this.#queue.then(() => this.#run(r));
    }
  }

  /** At stop: a restart still running is recorded as failed (the one who asked hears why). */
  async stop(): Promise<void> {
    await failUnfinishedRestarts(this.#o.node.store.db, this.#o.name, 'the node was stopped during the restart').catch(() => 0);
  }

  async #run(r: RoleRestart): Promise<void> {
    const db = this.#o.node.store.db;
    const started = Date.now();
    const update = (p: Parameters<typeof updateRoleRestart>[2]) => updateRoleRestart(db, r.id, p)
      .catch((err: unknown) => this.#log.warn({ err, request: r.id }, 'could not record the restart step in the store'));
    this.#log.info({ request: r.id, role: r.role, timeoutS: r.timeoutMs / 1000, by: r.requestedBy }, `restarting the ${roleName(r.role)}`);
    try {
      if (r.role === 'um') {
        // The state updates of a running restart go in order, each after the one before.
        let steps = Promise.resolve();
        const res = await this.#o.roles.restartUm(r.timeoutMs, (p) => {
          steps = steps.then(async () => {
            if (p.state === 'draining') await update({ state: 'draining', startedAt: new Date(started).toISOString(), callsAtStart: p.calls });
            else await update({ state: 'restarting', callsEnded: p.callsEnded });
            await this.#o.beat();
          });
        });
        await steps;
        const seconds = Math.round((Date.now() - started) / 1000);
        const calls = res.callsAtStart === 0 ? 'no call was in progress'
          : res.callsEnded === 0 ? `${plural(res.callsAtStart, 'call')} in progress ended by ${res.callsAtStart === 1 ? 'itself' : 'themselves'}`
            : `${plural(res.callsAtStart, 'call')} in progress: ${res.callsAtStart - res.callsEnded} ended by themselves, ${res.callsEnded} ended at the ${r.timeoutMs / 1000} s timeout`;
        const outcome = `UM service restarted in ${seconds} s: ${calls}; ${plural(res.workers, 'worker')} restarted, SIP listeners reopened`;
        await update({ state: 'done', finishedAt: new Date().toISOString(), callsEnded: res.callsEnded, outcome });
        this.#log.info({ request: r.id, ...res }, outcome);
      } else {
        await update({ state: 'restarting', startedAt: new Date(started).toISOString(), callsAtStart: 0 });
        await this.#o.beat();
        const replaced = await this.#o.roles.restartCallRouter(r.timeoutMs);
        const outcome = `Call Router restarted in ${Math.round((Date.now() - started) / 1000)} s: ${plural(replaced, 'process', 'processes')} replaced one at a time; its SIP ports answered throughout`;
        await update({ state: 'done', finishedAt: new Date().toISOString(), callsEnded: 0, outcome });
        this.#log.info({ request: r.id, replaced }, outcome);
      }
    } catch (err) {
      this.#log.error({ err, request: r.id }, `restarting the ${roleName(r.role)} failed`);
      await update({ state: 'failed', finishedAt: new Date().toISOString(), outcome: `the ${roleName(r.role)} restart failed: ${(err as Error).message}` });
    }
    await this.#o.beat().catch(() => undefined);
  }
}
