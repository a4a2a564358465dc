// The Call Router's choice of UM service among the nodes sharing a store (SQLite here: the same
// queries run on PostgreSQL in cluster-routing.test.ts): least loaded first, a burst spread by the
// calls sent since the last read, stale and stopped nodes left out, a full node skipped only by its
// own report, a UM service asked to restart left out (this node too), and this node judged by its
// own settings.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { writeHeartbeat, type NodeBeat } from '../../src/org/nodes.js';
import { requestRoleRestart, updateRoleRestart } from '../../src/org/role-restarts.js';
import { UmPicker } from '../../src/services/call-router/um-picker.js';
import { openStore, type Store } from '../../src/store/database.js';
import { tempDir } from '../support/run.js';

const beat = (name: string, host: string, over: Partial<NodeBeat> = {}): NodeBeat => ({
  name, roles: 'um', sipHost: host, umTcp: true, umTls: true, calls: 0, maxCalls: 100, version: '0.1.0', pid: 1, state: 'running',
  startedAt: new Date().toISOString(), ...over,
});

describe('UM picker', () => {
  const tmp = tempDir('openum-picker-');
  let store: Store;
  before(async () => { store = await openStore({ dataDir: tmp.path }); });
  after(async () => { await store.close(); tmp.cleanup(); });

  const picker = async (selfRunsUm = false, takes = true) => {
    const p = new UmPicker(store.db, 'self', selfRunsUm, { takes: () => takes }, pino({ level: 'silent' }));
    await p.refresh();
    return p;
  };

  it('sends to the least loaded node and spreads a burst; never refuses on its own count', async () => {
    const now = Date.now();
    await writeHeartbeat(store.db, beat('b', '127.0.0.3', { calls: 10 }), now);
    await writeHeartbeat(store.db, beat('c', '127.0.0.4', { calls: 0 }), now);
    const p = await picker();
    const hosts = Array.from({ length: 300 }, () => p.pick(false, 'udp', '127.0.0.2')?.host);
    assert.ok(hosts.every((h) => h === '127.0.0.3' || h === '127.0.0.4'), 'no refusal in a burst far over MaxCallsAllowed');
    assert.deepEqual(hosts.slice(0, 10), Array(10).fill('127.0.0.4'), 'the less loaded node first');
    assert.ok(Math.abs(hosts.filter((h) => h === '127.0.0.3').length - 145) <= 2, 'then both, evenly');
  });

  it('leaves out stale, stopped, full and wrong-transport nodes; judges itself by its settings', async () => {
    const now = Date.now();
    await writeHeartbeat(store.db, beat('b', '127.0.0.3'), now - 10_000); // stale
    await writeHeartbeat(store.db, beat('c', '127.0.0.4', { state: 'stopped' }), now);
    await writeHeartbeat(store.db, beat('d', '127.0.0.5', { calls: 100 }), now); // full by its own report
    await writeHeartbeat(store.db, beat('e', '127.0.0.6', { umTls: false }), now);
    const p = await picker();
    assert.equal(p.pick(true, 'tls', '127.0.0.2'), undefined);
    assert.deepEqual(p.pick(false, 'tcp', '127.0.0.2'), { host: '127.0.0.6', port: 5062, transport: 'tcp' });
    const self = await picker(true);
    assert.deepEqual(self.pick(true, 'tls', '0.0.0.0'), { host: '127.0.0.1', port: 5063, transport: 'tls' }, 'this node, with no row yet');
    const selfOff = await picker(true, false);
    assert.equal(selfOff.pick(true, 'tls', '0.0.0.0'), undefined, 'this node does not take TLS now, and no other node does');
  });

  it('leaves out a UM service asked to restart, from the request on, and takes it back once done', async () => {
    await store.db.deleteFrom('nodes').execute();
    const now = Date.now();
    await writeHeartbeat(store.db, beat('self', '127.0.0.2', { roles: 'all' }), now);
    await writeHeartbeat(store.db, beat('b', '127.0.0.3'), now);
    await writeHeartbeat(store.db, beat('c', '127.0.0.4'), now);
    const actor = { name: 'test' };
    const drainB = await requestRoleRestart(store.db, actor, { node: 'b', role: 'um', timeoutMs: 1000 });
    const routerOfSelf = await requestRoleRestart(store.db, actor, { node: 'self', role: 'callrouter', timeoutMs: 1000 });
    const p = await picker(true);
    const hosts = new Set(Array.from({ length: 20 }, () => p.pick(false, 'udp', '127.0.0.2')?.host));
    assert.deepEqual([...hosts].sort(), ['127.0.0.2', '127.0.0.4'], 'b drains; a Call Router restart leaves the UM service beside it alone');
    await updateRoleRestart(store.db, routerOfSelf.id, { state: 'done' });
    await requestRoleRestart(store.db, actor, { node: 'self', role: 'um', timeoutMs: 1000 });
    await updateRoleRestart(store.db, drainB.id, { state: 'done' });
    await p.refresh();
    const after = new Set(Array.from({ length: 20 }, () => p.pick(false, 'udp', '127.0.0.2')?.host));
    assert.deepEqual([...after].sort(), ['127.0.0.3', '127.0.0.4'], 'this node drains; b is back');
  });
});
