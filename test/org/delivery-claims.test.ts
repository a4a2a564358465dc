// SMTP delivery as a cluster job, on both engines: two nodes claiming at once take different
// messages; a claim holds until its attempt is recorded or its lease ends (a node that died);
// releasing gives the rest back; "retry now" never touches a message another node holds.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { CLAIM_LEASE_MS, claimDeliveries, nextClaimableAt, pendingDeliveries, releaseClaims } from '../../src/org/delivery-claims.js';
import { createDialPlan } from '../../src/org/dial-plans.js';
import { createServer } from '../../src/org/server-settings.js';
import { createUser } from '../../src/org/users.js';
import { recordDelivery, retryPendingNow } from '../../src/org/voice-messages.js';
import { openStore, type Store } from '../../src/store/database.js';
import type { Database } from '../../src/store/schema.js';
import { storeEngines, type PgTarget } from '../support/postgres.js';
import { tempDir } from '../support/run.js';
import { addMessage } from '../support/voicemail.js';

const engines = await storeEngines();

for (const engine of engines) {
  describe(`delivery claims on ${engine.name}`, { skip: engine.skip }, () => {
    let tmp: ReturnType<typeof tempDir>;
    let pgTarget: PgTarget | undefined;
    let store: Store;
    let other: Store;
    let db: Kysely<Database>;
    const ids: number[] = [];

    before(async () => {
      tmp = tempDir();
      pgTarget = await engine.target();
      store = await openStore({ dataDir: tmp.path, databaseUrl: pgTarget?.url });
      other = await openStore({ dataDir: tmp.path, databaseUrl: pgTarget?.url }); // a second node's connection
      db = store.db;
      const actor = { name: 'test' };
      await createServer(db, actor, { name: 'node-b', fqdn: 'b.contoso.test' });
      await createDialPlan(db, actor, 'DP', { extensionLength: 4 });
      const alice = (await createUser(db, actor, 'alice', { extension: 1000, dialPlan: 'DP', email: 'alice@contoso.test' })).id;
      for (let i = 0; i < 8; i++) ids.push((await addMessage(db, tmp.path, { serverName: 'node-b', userId: alice })).id);
    });
    after(async () => {
      await other?.close();
      await store?.close();
      await pgTarget?.drop();
      tmp?.cleanup();
    });

    it('two nodes claiming at once take different messages, and all of them', async () => {
      const now = Date.now() + 1000;
      const [a, c] = await Promise.all([
        claimDeliveries(db, store.engine, 'node-a', now, 5),
        claimDeliveries(other.db, other.engine, 'node-c', now, 5),
      ]);
      const taken = [...a, ...c].map((m) => m.id);
      assert.equal(new Set(taken).size, taken.length, `no message claimed twice: ${a.map((m) => m.id)} / ${c.map((m) => m.id)}`);
      assert.deepEqual([...taken].sort((x, y) => x - y), ids);
      assert.deepEqual(await claimDeliveries(db, store.engine, 'node-a', now, 5), [], 'nothing left while the claims hold');
      assert.equal(await pendingDeliveries(db), 8);

      // node-a sends its first; node-c dies holding its claims.
      const first = a[0];
      assert.ok(first);
      await recordDelivery(db, first.id, { ok: true });
      assert.equal(await pendingDeliveries(db), 7);
      assert.equal(await retryPendingNow(db), 0, 'retry-now leaves claimed messages alone');
      await releaseClaims(db, 'node-a', a.slice(1).map((m) => m.id));
      const again = await claimDeliveries(db, store.engine, 'node-a', now, 10);
      assert.deepEqual(again.map((m) => m.id), a.slice(1).map((m) => m.id), 'released claims are due again at once');

      // node-c's lease ends: its messages are claimable again, and the queue's timer knows when.
      const next = await nextClaimableAt(db);
      assert.ok(next && Date.parse(next) >= now + CLAIM_LEASE_MS - 1000, `next claimable at ${next}`);
      const afterLease = await claimDeliveries(db, store.engine, 'node-a', now + CLAIM_LEASE_MS + 1000, 10);
      // every claim made at `now` has ended: node-c's (it died) and node-a's unrecorded ones
      const expected = [...again, ...c].map((m) => m.id).sort((x, y) => x - y);
      assert.deepEqual(afterLease.map((m) => m.id), expected);
    });
  });
}
