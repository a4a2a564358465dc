// Web accounts in the store, on SQLite and PostgreSQL: passwords and their lockout at the
// policy's max logon attempts, one-time invitations (used, replaced, expired), sessions (idle and
// absolute expiry, signing out everywhere), admin accounts, and the users' own settings.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OpenUmError, type ErrorCode } from '../../src/errors.js';
import { checkAdminPassword, createAdminAccount, removeAdminAccount } from '../../src/org/admin-accounts.js';
import { createDialPlan } from '../../src/org/dial-plans.js';
import { missedCallNotificationsFor, setPolicy } from '../../src/org/mailbox-policies.js';
import { createUser, removeUser, setUser } from '../../src/org/users.js';
import { acceptInvite, createInvite } from '../../src/org/web-invites.js';
import { checkUserPassword, unlockWebAccount } from '../../src/org/web-passwords.js';
import { createSession, endAccountSessions, findSession, SESSION_IDLE_MS } from '../../src/org/web-sessions.js';
import { initialiseNode } from '../../src/services/install.js';
import { openNode, type OpenNode } from '../../src/services/node.js';
import { storeEngines, type PgTarget } from '../support/postgres.js';
import { tempDir } from '../support/run.js';

const engines = await storeEngines();
const PASSWORD = 'a good long password';

async function refusedWith(p: Promise<unknown>, code: ErrorCode): Promise<OpenUmError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  assert.ok(e instanceof OpenUmError, `expected ${code}, got ${String(e)}`);
  assert.equal(e.code, code);
  return e;
}

for (const engine of engines) {
  describe(`web accounts on ${engine.name}`, { skip: engine.skip }, () => {
    let tmp: ReturnType<typeof tempDir>;
    let pgTarget: PgTarget | undefined;
    let node: OpenNode;
    const actor = { name: 'test' };

    before(async () => {
      tmp = tempDir();
      pgTarget = await engine.target();
      node = await openNode({ dataDir: tmp.path, databaseUrl: pgTarget?.url, actor });
      await initialiseNode(node, { name: 'um1', fqdn: 'um1.contoso.com' });
      await createDialPlan(node.store.db, actor, 'DP', { extensionLength: 4 });
      await setPolicy(node.store.db, actor, 'DP Default Policy', { logonFailuresBeforePinReset: 1, maxLogonAttempts: 2 });
      await createUser(node.store.db, actor, 'alice', { extension: '1000', dialPlan: 'DP', email: 'alice@contoso.com' });
    });
    after(async () => {
      await node?.close();
      await pgTarget?.drop();
      tmp?.cleanup();
    });

    it('uses an invitation once, replaces older ones, refuses expired ones, and locks after wrong passwords', async () => {
      const db = node.store.db;
      await refusedWith(checkUserPassword(db, 'alice@contoso.com', PASSWORD), 'UNAUTHORIZED');
      const old = await createInvite(db, actor, 'alice');
      const invite = await createInvite(db, actor, 'alice');
      await refusedWith(acceptInvite(db, old.token, PASSWORD), 'INVITE_INVALID');
      await refusedWith(acceptInvite(db, invite.token, 'short'), 'WEAK_PASSWORD');
      assert.equal((await acceptInvite(db, invite.token, PASSWORD)).name, 'alice');
      await refusedWith(acceptInvite(db, invite.token, PASSWORD), 'INVITE_INVALID');
      const expired = await createInvite(db, actor, 'alice');
      await db.updateTable('web_invites').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).execute();
      await refusedWith(acceptInvite(db, expired.token, PASSWORD), 'INVITE_INVALID');

      assert.equal((await checkUserPassword(db, 'ALICE@contoso.com', PASSWORD)).name, 'alice');
      await refusedWith(checkUserPassword(db, 'alice@contoso.com', 'wrong password'), 'UNAUTHORIZED');
      await refusedWith(checkUserPassword(db, 'alice@contoso.com', 'wrong password'), 'ACCOUNT_LOCKED');
      await refusedWith(checkUserPassword(db, 'alice@contoso.com', PASSWORD), 'ACCOUNT_LOCKED');
      assert.equal((await unlockWebAccount(db, actor, 'alice')).locked, false);
      assert.equal((await checkUserPassword(db, 'alice@contoso.com', PASSWORD)).name, 'alice');
    });

    it('ends sessions when idle, at the absolute limit, and everywhere at once', async () => {
      const db = node.store.db;
      const a = await createSession(db, 'user', 1);
      const b = await createSession(db, 'user', 1);
      assert.equal((await findSession(db, a.cookie))?.csrfToken, a.session.csrfToken);
      assert.equal(await findSession(db, 'x'.repeat(43)), undefined);
      await db.updateTable('web_sessions').set({ last_seen_at: new Date(Date.now() - SESSION_IDLE_MS - 1000).toISOString() }).where('id_hash', '=', a.session.idHash).execute();
      assert.equal(await findSession(db, a.cookie), undefined, 'idle for 30 minutes');
      await db.updateTable('web_sessions').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id_hash', '=', b.session.idHash).execute();
      assert.equal(await findSession(db, b.cookie), undefined, 'past the absolute limit');
      const c = await createSession(db, 'user', 1);
      const d = await createSession(db, 'user', 1);
      const admin = await createSession(db, 'admin', 1);
      assert.equal(await endAccountSessions(db, 'user', 1), 2);
      assert.equal(await findSession(db, c.cookie), undefined);
      assert.equal(await findSession(db, d.cookie), undefined);
      assert.ok(await findSession(db, admin.cookie), 'another account (same id, other kind) stays signed in');
    });

    it('checks admin passwords and signs removed accounts out', async () => {
      const db = node.store.db;
      const ops = await createAdminAccount(db, actor, 'Ops', PASSWORD);
      assert.equal(ops.name, 'ops');
      assert.equal((await checkAdminPassword(db, 'OPS', PASSWORD))?.name, 'ops');
      assert.equal(await checkAdminPassword(db, 'ops', 'wrong password'), undefined);
      assert.equal(await checkAdminPassword(db, 'nobody', PASSWORD), undefined);
      const s = await createSession(db, 'admin', ops.id);
      await removeAdminAccount(db, actor, 'ops');
      assert.equal(await findSession(db, s.cookie), undefined);
    });

    it("stores the user's settings; the missed-call setting overrides the policy's; removing the user removes its web account", async () => {
      const db = node.store.db;
      const u = await setUser(db, actor, 'alice', { callAnswering: false, missedCallNotifications: false, language: 'fr' });
      assert.deepEqual([u.callAnswering, u.missedCallNotifications, u.language], [false, false, 'fr-FR']);
      assert.equal(await missedCallNotificationsFor(db, u.id), false);
      await refusedWith(setUser(db, actor, 'alice', { language: 'de' }), 'BAD_SETTING');
      const bob = await createUser(db, actor, 'bob', { extension: '1001', dialPlan: 'DP', email: 'bob@contoso.com', callAnswering: 'off', language: 'es' });
      assert.deepEqual([bob.callAnswering, bob.language, bob.missedCallNotifications], [false, 'es-ES', null]);
      const invite = await createInvite(db, actor, 'bob');
      await acceptInvite(db, invite.token, PASSWORD);
      await createSession(db, 'user', bob.id);
      await removeUser(db, actor, 'bob');
      assert.equal((await db.selectFrom('user_web_accounts').selectAll().where('user_id', '=', bob.id).execute()).length, 0);
      assert.equal((await db.selectFrom('web_sessions').selectAll().where('kind', '=', 'user').where('account_id', '=', bob.id).execute()).length, 0);
    });
  });
}
