// The admin API while the store is unreachable (web/store-outage.ts): /api answers 503
// STORE_UNAVAILABLE with Retry-After and a message in API words, at once; /health stays open; it
// all resumes when the store answers. The health state is turned by hand here (SQLite never goes
// away); test/services/store-outage.test.ts cuts a real PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeRefusal } from '../../src/services/routing/store-refusal.js';
import { startAdminInProcess, type InProcessAdmin } from '../support/admin-in-process.js';

describe('admin API while the store is unreachable', () => {
  let admin: InProcessAdmin;
  before(async () => { admin = await startAdminInProcess('127.0.133.40'); });
  after(async () => { await admin?.close(); });

  it('answers /api with 503 STORE_UNAVAILABLE and Retry-After, keeps /health, and resumes when the store answers', async () => {
    const health = admin.node.store.health;
    assert.equal((await admin.call('GET', '/api/users')).status, 200);
    health.failed(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    try {
      const r = await admin.call('GET', '/api/users');
      assert.equal(r.status, 503);
      assert.equal(r.headers['retry-after'], '30');
      const body = r.json() as { error: string; message: string };
      assert.equal(body.error, 'STORE_UNAVAILABLE');
      assert.match(body.message, /store cannot be reached \(since .*\), so the request was not carried out and nothing changed: retry after the Retry-After seconds; GET \/ready/);
      assert.doesNotMatch(body.message, /--|openum /, 'API words, not CLI flags');
      assert.equal((await admin.call('POST', '/api/dialplans', { body: { name: 'X' } })).status, 503, 'a change is refused the same way');
      assert.equal((await admin.call('GET', '/health', { token: null })).status, 200);
    } finally {
      health.answered();
    }
    assert.equal((await admin.call('GET', '/api/users')).status, 200);
  });

  it('a new call is refused 503 store unreachable with Retry-After 30 only while the store is down', () => {
    assert.equal(storeRefusal({ up: true }), undefined);
    assert.equal(storeRefusal(undefined), undefined);
    const r = storeRefusal({ up: false });
    assert.equal(r?.status, 503);
    assert.equal(r?.reason, 'Service Unavailable - store unreachable');
    assert.equal(r?.retryAfter, 30);
  });
});
