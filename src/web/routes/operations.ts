// /health, /ready and /metrics: for load balancers, orchestrators and Prometheus. No token (the
// paths are outside /api, auth.ts), so nothing private in them: a status word, which readiness
// check failed and why, and counters with bounded labels (no caller, user or peer address).
import { AggregatorRegistry } from 'prom-client';
import { nodeOperations } from '../../services/ops/node-operations.js';
import { metricsJson } from '../../services/ops/process-metrics.js';
import type { AdminApp } from '../app-type.js';

export function registerOperationsRoutes(app: AdminApp): void {
  // Liveness: this process answers HTTP. Restarting it is the fix when it does not.
  app.get('/health', async (_req, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }));

  // Readiness: 503 with the failed checks while calls could not be taken.
  app.get('/ready', async (_req, reply) => {
    const ops = nodeOperations();
    const r = ops ? await ops.ready() : { status: 'not ready' as const, checks: { started: { ok: false as const, problem: 'the server is still starting' } } };
    return reply.code(r.status === 'ready' ? 200 : 503).header('cache-control', 'no-store').send(r);
  });

  app.get('/metrics', async (_req, reply) => {
    const ops = nodeOperations();
    reply.header('cache-control', 'no-store').type(ops?.contentType ?? 'text/plain; version=0.0.4; charset=utf-8');
    if (ops) return reply.send(await ops.metrics());
    // Not started through `openum start` (tests of the admin API alone): this process's own.
    return reply.send(await AggregatorRegistry.aggregate([await metricsJson()]).metrics());
  });
}
