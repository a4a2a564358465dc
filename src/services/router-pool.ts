// Runs the Call Router processes under node:cluster, so that they share the SIP sockets and use
// every core, and restarts one that dies.
import cluster, { type Worker as ClusterWorker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { ROUTER_ENV, type RouterEnv } from './call-router/router-env.js';

const ROUTER_MAIN = fileURLToPath(new URL('./call-router/main.js', import.meta.url));

export class RouterPool {
  readonly #log: Logger;
  readonly #envs: RouterEnv[];
  readonly #workers = new Map<number, ClusterWorker>();
  #stopping = false;
  #restarts = 0;

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
      w.on('message', (m: { type?: string }) => {
        if (m?.type === 'ready' && !ready) { ready = true; resolve(); }
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
