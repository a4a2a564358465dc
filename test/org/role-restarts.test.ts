// Role restart requests (org/role-restarts.ts) on both engines: what is refused before anything
// is written (unknown role or node, a node never started, stopped or silent, a role the node does
// not run, a restart already under way), what a request holds, and how the node list shows it
// (a UM service asked to restart takes no new calls: umTakesCalls).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OpenUmError, type ErrorCode } from '../../src/errors.js';
import { listNodes, markNodeStopped, umTakesCalls, writeHeartbeat, NODE_STALE_MS, type NodeRoles } from '../../src/org/nodes.js';
import {
  failUnfinishedRestarts, parseRestartRole, parseRestartTimeout, requestRoleRestart, requestedRestarts, updateRoleRestart,
} from '../../src/org/role-restarts.js';
import { createServer } from '../../src/org/server-settings.js';
import { openStore, type Store } from '../../src/store/database.js';
import { storeEngines, type PgTarget } from '../support/postgres.js';
import { tempDir } from '../support/run.js';
import { refused } from '../support/refused.js';

const engines = await storeEngines();
const actor = { name: 'cli:test' };

function refusedSync(f: () => unknown, code: ErrorCode, message: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof OpenUmError && e.code === code && message.test(e.message));
}


it('parses roles and timeouts, naming what is allowed', () => {
  assert.equal(parseRestartRole(' UM '), 'um');
  assert.equal(parseRestartRole('callrouter'), 'callrouter');
  refusedSync(() => parseRestartRole('worker'), 'BAD_ARGUMENT', /unknown role "worker": a restart takes um .* or callrouter/);
  assert.equal(parseRestartTimeout(undefined, '--timeout'), 300_000);
  assert.equal(parseRestartTimeout('0', '--timeout'), 0);
  for (const bad of ['-1', '3601', '1.5', 'ten', '']) refusedSync(() => parseRestartTimeout(bad, '--timeout'), 'BAD_ARGUMENT', /--timeout takes whole seconds from 0 to 3600/);
});

for (const engine of engines) {
  describe(`role restart requests (${engine.name})`, { skip: engine.skip }, () => {
    const tmp = tempDir('openum-restarts-');
    let pg: PgTarget | undefined;
    let store: Store;
    const beat = (name: string, roles: NodeRoles, at = Date.now()) => writeHeartbeat(store.db, {
      name, roles, sipHost: name, umTcp: true, umTls: false, calls: 0, maxCalls: 100, version: 't', pid: 1, state: 'running', startedAt: new Date().toISOString(),
    }, at);

    before(async () => {
      pg = await engine.target();
      store = await openStore({ dataDir: tmp.path, databaseUrl: pg?.url });
      for (const n of ['a', 'b', 'c', 'd', 'e']) await createServer(store.db, actor, { name: `node-${n}`, fqdn: `${n}.contoso.test` });
      await beat('node-a', 'callrouter');
      await beat('node-b', 'um');
      await beat('node-c', 'all', Date.now() - NODE_STALE_MS - 5000);
      await beat('node-d', 'all');
      await markNodeStopped(store.db, 'node-d', Date.now());
      // node-e has a server row and never ran
    });
    after(async () => {
      await store?.close();
      await pg?.drop();
      tmp.cleanup();
    });

    it('refuses, writing nothing: unknown node, never started, silent, stopped, role not run', async () => {
      const r = (node: string, role: 'um' | 'callrouter') => requestRoleRestart(store.db, actor, { node, role, timeoutMs: 1000 });
      await refused(r('node-z', 'um'), 'NODE_NOT_FOUND', /no node named "node-z" has run on this store \(nodes: node-a, node-b, node-c, node-d\): name one with --node/);
      await refused(r('node-e', 'um'), 'NODE_NOT_LIVE', /node "node-e" has never been started.*start it \(openum start on node-e\)/);
      await refused(r('node-c', 'um'), 'NODE_NOT_LIVE', /node "node-c" is not running \(its last heartbeat was \d+ s ago\)/);
      await refused(r('node-d', 'callrouter'), 'NODE_NOT_LIVE', /node "node-d" is not running \(it was stopped\)/);
      await refused(r('node-a', 'um'), 'ROLE_NOT_RUNNING', /node "node-a" runs no UM service \(its roles: callrouter\): restart its Call Router instead \(openum service restart callrouter --node node-a\)/);
      await refused(r('node-b', 'callrouter'), 'ROLE_NOT_RUNNING', /runs no Call Router/);
      assert.equal((await store.db.selectFrom('role_restarts').selectAll().execute()).length, 0);
    });

    it('records a request, shows it in the node list, refuses a second one until it is finished', async () => {
      const asked = await requestRoleRestart(store.db, actor, { node: 'node-b', role: 'um', timeoutMs: 30_000 });
      assert.equal(asked.state, 'requested');
      assert.equal(asked.requestedBy, 'cli:test');
      assert.deepEqual((await requestedRestarts(store.db, 'node-b')).map((x) => x.id), [asked.id]);
      const b = (await listNodes(store.db, Date.now())).find((n) => n.name === 'node-b');
      assert.deepEqual(b?.restart && { role: b.restart.role, state: b.restart.state }, { role: 'um', state: 'requested' });
      assert.equal(b && umTakesCalls(b), false, 'Call Routers send it no new call');
      await refused(requestRoleRestart(store.db, actor, { node: 'node-b', role: 'um', timeoutMs: 1000 }), 'RESTART_IN_PROGRESS',
        /node "node-b" is already restarting its UM service \(requested since .*\): wait for it to finish/);
      await updateRoleRestart(store.db, asked.id, { state: 'done', finishedAt: new Date().toISOString(), outcome: 'ok' });
      const after = (await listNodes(store.db, Date.now())).find((n) => n.name === 'node-b');
      assert.equal(after?.restart, null);
      assert.equal(after && umTakesCalls(after), true);
      const cr = await requestRoleRestart(store.db, actor, { node: 'node-a', role: 'callrouter', timeoutMs: 1000 });
      const a = (await listNodes(store.db, Date.now())).find((n) => n.name === 'node-a');
      assert.equal(a && umTakesCalls(a), true, 'a Call Router restart leaves the UM side alone');
      assert.equal(await failUnfinishedRestarts(store.db, 'node-a', 'stopped'), 1);
      assert.equal((await requestedRestarts(store.db, 'node-a')).length, 0);
      void cr;
    });
  });
}
