// What the running node tells an operator or an orchestrator: liveness (/health), readiness
// (/ready: the store answers, the SIP roles listen, workers run) and the metrics of all its
// processes (/metrics). Built once by `openum start`; the admin API's routes find it here.
import { runsCallRouter, runsUm } from '../../org/nodes.js';
import { AggregatorRegistry, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { deliveryBacklog } from '../../org/delivery-backlog.js';
import { findServer } from '../../org/server-settings.js';
import type { OpenNode } from '../node.js';
import { isConnectionError } from '../../store/store-health.js';
import type { SipRoles } from '../sip-roles.js';
import { assignedCertificates } from './certificate-expiry.js';
import { metricsJson, type MetricsJson } from './process-metrics.js';

/** A check that has not answered by then counts as failed: a probe must not hang. */
const CHECK_TIMEOUT_MS = 1000;

export type CheckResult = { ok: true } | { ok: false; problem: string };
export interface Readiness {
  status: 'ready' | 'not ready';
  checks: Record<string, CheckResult>;
}

function within<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref())]);
}

export class NodeOperations {
  readonly #node: OpenNode;
  readonly #roles: SipRoles | undefined;
  readonly #registry = new Registry();
  #started = false;

  constructor(node: OpenNode, roles: SipRoles | undefined) {
    this.#node = node;
    this.#roles = roles;
    this.#defineGauges();
  }

  /** Everything has started (set by `openum start` once its roles listen). */
  markStarted(): void {
    this.#started = true;
  }

  async ready(): Promise<Readiness> {
    const checks: Record<string, CheckResult> = {};
    checks.started = this.#started ? { ok: true } : { ok: false, problem: 'the server is still starting' };
    const health = this.#node.store.health;
    if (!health.up) {
      // Known from the health state (fed by every query and a probe): no query to wait out.
      checks.store = { ok: false, problem: `the store is unreachable since ${health.since}: ${health.problem ?? 'connection failed'}` };
    } else try {
      const s = await within(findServer(this.#node.store.db, this.#node.serverName ?? ''), 'the store');
      checks.store = s ? { ok: true } : { ok: false, problem: 'the store has no row for this server' };
    } catch (e) {
      checks.store = { ok: false, problem: isConnectionError(e) ? `the store is unreachable: ${(e as Error).message}` : (e as Error).message };
    }
    const roles = this.#roles;
    if (roles) {
      // Only the roles this node runs (openum start --roles) are checked.
      if (runsCallRouter(roles.nodeRoles)) checks.callRouter = roles.routers.running > 0 ? { ok: true } : { ok: false, problem: 'no Call Router process is running' };
      if (runsUm(roles.nodeRoles)) {
        checks.umService = roles.umListeners().length > 0 ? { ok: true } : { ok: false, problem: 'the UM service has no SIP listener open' };
        const alive = roles.supervisor.slots().filter((w) => w.alive).length;
        checks.workers = alive > 0 ? { ok: true } : { ok: false, problem: 'no UM worker process is running' };
      }
    }
    return { status: Object.values(checks).every((c) => c.ok) ? 'ready' : 'not ready', checks };
  }

  get contentType(): string {
    return this.#registry.contentType;
  }

  /** Prometheus text: this process's and every child's counters summed, then the node's gauges. */
  async metrics(): Promise<string> {
    const children: MetricsJson[] = this.#roles ? (await Promise.all([this.#roles.supervisor.metrics(), this.#roles.routers.metrics()])).flat() : [];
    const summed = AggregatorRegistry.aggregate([await metricsJson(), ...children.filter((m) => m.length > 0)]);
    return `${await summed.metrics()}\n${await this.#registry.metrics()}`;
  }

  #defineGauges(): void {
    const registers = [this.#registry];
    const node = this.#node;
    const roles = this.#roles;
    collectDefaultMetrics({ register: this.#registry, prefix: 'openum_main_' });
    new Gauge({
      name: 'openum_calls_in_progress', help: 'Calls in progress: carried by the workers, or redirected by the UM service and not yet counted by a worker.',
      labelNames: ['role'], registers,
      collect() {
        const slots = roles?.supervisor.slots() ?? [];
        this.set({ role: 'worker' }, slots.reduce((n, w) => n + w.calls, 0));
        this.set({ role: 'um-service' }, roles?.umService.settingUp() ?? 0);
      },
    });
    new Gauge({
      name: 'openum_store_up', help: 'Whether the store answers (1) or is unreachable (0), as the main process sees it; new calls get 503 while it is 0.', registers,
      collect() { this.set(node.store.health.up ? 1 : 0); },
    });
    new Gauge({
      name: 'openum_workers_up', help: 'UM worker processes running (alive), out of openum_workers_total.', registers,
      collect() { this.set(roles?.supervisor.slots().filter((w) => w.alive).length ?? 0); },
    });
    new Gauge({
      name: 'openum_workers_total', help: 'UM worker processes this node runs.', registers,
      collect() { this.set(roles?.supervisor.slots().length ?? 0); },
    });
    new Gauge({
      name: 'openum_call_router_processes', help: 'Call Router processes running.', registers,
      collect() { this.set(roles?.routers.running ?? 0); },
    });
    new Gauge({
      name: 'openum_smtp_queue_depth', help: 'Voice messages and missed-call notices waiting to be sent by SMTP.', registers,
      async collect() {
        const b = await backlog();
        if (b) this.set(b.pending);
      },
    });
    new Gauge({
      name: 'openum_smtp_queue_oldest_seconds', help: 'Age of the oldest message waiting to be sent by SMTP (0 when none waits).', registers,
      async collect() {
        const b = await backlog();
        if (b) this.set(b.oldest ? Math.max(0, (Date.now() - Date.parse(b.oldest)) / 1000) : 0);
      },
    });
    new Gauge({
      name: 'openum_certificate_expiry_days', help: 'Days until each certificate assigned to a service expires (negative: expired).',
      labelNames: ['service', 'thumbprint'], registers,
      async collect() {
        // While the store is unreachable the last figures stay: /metrics must still answer then.
        const assigned = await assignedCertificates(node).catch(() => undefined);
        if (!assigned) return;
        this.reset();
        for (const c of assigned) this.set({ service: c.service, thumbprint: c.thumbprint }, Math.round(c.daysLeft * 100) / 100);
      },
    });
    // Both SMTP gauges read the queue once per scrape.
    let cached: { at: number; value: Promise<{ pending: number; oldest: string | null } | undefined> } | undefined;
    const backlog = () => {
      // undefined while the store is unreachable: the gauges keep their last figures.
      if (!cached || Date.now() - cached.at > 500) cached = { at: Date.now(), value: node.serverName ? deliveryBacklog(node.store.db, node.serverName).catch(() => undefined) : Promise.resolve({ pending: 0, oldest: null }) };
      return cached.value;
    };
  }
}

let current: NodeOperations | undefined;

/** The running node's operations, for the admin API's /ready and /metrics (undefined before start). */
export function nodeOperations(): NodeOperations | undefined {
  return current;
}

export function setNodeOperations(ops: NodeOperations | undefined): void {
  current = ops;
}
