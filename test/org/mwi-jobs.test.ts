// MWI as a cluster job (org/mwi-jobs.ts), on both engines: two nodes claiming at once take
// different jobs; a job keeps only the newest counts; a failed attempt's back-off survives later
// changes unless the gateways changed; a job whose counts changed while claimed is due again at
// once; a lease that ended lets another node take the job, and the dead node's late outcome
// changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { createDialPlan } from '../../src/org/dial-plans.js';
import { claimMwiJobs, completeMwiJob, failMwiJob, MWI_LEASE_MS, mwiJobs, nextMwiAt, releaseMwiJobs, requestMwi } from '../../src/org/mwi-jobs.js';
import { createUser, removeUser } from '../../src/org/users.js';
import { openStore, type Store } from '../../src/store/database.js';
import type { Database } from '../../src/store/schema.js';
import { storeEngines, type PgTarget } from '../support/postgres.js';
import { tempDir } from '../support/run.js';

const engines = await storeEngines();
const GW = '["Unsecured",[["127.0.142.20",5060,"IPv4Only"]]]';
const MOVED = '["Unsecured",[["127.0.142.21",5060,"IPv4Only"]]]';

for (const engine of engines) {
  describe(`MWI jobs on ${engine.name}`, { skip: engine.skip }, () => {
    let tmp: ReturnType<typeof tempDir>;
    let pgTarget: PgTarget | undefined;
    let store: Store;
    let other: Store;
    let db: Kysely<Database>;
    const users: number[] = [];
    const t0 = Date.now();
    const at = (ms: number) => new Date(t0 + ms).toISOString();
    const job = async (userId: number) => (await mwiJobs(db)).find((j) => j.userId === userId);

    before(async () => {
      tmp = tempDir();
      pgTarget = await engine.target();
      store = await openStore({ dataDir: tmp.path, databaseUrl: pgTarget?.url });
      other = await openStore({ dataDir: tmp.path, databaseUrl: pgTarget?.url }); // a second node's connection
      db = store.db;
      const actor = { name: 'test' };
      await createDialPlan(db, actor, 'DP', { extensionLength: 4 });
      for (let i = 0; i < 8; i++) users.push((await createUser(db, actor, `user${i}`, { extension: 1000 + i, dialPlan: 'DP', email: `u${i}@contoso.test` })).id);
    });
    after(async () => {
      await other?.close();
      await store?.close();
      await pgTarget?.drop();
      tmp?.cleanup();
    });

    it('a job keeps only the newest counts; the same counts again change nothing', async () => {
      const [u] = users as [number];
      assert.equal(await requestMwi(db, { userId: u, unread: 1, read: 0, targets: GW }, t0), 'queued');
      assert.equal(await requestMwi(db, { userId: u, unread: 1, read: 0, targets: GW }, t0), 'unchanged');
      assert.equal(await requestMwi(db, { userId: u, unread: 2, read: 0, targets: GW }, t0 + 10), 'due now');
      assert.deepEqual((await mwiJobs(db)).map((j) => [j.userId, j.unread, j.read, j.attempts]), [[u, 2, 0, 0]]);
    });

    it('two nodes claiming at once take different jobs, and all of them', async () => {
      for (const u of users) await requestMwi(db, { userId: u, unread: 1, read: 0, targets: GW }, t0);
      const now = t0 + 1000;
      const [a, c] = await Promise.all([
        claimMwiJobs(db, store.engine, 'node-a', now, 5),
        claimMwiJobs(other.db, other.engine, 'node-c', now, 5),
      ]);
      const taken = [...a, ...c].map((j) => j.userId);
      assert.equal(new Set(taken).size, taken.length, `no job claimed twice: ${a.map((j) => j.userId)} / ${c.map((j) => j.userId)}`);
      assert.deepEqual([...taken].sort((x, y) => x - y), users);
      assert.deepEqual(await claimMwiJobs(db, store.engine, 'node-a', now, 5), [], 'nothing left while the claims hold');
      assert.ok([...a, ...c].every((j) => j.claimedUntil === new Date(now + MWI_LEASE_MS).toISOString()));

      // node-a: one job done, one whose counts changed while it was claimed, one failed.
      const [done, changed, failed, ...rest] = a;
      assert.ok(done && changed && failed);
      assert.equal(await completeMwiJob(db, done, 'node-a', now), 'done');
      assert.equal(await requestMwi(db, { userId: changed.userId, unread: 2, read: 0, targets: GW }, now), 'updated', 'claimed: the outcome decides');
      assert.equal(await completeMwiJob(db, changed, 'node-a', now), 'again');
      assert.deepEqual(await job(changed.userId), { ...changed, unread: 2, revision: changed.revision + 1, attempts: 0, nextAttemptAt: new Date(now).toISOString(), targets: null, lastError: null, claimedBy: null, claimedUntil: null });
      await failMwiJob(db, failed, 'node-a', { error: 'GW: answered 503', targets: GW, retryAt: at(31_000) }, now);
      await releaseMwiJobs(db, 'node-a', rest.map((j) => j.userId));
      const again = await claimMwiJobs(db, store.engine, 'node-a', now, 10);
      assert.deepEqual(again.map((j) => j.userId), [changed.userId, ...rest.map((j) => j.userId)].sort((x, y) => x - y),
        'released and changed jobs are due again at once; the failed one waits for its back-off');
      assert.equal(await job(done.userId), undefined, 'a done job is gone');

      // node-c dies holding its claims: they hold until the lease ends, then node-a takes them.
      assert.equal(await nextMwiAt(db), at(31_000), 'first the failed job\'s retry');
      await db.updateTable('mwi_jobs').set({ next_attempt_at: at(90_000) }).where('user_id', '=', failed.userId).execute();
      assert.equal(await nextMwiAt(db), new Date(now + MWI_LEASE_MS).toISOString(), 'then the end of the claims');
      const afterLease = await claimMwiJobs(db, store.engine, 'node-a', now + MWI_LEASE_MS + 1, 20);
      // every claim made at `now` has ended (node-c's and node-a's unfinished ones); the failed job still waits
      assert.deepEqual(afterLease.map((j) => j.userId), [...again, ...c].map((j) => j.userId).sort((x, y) => x - y));
      // node-c's late outcome for a job node-a now holds changes nothing.
      const late = c[0];
      assert.ok(late);
      assert.equal(await completeMwiJob(other.db, late, 'node-c', now + MWI_LEASE_MS + 2), 'again');
      await failMwiJob(other.db, late, 'node-c', { error: 'late', targets: GW, retryAt: at(3_600_000) }, now + MWI_LEASE_MS + 2);
      assert.equal((await job(late.userId))?.claimedBy, 'node-a');
      assert.equal((await job(late.userId))?.lastError, null);
      await releaseMwiJobs(db, 'node-a');
      assert.ok((await mwiJobs(db)).every((j) => j.claimedBy === null));
    });

    it('a job in back-off keeps it for new counts; a gateway change makes it due now', async () => {
      const u = users[7] as number;
      await db.deleteFrom('mwi_jobs').execute();
      await requestMwi(db, { userId: u, unread: 1, read: 0, targets: GW }, t0);
      const [claimed] = await claimMwiJobs(db, store.engine, 'node-a', t0, 1);
      assert.ok(claimed);
      await failMwiJob(db, claimed, 'node-a', { error: 'refused', targets: GW, retryAt: at(5_000) }, t0);
      assert.equal(await requestMwi(db, { userId: u, unread: 3, read: 0, targets: GW }, t0 + 100), 'updated');
      assert.equal((await job(u))?.nextAttemptAt, at(5_000), 'back-off kept');
      assert.deepEqual(await claimMwiJobs(db, store.engine, 'node-a', t0 + 200, 5), []);
      assert.equal(await requestMwi(db, { userId: u, unread: 3, read: 0, targets: MOVED }, t0 + 300), 'due now');
      assert.equal((await job(u))?.nextAttemptAt, at(300));
      assert.equal((await job(u))?.attempts, 1, 'the back-off goes on from where it was if this fails too');
    });

    it('a removed user takes its job along', async () => {
      const u = users[7] as number;
      assert.ok(await job(u));
      await removeUser(db, { name: 'test' }, 'user7');
      assert.equal(await job(u), undefined);
    });
  });
}
