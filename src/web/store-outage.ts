// The admin API while the store is unreachable (issue 10): every /api route reads or writes the
// store (signing in included), so instead of a 500 after a connect timeout each request gets, at
// once, 503 STORE_UNAVAILABLE with Retry-After and a message in API words. /health, /ready and
// /metrics stay open: they are how an operator sees the outage. The state is the store's health
// (store/store-health.ts), fed by every query and a probe; the first requests that meet a dropped
// connection before it turns are answered the same way by the error handler.
import { OpenUmError } from '../errors.js';
import { RETRY_AFTER_STORE_SECONDS } from '../store/store-health.js';
import type { OpenNode } from '../services/node.js';
import type { AdminApp } from './app-type.js';

/** The error for a request that needs the store while it cannot be reached. */
export function storeUnavailableError(since?: string): OpenUmError {
  return new OpenUmError('STORE_UNAVAILABLE', `the store cannot be reached${since ? ` (since ${since})` : ''}, so the request was not carried out and nothing changed`,
    { api: `: retry after the Retry-After seconds; GET /ready shows "store": { "ok": true } once it answers again` });
}

export function registerStoreOutage(app: AdminApp, node: Pick<OpenNode, 'store'>): void {
  app.addHook('onRequest', async (request, reply) => {
    const health = node.store.health;
    if (health.up || !request.url.startsWith('/api')) return;
    const e = storeUnavailableError(health.since);
    return reply.code(e.httpStatus).header('retry-after', String(RETRY_AFTER_STORE_SECONDS)).header('cache-control', 'no-store')
      .send({ error: e.code, message: e.apiMessage });
  });
}
