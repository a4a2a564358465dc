// Runs the Call Router processes under node:cluster, so that they share the SIP sockets and use
// every core, and restarts one that dies.
import cluster, { type Worker as ClusterWorker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { ROUTER_ENV, type RouterEnv } from './call-router/router-env.js';
import type { RefusalEntry } from './routing/refusal-log.js';

/** A Call Router process that does not answer in this time is left out of the refusals. */
const STATUS_TIMEOUT_MS = 1000;

const ROUTER_MAIN = fileURLToPath(new URL('./call-router/main.js', import.meta.url));

export class RouterPool {
  readonly #log: Logger;
  readonly #envs: RouterEnv[];
  readonly #workers = new Map<number, ClusterWorker>();
  #stopping = false;
  #restarts = 0;
  readonly #asked = new Map<number, (refusals: RefusalEntry[]) => void>();
  #nextStatusId = 1;

  constructor(envs: RouterEnv[], log: Logger) {
    this.#log = log.child({ component: 'router-pool' });
    this.#envs = envs;
  }

  get running(): number {
    return [...this.#workers.values()].filter((w) => !w.isDead()).length;
  }

  async start(): Promise<void> {
    cluster.setupPrimary({ exec: ROUTER_MAIN, args: [], silent: false });
    await Promise.all(this.#envs.map((e) => this.#spawn(e)));
  }

  /** The last refusals of every Call Router process (each its own ring), one list per process. */
  status(): Promise<RefusalEntry[][]> {
    return Promise.all([...this.#workers.values()].map((w) => new Promise<RefusalEntry[]>((resolve) => {
      if (w.isDead() || !w.isConnected()) return resolve([]);
      const id = this.#nextStatusId++;
      const timer = setTimeout(() => { this.#asked.delete(id); resolve([]); }, STATUS_TIMEOUT_MS);
      this.#asked.set(id, (r) => { clearTimeout(timer); resolve(r); });
      w.send({ type: 'status', id });
    })));
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all([...this.#workers.values()].map((w) => new Promise<void>((resolve) => {
      if (w.isDead()) return resolve();
      const timer = setTimeout(() => w.process.kill('SIGKILL'), 3000);
      w.once('exit', () => { clearTimeout(timer); resolve(); });
      w.process.kill('SIGTERM');
    })));
  }

  #spawn(e: RouterEnv): Promise<void> {
    return new Promise((resolve) => {
      const w = cluster.fork({ [ROUTER_ENV]: JSON.stringify(e) });
      this.#workers.set(e.index, w);
      let ready = false;
      w.on('message', (m: { type?: string; id?: number; refusals?: unknown }) => {
        if (m?.type === 'ready' && !ready) { ready = true; resolve(); }
        if (m?.type === 'status' && typeof m.id === 'number') {
          const answer = this.#asked.get(m.id);
          this.#asked.delete(m.id);
          answer?.(Array.isArray(m.refusals) ? m.refusals as RefusalEntry[] : []);
        }
      });
      w.on('exit', (code, signal) => {
        if (!ready) { ready = true; resolve(); }
        if (this.#stopping) return;
        this.#restarts++;
        const delay = Math.min(30_000, 500 * 2 ** Math.min(this.#restarts, 6));
        this.#log.error({ router: e.index, code, signal, restartIn: delay }, 'Call Router process exited: restarting it');
        setTimeout(() => { if (!this.#stopping) void this.#spawn(e); }, delay).unref();
      });
    });
  }
}
