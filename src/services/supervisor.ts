// Runs the UM worker processes (seeds: two, on 5065/5066 and 5067/5068): forks them, restarts one
// that dies, and recycles one on request — it takes no new calls, finishes the ones it has, exits
// and is started again — while the other takes the new calls.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { countRestart, type MetricsJson } from './ops/process-metrics.js';
import { RestartBackoff } from './restart-backoff.js';
import { waitUntil } from './wait-until.js';
import type { RefusalEntry } from './routing/refusal-log.js';
import type { WorkerSlot } from './um-service/um-service.js';
import type { LiveCall } from './worker/live-call.js';
import { WORKER_ENV, type FromWorker, type ToWorker, type WorkerEnv } from './worker/ipc.js';
import { childExecArgv } from './child-v8-flags.js';

const WORKER_MAIN = fileURLToPath(new URL('./worker/main.js', import.meta.url));

/** What the main process hears from and about its workers, beyond their call counts. */
export interface SupervisorHooks {
  /** A worker reported a stored voice message (IPC 'voicemail'). */
  onVoicemail?(index: number, m: { id: number; userId: number }): void;
  /** A worker left a message waiting on local disk for the store (IPC 'voicemail-pending'). */
  onVoicemailPending?(index: number): void;
  /**
   * A worker process exited (not at shutdown); `at` is when, so recovery can leave out rows the
   * restarted worker begins afterwards. Called before the restart is scheduled.
   */
  onExit?(index: number, at: string): void;
}

interface Managed {
  slot: WorkerSlot;
  env: WorkerEnv;
  child: ChildProcess | undefined;
  restarts: number;
  backoff: RestartBackoff;
  /** Status questions waiting for this worker's answer, by id. */
  asked: Map<number, (s: WorkerStatus) => void>;
  /** Processes started, and exited, for this slot so far (restartAll tells the old from the new). */
  spawned: number;
  exited: number;
}

/** What restartAll did. */
export interface RestartAllResult {
  /** Workers restarted. */
  workers: number;
  /** Calls still in progress at the timeout, ended with BYE (recordings kept) so their worker could restart. */
  callsEnded: number;
}

/** One worker's answer to a status question (ipc.ts 'status'). */
export interface WorkerStatus {
  calls: LiveCall[];
  refusals: RefusalEntry[];
}

/** A worker that does not answer in this time (busy, or just exiting) is shown with nothing. */
const STATUS_TIMEOUT_MS = 1000;

export class Supervisor {
  readonly #log: Logger;
  readonly #workers: Managed[];
  #stopping = false;
  readonly #onReport: (index: number) => void;
  readonly #hooks: SupervisorHooks;

  constructor(envs: WorkerEnv[], log: Logger, onReport: (index: number) => void = () => undefined, hooks: SupervisorHooks = {}) {
    this.#log = log.child({ component: 'supervisor' });
    this.#onReport = onReport;
    this.#hooks = hooks;
    this.#workers = envs.map((env) => ({
      env,
      child: undefined,
      restarts: 0,
      backoff: new RestartBackoff(),
      asked: new Map(),
      spawned: 0,
      exited: 0,
      slot: { index: env.index, ports: env.ports, listening: { tcp: false, tls: false }, calls: 0, alive: false, draining: false },
    }));
  }

  slots(): WorkerSlot[] {
    return this.#workers.map((w) => w.slot);
  }

  /** Starts every worker and waits until each is ready (or failed to start). */
  async start(): Promise<void> {
    await Promise.all(this.#workers.map((w) => this.#spawn(w)));
  }

  /** Sends a message to worker `index`; false when it is not running. */
  send(index: number, message: ToWorker): boolean {
    const child = this.#workers.find((x) => x.slot.index === index)?.child;
    if (!child?.connected) return false;
    child.send(message);
    return true;
  }

  /**
   * Asks every running worker for its calls in progress and last refusals. Each answers or is
   * left out after STATUS_TIMEOUT_MS, so a stuck worker cannot hold up the admin page.
   */
  status(): Promise<WorkerStatus[]> {
    return Promise.all(this.#workers.map((w) => new Promise<WorkerStatus>((resolve) => {
      const child = w.child;
      if (!child?.connected || !w.slot.alive) return resolve({ calls: [], refusals: [] });
      const id = this.#nextStatusId++;
      const timer = setTimeout(() => { w.asked.delete(id); resolve({ calls: [], refusals: [] }); }, STATUS_TIMEOUT_MS);
      w.asked.set(id, (s) => { clearTimeout(timer); resolve(s); });
      child.send({ type: 'status', id } satisfies ToWorker);
    })));
  }

  #nextStatusId = 1;
  readonly #metricsAsked = new Map<number, (m: MetricsJson) => void>();

  /** Every running worker's metrics (ipc 'metrics'); one that does not answer in time is left out. */
  metrics(): Promise<MetricsJson[]> {
    return Promise.all(this.#workers.map((w) => new Promise<MetricsJson>((resolve) => {
      const child = w.child;
      if (!child?.connected || !w.slot.alive) return resolve([]);
      const id = this.#nextStatusId++;
      const timer = setTimeout(() => { this.#metricsAsked.delete(id); resolve([]); }, STATUS_TIMEOUT_MS);
      this.#metricsAsked.set(id, (m) => { clearTimeout(timer); resolve(m); });
      child.send({ type: 'metrics', id } satisfies ToWorker);
    })));
  }

  /** Restarts after a crash, per worker (recycling is not one). */
  restarts(): number[] {
    return this.#workers.map((w) => w.restarts);
  }

  /** Drains worker `index` and starts it again once its calls have ended. */
  recycle(index: number): boolean {
    const w = this.#workers.find((x) => x.slot.index === index);
    if (!w?.child || !w.slot.alive) return false;
    w.slot.draining = true;
    this.#log.info({ worker: index + 1, calls: w.slot.calls }, 'recycling UM worker: draining its calls');
    w.child.send({ type: 'drain' } satisfies ToWorker);
    return true;
  }

  /**
   * Restarts every running worker once its calls have ended (each as recycle does, all at once;
   * the caller sends them no new call meanwhile). Calls still in progress after `timeoutMs` are
   * ended (BYE, recordings kept) so that their worker can restart. `onDrained` is told when every
   * old process has gone; the promise resolves once each worker has started again (or failed to).
   */
  async restartAll(timeoutMs: number, onDrained?: (callsEnded: number) => void): Promise<RestartAllResult> {
    const old = this.#workers.filter((w) => w.child && w.slot.alive).map((w) => ({ w, spawned: w.spawned, exited: w.exited }));
    for (const { w } of old) this.recycle(w.slot.index);
    const gone = () => old.every((o) => o.w.exited > o.exited);
    let callsEnded = 0;
    if (!(await waitUntil(gone, Date.now() + timeoutMs))) {
      for (const o of old.filter((x) => x.w.exited === x.exited)) {
        callsEnded += o.w.slot.calls;
        this.#log.warn({ worker: o.w.slot.index + 1, calls: o.w.slot.calls }, 'restart: calls still in progress at the timeout are ended');
        if (o.w.child?.connected) o.w.child.send({ type: 'stop' } satisfies ToWorker);
        else o.w.child?.kill('SIGTERM');
      }
      // A worker ends its calls within about 2 s (worker/main.ts hangUpAndExit); one that hangs is killed.
      if (!(await waitUntil(gone, Date.now() + 10_000))) for (const o of old.filter((x) => x.w.exited === x.exited)) o.w.child?.kill('SIGKILL');
      await waitUntil(gone, Date.now() + 5_000);
    }
    onDrained?.(callsEnded);
    await waitUntil(() => old.every((o) => o.w.spawned > o.spawned && o.w.slot.alive), Date.now() + 30_000);
    return { workers: old.length, callsEnded };
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all(this.#workers.map((w) => new Promise<void>((resolve) => {
      const child = w.child;
      if (!child || child.exitCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.once('exit', () => { clearTimeout(timer); resolve(); });
      if (child.connected) child.send({ type: 'stop' } satisfies ToWorker);
      else child.kill('SIGTERM');
    })));
  }

  #spawn(w: Managed): Promise<void> {
    return new Promise((resolve) => {
      const child = fork(WORKER_MAIN, [], {
        execArgv: childExecArgv('um-worker'),
        env: { ...process.env, [WORKER_ENV]: JSON.stringify(w.env) },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      w.child = child;
      w.spawned++;
      w.backoff.started();
      let ready = false;
      child.on('message', (m: FromWorker) => {
        if (m.type === 'ready' || m.type === 'listening') {
          w.slot.listening = m.listening;
          w.slot.alive = true;
          if (!ready) { ready = true; resolve(); }
        } else if (m.type === 'calls') {
          w.slot.calls = m.count;
          this.#onReport(w.slot.index);
        } else if (m.type === 'status') {
          const answer = w.asked.get(m.id);
          w.asked.delete(m.id);
          answer?.({ calls: Array.isArray(m.calls) ? m.calls : [], refusals: Array.isArray(m.refusals) ? m.refusals : [] });
        } else if (m.type === 'metrics') {
          const answer = this.#metricsAsked.get(m.id);
          this.#metricsAsked.delete(m.id);
          answer?.(Array.isArray(m.metrics) ? m.metrics : []);
        } else if (m.type === 'voicemail-pending') {
          this.#hooks.onVoicemailPending?.(w.slot.index);
        } else if (m.type === 'voicemail') {
          if (Number.isInteger(m.id) && Number.isInteger(m.userId)) this.#hooks.onVoicemail?.(w.slot.index, { id: m.id, userId: m.userId });
        }
      });
      child.on('exit', (code, signal) => {
        w.exited++;
        w.slot.alive = false;
        w.slot.calls = 0;
        const wasDraining = w.slot.draining;
        w.slot.draining = false;
        if (!ready) { ready = true; resolve(); }
        if (this.#stopping) return;
        try {
          this.#hooks.onExit?.(w.slot.index, new Date().toISOString());
        } catch (e) {
          this.#log.error({ err: e, worker: w.slot.index + 1 }, 'worker exit hook failed');
        }
        if (wasDraining && code === 0) {
          this.#log.info({ worker: w.slot.index + 1 }, 'UM worker recycled: starting it again');
          void this.#spawn(w);
          return;
        }
        w.restarts++;
        countRestart('worker');
        const delay = w.backoff.nextDelay();
        this.#log.error({ worker: w.slot.index + 1, code, signal, restartIn: delay }, 'UM worker exited: restarting it');
        setTimeout(() => { if (!this.#stopping) void this.#spawn(w); }, delay).unref();
      });
    });
  }
}
