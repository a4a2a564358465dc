// Runs the Call Router processes under node:cluster, so that they share the SIP sockets and use
// every core, and restarts one that dies.
import cluster, { type Worker as ClusterWorker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { ROUTER_ENV, type RouterEnv } from './call-router/router-env.js';
import { countRestart, type MetricsJson } from './ops/process-metrics.js';
import type { RefusalEntry } from './routing/refusal-log.js';
import { RestartBackoff } from './restart-backoff.js';
import { childExecArgv } from './child-v8-flags.js';

/** A Call Router process that does not answer in this time is left out of the refusals. */
const STATUS_TIMEOUT_MS = 1000;

const ROUTER_MAIN = fileURLToPath(new URL('./call-router/main.js', import.meta.url));

export class RouterPool {
  readonly #log: Logger;
  readonly #envs: RouterEnv[];
  readonly #workers = new Map<number, ClusterWorker>();
  /** Processes replaced by rollingRestart: their exit is expected, not a crash to restart. */
  readonly #retiring = new WeakSet<ClusterWorker>();
  #stopping = false;
  /** Per Call Router process (by index): the delay before starting it again after a crash. */
  readonly #backoff = new Map<number, RestartBackoff>();
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
    cluster.setupPrimary({ exec: ROUTER_MAIN, args: [], silent: false, execArgv: childExecArgv('call-router') });
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

  readonly #metricsAsked = new Map<number, (m: MetricsJson) => void>();

  /** Every Call Router process's metrics; one that does not answer in time is left out. */
  metrics(): Promise<MetricsJson[]> {
    return Promise.all([...this.#workers.values()].map((w) => new Promise<MetricsJson>((resolve) => {
      if (w.isDead() || !w.isConnected()) return resolve([]);
      const id = this.#nextStatusId++;
      const timer = setTimeout(() => { this.#metricsAsked.delete(id); resolve([]); }, STATUS_TIMEOUT_MS);
      this.#metricsAsked.set(id, (m) => { clearTimeout(timer); resolve(m); });
      w.send({ type: 'metrics', id });
    })));
  }

  /**
   * Replaces every Call Router process, one at a time: a new one starts and shares the SIP
   * sockets, then the old one stops (SIGTERM: it closes its connections after answering what it
   * has read; gateways open a new connection for their next request, RFC 3261 §18.1.1). The node
   * holds the listening sockets throughout, so the ports keep answering and no call is refused.
   * An old process still running after `timeoutMs` is killed. Resolves with the count replaced;
   * throws, keeping the old process, when a new one does not start.
   */
  async rollingRestart(timeoutMs: number): Promise<number> {
    let replaced = 0;
    for (const e of this.#envs) {
      const old = this.#workers.get(e.index);
      await this.#spawn(e);
      const fresh = this.#workers.get(e.index);
      if (!fresh || fresh.isDead()) {
        if (fresh) this.#retiring.add(fresh);
        if (old) this.#workers.set(e.index, old);
        throw new Error(`a new Call Router process (${e.index + 1}) did not start; the old one keeps running`);
      }
      if (old && !old.isDead()) {
        this.#retiring.add(old);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => old.process.kill('SIGKILL'), Math.max(1000, timeoutMs));
          old.once('exit', () => { clearTimeout(timer); resolve(); });
          old.process.kill('SIGTERM');
        });
      }
      replaced++;
    }
    return replaced;
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
      const backoff = this.#backoff.get(e.index) ?? new RestartBackoff();
      this.#backoff.set(e.index, backoff);
      backoff.started();
      let ready = false;
      w.on('message', (m: { type?: string; id?: number; refusals?: unknown; metrics?: unknown }) => {
        if (m?.type === 'ready' && !ready) { ready = true; resolve(); }
        if (m?.type === 'status' && typeof m.id === 'number') {
          const answer = this.#asked.get(m.id);
          this.#asked.delete(m.id);
          answer?.(Array.isArray(m.refusals) ? m.refusals as RefusalEntry[] : []);
        }
        if (m?.type === 'metrics' && typeof m.id === 'number') {
          const answer = this.#metricsAsked.get(m.id);
          this.#metricsAsked.delete(m.id);
          answer?.(Array.isArray(m.metrics) ? m.metrics as MetricsJson : []);
        }
      });
      w.on('exit', (code, signal) => {
        if (!ready) { ready = true; resolve(); }
        if (this.#stopping || this.#retiring.has(w)) return;
        countRestart('call-router');
        const delay = backoff.nextDelay();
        this.#log.error({ router: e.index, code, signal, restartIn: delay }, 'Call Router process exited: restarting it');
        setTimeout(() => { if (!this.#stopping && !this.#retiring.has(w)) void this.#spawn(e); }, delay).unref();
      });
    });
  }
}
