// Role restarts and per-node certificate assignment through the admin API, in API words:
// POST /api/nodes/{name}/restart answers 202 with the request (the named node's server carries
// it out: test/services/cluster-restart.test.ts), GET /api/nodes shows it, GET …/restarts/{id}
// follows it; refusals name the fix with routes and fields, never CLI flags.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { writeHeartbeat } from '../../src/org/nodes.js';
import { startAdminInProcess, type InProcessAdmin } from '../support/admin-in-process.js';

const HOST = '127.0.143.10';

describe('role restarts and certificate nodes in the admin API', { timeout: 60_000 }, () => {
  let admin: InProcessAdmin;
  let name: string;
  before(async () => {
    admin = await startAdminInProcess(HOST);
    name = admin.node.serverName ?? '';
    await writeHeartbeat(admin.node.store.db, {
      name, roles: 'all', sipHost: HOST, umTcp: true, umTls: false, calls: 0, maxCalls: 100, version: 't', pid: process.pid, state: 'running', startedAt: new Date().toISOString(),
    }, Date.now());
  });
  after(async () => { await admin?.close(); });

  it('POST /api/nodes/{name}/restart records the request: 202, shown in GET /api/nodes and followed by id', async () => {
    const r = await admin.call('POST', `/api/nodes/${name}/restart`, { body: { role: 'um', timeoutSeconds: 60 } });
    assert.equal(r.status, 202, r.body);
    const asked = r.json() as { id: number; node: string; role: string; state: string; timeoutMs: number; requestedBy: string };
    assert.deepEqual([asked.node, asked.role, asked.state, asked.timeoutMs], [name, 'um', 'requested', 60_000]);
    assert.match(asked.requestedBy, /^api:/);
    const nodes = (await admin.call('GET', '/api/nodes')).json() as { name: string; restart: { id: number; role: string; state: string } | null }[];
    assert.deepEqual(nodes.find((n) => n.name === name)?.restart && { ...nodes.find((n) => n.name === name)?.restart, requestedAt: undefined },
      { id: asked.id, role: 'um', state: 'requested', requestedAt: undefined });
    const one = await admin.call('GET', `/api/nodes/${name}/restarts/${asked.id}`);
    assert.equal(one.status, 200, one.body);
    assert.equal((one.json() as { id: number }).id, asked.id);
    const list = (await admin.call('GET', `/api/nodes/${name}/restarts`)).json() as { id: number }[];
    assert.deepEqual(list.map((x) => x.id), [asked.id]);
  });

  it('refuses in API words: a second restart, an unknown node or role, a timeout out of range', async () => {
    const again = await admin.call('POST', `/api/nodes/${name}/restart`, { body: { role: 'callrouter' } });
    assert.equal(again.status, 409, again.body);
    assert.deepEqual((again.json() as { error: string }).error, 'RESTART_IN_PROGRESS');
    assert.match((again.json() as { message: string }).message, /already restarting its UM service .*: wait for it to finish \(GET \/api\/nodes shows it\)$/);
    const nobody = await admin.call('POST', '/api/nodes/node-z/restart', { body: { role: 'um' } });
    assert.equal(nobody.status, 404, nobody.body);
    assert.match((nobody.json() as { message: string }).message, /no node named "node-z" has run on this store .*\(GET \/api\/nodes lists them\)$/);
    assert.doesNotMatch(nobody.body, /--node|openum /);
    for (const body of [{ role: 'worker' }, { role: 'um', timeoutSeconds: 3601 }, { role: 'um', extra: 1 }]) {
      const bad = await admin.call('POST', `/api/nodes/${name}/restart`, { body });
      assert.equal(bad.status, 400, `${JSON.stringify(body)}: ${bad.body}`);
    }
    const missing = await admin.call('GET', `/api/nodes/${name}/restarts/999999`);
    assert.equal(missing.status, 404, missing.body);
  });

  it('certificate enable takes the nodes to enable it on, and says which node is unknown', async () => {
    const r = await admin.call('POST', `/api/certificates/${admin.thumbprint}/enable`, { body: { services: ['IIS'], nodes: ['node-z'] } });
    assert.equal(r.status, 404, r.body);
    assert.match((r.json() as { message: string }).message, /no node named "node-z" shares this store \(nodes: .*\) \(GET \/api\/nodes lists them\)/);
    const ok = await admin.call('POST', `/api/certificates/${admin.thumbprint}/enable`, { body: { services: ['IIS'], nodes: [name] } });
    assert.equal(ok.status, 200, ok.body);
    assert.deepEqual((ok.json() as { nodes: unknown[] }).nodes, [{ node: name, services: ['IIS', 'SMTP'], defaultFor: [] }]);
  });
});
