// PINs on both engines: set by an administrator (policy rules, history), reset to a random PIN
// that obeys the policy, logons by phone that reset the PIN after the policy's failures and lock
// the mailbox after its maximum, unlock, change by the user, expiry, and the audit log of each.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDialPlan } from '../../src/org/dial-plans.js';
import { createPolicy } from '../../src/org/mailbox-policies.js';
import { checkPinRules } from '../../src/org/pin-rules.js';
import { createServer } from '../../src/org/server-settings.js';
import { changePin, checkPin, getPinStatus, resetPin, setPin, unlockPin } from '../../src/org/user-pins.js';
import { createUser } from '../../src/org/users.js';
import { readAudit } from '../../src/store/audit.js';
import { openStore, type Store } from '../../src/store/database.js';
import { storeEngines, type PgTarget } from '../support/postgres.js';
import { tempDir } from '../support/run.js';

const engines = await storeEngines();

for (const engine of engines) {
  describe(`user PINs on ${engine.name}`, { skip: engine.skip }, () => {
    let tmp: ReturnType<typeof tempDir>;
    let pgTarget: PgTarget | undefined;
    let store: Store;
    let alice: number;
    let bob: number;
    const actor = { name: 'test' };

    before(async () => {
      tmp = tempDir();
      pgTarget = await engine.target();
      store = await openStore({ dataDir: tmp.path, databaseUrl: pgTarget?.url });
      const db = store.db;
      await createServer(db, actor, { name: 'um1', fqdn: 'um1.contoso.test' });
      await createDialPlan(db, actor, 'DP', { extensionLength: 4 });
      await createPolicy(db, actor, 'Quick', { dialPlan: 'DP', logonFailuresBeforePinReset: 2, maxLogonAttempts: 5, pinHistoryCount: 2 });
      alice = (await createUser(db, actor, 'alice', { extension: 1000, dialPlan: 'DP', email: 'alice@contoso.test' })).id;
      bob = (await createUser(db, actor, 'bob', { extension: 1001, dialPlan: 'DP', email: 'bob@contoso.test', policy: 'Quick' })).id;
    });
    after(async () => {
      await store?.close();
      await pgTarget?.drop();
      tmp?.cleanup();
    });

    it('set: policy rules, history, must change; nothing stored in clear', async () => {
      const db = store.db;
      assert.equal((await getPinStatus(db, 'alice')).isSet, false);
      assert.deepEqual(await checkPin(db, alice, '583901'), { ok: false, reason: 'wrong' }, 'no PIN: no logon');
      for (const [pin, re] of [['abcdef', /only the digits/], ['58390', /at least 6/], ['123456', /too easy/], ['221000', /too easy/]] as const) {
        await assert.rejects(setPin(db, actor, 'alice', pin), { code: 'BAD_PIN', message: re }, pin);
      }
      assert.equal((await getPinStatus(db, 'alice')).isSet, false, 'refusals change nothing');
      const s = await setPin(db, actor, 'alice', '583901');
      assert.equal(s.mustChange, true);
      const row = await db.selectFrom('user_pins').selectAll().where('user_id', '=', alice).executeTakeFirstOrThrow();
      assert.doesNotMatch(JSON.stringify(row), /583901/);
      await assert.rejects(setPin(db, actor, 'alice', '583901'), { code: 'BAD_PIN', message: /last 5 PINs/ });
      await setPin(db, actor, 'alice', '740285', { mustChange: false });
      await assert.rejects(setPin(db, actor, 'alice', '583901'), { code: 'BAD_PIN', message: /last 5 PINs/ });
      assert.deepEqual(await checkPin(db, alice, '740285'), { ok: true, mustChange: false });
    });

    it('change by the user: violations are answers; then good logons need no change', async () => {
      const db = store.db;
      assert.deepEqual(await changePin(db, alice, 'abc123'), { ok: false, reason: 'not-digits', message: checkPinRules('abc123', { minPinLength: 6, allowCommonPatterns: false, extension: '1000' })?.message });
      assert.equal((await changePin(db, alice, '740285')).ok, false);
      assert.equal((await changePin(db, alice, '654321') as { reason: string }).reason, 'common-pattern');
      assert.deepEqual(await changePin(db, alice, '319574'), { ok: true });
      assert.deepEqual(await checkPin(db, alice, '319574'), { ok: true, mustChange: false });
      assert.deepEqual(await checkPin(db, alice, '740285'), { ok: false, reason: 'wrong' });
      assert.deepEqual(await checkPin(db, alice, '319574'), { ok: true, mustChange: false }, 'a good logon clears the failures');
      assert.equal((await getPinStatus(db, 'alice')).failures, 0);
    });

    it('expiry by the policy\'s lifetime', async () => {
      const db = store.db;
      await db.updateTable('user_pins').set({ set_at: new Date(Date.now() - 61 * 86_400_000).toISOString() }).where('user_id', '=', alice).execute();
      assert.deepEqual(await checkPin(db, alice, '319574'), { ok: true, mustChange: true });
    });

    it('wrong PINs reset the PIN at the policy\'s count, then lock the mailbox; unlock; all audited', async () => {
      const db = store.db;
      await setPin(db, actor, 'bob', '583901', { mustChange: false });
      const newPinOf = (r: Awaited<ReturnType<typeof checkPin>>): string => {
        assert.ok(!r.ok && r.reason === 'wrong' && r.resetTriggered && r.newPin, JSON.stringify(r));
        assert.equal(checkPinRules(r.newPin, { minPinLength: 6, allowCommonPatterns: false, extension: '1001' }), undefined, 'the new PIN obeys the policy');
        return r.newPin;
      };
      assert.deepEqual(await checkPin(db, bob, '000000'), { ok: false, reason: 'wrong' });
      newPinOf(await checkPin(db, bob, 'letters'));
      assert.deepEqual(await checkPin(db, bob, '583901'), { ok: false, reason: 'wrong' }, 'the old PIN no longer works');
      const second = newPinOf(await checkPin(db, bob, '222222'));
      assert.deepEqual(await checkPin(db, bob, '333333'), { ok: false, reason: 'locked' }, 'the fifth wrong PIN since the last logon locks');
      assert.deepEqual(await checkPin(db, bob, second), { ok: false, reason: 'locked' }, 'locked: even the right PIN is refused');
      const locked = await getPinStatus(db, 'bob');
      assert.equal(locked.locked, true);
      assert.equal(locked.attempts, 5);
      const unlocked = await unlockPin(db, actor, 'bob');
      assert.equal(unlocked.locked, false);
      assert.deepEqual(await checkPin(db, bob, second), { ok: true, mustChange: true }, 'a reset PIN must change at the next logon');

      const audit = (await readAudit(db, { limit: 100, action: 'pin.' })).filter((e) => e.target === 'bob').reverse();
      assert.deepEqual(audit.map((e) => `${e.actor} ${e.action}`), [
        'test pin.set', 'phone:bob pin.logon-failure', 'phone:bob pin.logon-failure', 'phone:bob pin.reset',
        'phone:bob pin.logon-failure', 'phone:bob pin.logon-failure', 'phone:bob pin.reset',
        'phone:bob pin.logon-failure', 'phone:bob pin.lockout', 'phone:bob pin.logon-failure', 'test pin.unlock',
      ]);
      assert.doesNotMatch(JSON.stringify(audit), new RegExp(second), 'no PIN in the audit log');
    });

    it('reset by an administrator: a random PIN that obeys the policy, to change at the next logon', async () => {
      const db = store.db;
      const { pin, status } = await resetPin(db, actor, 'alice');
      assert.match(pin, /^\d{6}$/);
      assert.equal(checkPinRules(pin, { minPinLength: 6, allowCommonPatterns: false, extension: '1000' }), undefined);
      assert.equal(status.mustChange, true);
      assert.deepEqual(await checkPin(db, alice, pin), { ok: true, mustChange: true });
    });
  });
}
