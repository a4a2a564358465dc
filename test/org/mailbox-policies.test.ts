// Mailbox policies on both engines: every dial plan's default policy, users given it (or another of
// their plan), the setting ranges and the reset-before-lock rule, a policy in use refused removal
// naming who uses it, and removal of a dial plan taking its policies.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDialPlan, removeDialPlan } from '../../src/org/dial-plans.js';
import {
  createPolicy, getPolicy, listPolicies, missedCallNotificationsFor, policyForUser, removePolicy, setPolicy,
} from '../../src/org/mailbox-policies.js';
import { createServer } from '../../src/org/server-settings.js';
import { createUser, getUser, removeUser, setUser } from '../../src/org/users.js';
import { openStore, type Store } from '../../src/store/database.js';
import { storeEngines, type PgTarget } from '../support/postgres.js';
import { tempDir } from '../support/run.js';

const engines = await storeEngines();

for (const engine of engines) {
  describe(`mailbox policies on ${engine.name}`, { skip: engine.skip }, () => {
    let tmp: ReturnType<typeof tempDir>;
    let pgTarget: PgTarget | undefined;
    let store: Store;
    const actor = { name: 'test' };

    before(async () => {
      tmp = tempDir();
      pgTarget = await engine.target();
      store = await openStore({ dataDir: tmp.path, databaseUrl: pgTarget?.url });
      await createServer(store.db, actor, { name: 'um1', fqdn: 'um1.contoso.test' });
    });
    after(async () => {
      await store?.close();
      await pgTarget?.drop();
      tmp?.cleanup();
    });

    it('a dial plan gets a default policy with Exchange\'s defaults; users get it', async () => {
      const db = store.db;
      await createDialPlan(db, actor, 'DP', { extensionLength: 4 });
      const d = await getPolicy(db, 'DP Default Policy');
      assert.deepEqual({ ...d, id: 0, dialPlanId: 0, createdAt: '', updatedAt: '' }, {
        id: 0, name: 'DP Default Policy', dialPlanId: 0, dialPlanName: 'DP', isDefault: true, minPinLength: 6, pinLifetimeDays: 60,
        pinHistoryCount: 5, allowCommonPatterns: false, logonFailuresBeforePinReset: 5, maxLogonAttempts: 15,
        missedCallNotifications: true, createdAt: '', updatedAt: '',
      });
      const alice = await createUser(db, actor, 'alice', { extension: 1000, dialPlan: 'DP', email: 'alice@contoso.test' });
      assert.equal(alice.policyName, 'DP Default Policy');
      assert.equal((await policyForUser(db, alice.id)).id, d.id);
    });

    it('new, set, ranges, another plan\'s policy refused, in use refused', async () => {
      const db = store.db;
      await createDialPlan(db, actor, 'Other', { extensionLength: 4 });
      const strict = await createPolicy(db, actor, 'Strict', { dialPlan: 'DP', minPinLength: 8, missedCallNotifications: 'off' });
      assert.equal(strict.isDefault, false);
      assert.equal(strict.minPinLength, 8);
      const bob = await createUser(db, actor, 'bob', { extension: 1001, dialPlan: 'DP', email: 'bob@contoso.test', policy: 'strict' });
      assert.equal(bob.policyName, 'Strict');
      assert.equal(await missedCallNotificationsFor(db, bob.id), false);
      await assert.rejects(createUser(db, actor, 'carol', { extension: 1002, dialPlan: 'Other', email: 'c@contoso.test', policy: 'Strict' }),
        { code: 'BAD_SETTING', message: /belongs to the dial plan "DP", not "Other"/ });
      await assert.rejects(createUser(db, actor, 'carol', { extension: 1002, dialPlan: 'DP', email: 'c@contoso.test', policy: 'Nope' }),
        { code: 'MAILBOX_POLICY_NOT_FOUND' });
      for (const [input, re] of [
        [{ minPinLength: 3 }, /minimum PIN length must be a whole number from 4 to 24/],
        [{ minPinLength: 25 }, /from 4 to 24/],
        [{ pinHistoryCount: 0 }, /PIN history count must be a whole number from 1 to 20/],
        [{ pinHistoryCount: 21 }, /from 1 to 20/],
        [{ pinLifetimeDays: -1 }, /PIN lifetime/],
        [{ logonFailuresBeforePinReset: 15 }, /must be fewer than the maximum logon attempts \(15\)/],
        [{ allowCommonPatterns: 'maybe' }, /allow common patterns takes on or off/],
      ] as const) {
        await assert.rejects(setPolicy(db, actor, 'Strict', input), { code: 'BAD_SETTING', message: re }, JSON.stringify(input));
      }
      assert.equal((await getPolicy(db, 'Strict')).minPinLength, 8, 'refusals change nothing');
      assert.equal((await setPolicy(db, actor, 'Strict', { pinLifetimeDays: 0, name: 'Tight' })).pinLifetimeDays, 0);
      await assert.rejects(removePolicy(db, actor, 'Tight'), { code: 'OBJECT_IN_USE', message: /in use by the users "bob"/ });
      await assert.rejects(removePolicy(db, actor, 'DP Default Policy'), { code: 'OBJECT_IN_USE', message: /users "alice"/ });
      await assert.rejects(removePolicy(db, actor, 'Other Default Policy'), { code: 'OBJECT_IN_USE', message: /default of the dial plan "Other"/ });
      await assert.rejects(createPolicy(db, actor, 'tight', { dialPlan: 'DP' }), { code: 'OBJECT_EXISTS' });
      await assert.rejects(createPolicy(db, actor, 'X', { dialPlan: 'Nope' }), { code: 'DIAL_PLAN_NOT_FOUND' });

      // A move to another dial plan brings that plan's default.
      const moved = await setUser(db, actor, 'bob', { dialPlan: 'Other' });
      assert.equal(moved.policyName, 'Other Default Policy');
      await removePolicy(db, actor, 'Tight');
      assert.deepEqual((await listPolicies(db)).map((x) => x.name), ['DP Default Policy', 'Other Default Policy']);
      await setUser(db, actor, 'bob', { dialPlan: 'DP' });
      assert.equal((await getUser(db, 'bob')).policyName, 'DP Default Policy');

      // A dial plan without users goes with its policies.
      await removeDialPlan(db, actor, 'Other');
      assert.deepEqual((await listPolicies(db)).map((x) => x.name), ['DP Default Policy']);
      await removeUser(db, actor, 'bob');
    });
  });
}
