// The store's health state (store/store-health.ts): which failures mean "unreachable", how query
// outcomes and the probe move it, and that its listeners hear each change once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isConnectionError, StoreHealth } from '../../src/store/store-health.js';
import { waitFor } from '../support/voicemail.js';

describe('store health', () => {
  it('counts refused, dropped and timed-out connections and PostgreSQL shutdowns, not wrong queries', () => {
    for (const e of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('connection failure'), { code: '08006' }),
      new Error('wrapped', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }),
    ]) assert.equal(isConnectionError(e), true, e.message);
    for (const e of [
      Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }),
      Object.assign(new Error('relation "x" does not exist'), { code: '42P01' }),
      new Error('SQLITE_BUSY: database is locked'),
      undefined, 'text',
    ]) assert.equal(isConnectionError(e), false, String(e));
  });

  it('goes down on a connection failure, stays up on a wrong query, and comes back on an answer', () => {
    const h = new StoreHealth();
    const heard: boolean[] = [];
    h.onChange((up) => heard.push(up));
    h.failed(Object.assign(new Error('duplicate key'), { code: '23505' }));
    assert.equal(h.up, true);
    h.failed(new Error('Connection terminated unexpectedly'));
    h.failed(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    assert.equal(h.up, false);
    assert.equal(h.problem, 'connect ECONNREFUSED', 'the latest problem');
    h.answered();
    assert.equal(h.up, true);
    assert.equal(h.problem, undefined);
    assert.deepEqual(heard, [false, true], 'each change heard once');
  });

  it('probes when no query has answered for a while: a failing or hanging probe turns it down, an answer up', async () => {
    let mode: 'fail' | 'hang' | 'ok' = 'fail';
    const h: StoreHealth = new StoreHealth((): Promise<unknown> => (mode === 'fail' ? Promise.reject(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))
      : mode === 'hang' ? new Promise(() => undefined) : Promise.resolve().then(() => h.answered())));
    const stop = h.watch({ intervalMs: 20, timeoutMs: 50 });
    try {
      await waitFor('down after a failing probe', () => !h.up, 2000);
      mode = 'ok';
      await waitFor('up after an answer', () => h.up, 2000);
      mode = 'hang';
      await waitFor('down after a probe that hangs', () => !h.up, 2000);
      assert.match(h.problem ?? '', /did not answer within 50 ms/);
    } finally {
      stop();
    }
  });
});
