// `openum user set --call-answering|--missed-call-notifications|--language`, `openum user
// invite|unlock-web|web` and `openum admin account …` through the real command: what they print
// and store, and refusals in CLI words that change nothing.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { missedCallNotificationsFor } from '../../src/org/mailbox-policies.js';
import type { UmUser } from '../../src/org/organisation-types.js';
import { openNode } from '../../src/services/node.js';
import { assertRefused } from '../support/cli-checks.js';
import { cli, cliJson, initData } from '../support/openum.js';
import { tempDir, type RunResult } from '../support/run.js';

describe('openum user (web settings) | admin account', () => {
  let tmp: ReturnType<typeof tempDir>;
  let data: string;
  const must = async (args: string[], input?: string): Promise<RunResult> => {
    const r = await cli(args, { data, input });
    assert.equal(r.code, 0, `openum ${args.join(' ')}: ${r.stderr}`);
    return r;
  };
  const auditLength = async () => (await cliJson<unknown[]>(['audit', '--limit', '1000'], { data })).length;

  before(async () => {
    tmp = tempDir('openum-web-cli-');
    data = join(tmp.path, 'data');
    await initData(data, 'um.contoso.test');
    await must(['dialplan', 'new', 'DP', '--extension-length', '4']);
    await must(['user', 'new', 'alice', '--extension', '1000', '--dial-plan', 'DP', '--email', 'alice@contoso.test']);
  });
  after(() => tmp?.cleanup());

  it('sets call answering, missed-call notifications and language, and the missed-call setting overrides the policy', async () => {
    let u = await cliJson<UmUser>(['user', 'get', 'alice'], { data });
    assert.deepEqual([u.callAnswering, u.missedCallNotifications, u.language], [true, null, null]);
    await must(['user', 'set', 'alice', '--call-answering', 'off', '--missed-call-notifications', 'off', '--language', 'it']);
    u = await cliJson<UmUser>(['user', 'get', 'alice'], { data });
    assert.deepEqual([u.callAnswering, u.missedCallNotifications, u.language], [false, false, 'it-IT']);
    const text = (await must(['user', 'get', 'alice'])).stdout;
    assert.match(text, /Call answering:\s+false/);
    const node = await openNode({ dataDir: data, actor: { name: 'test' } });
    try {
      assert.equal(await missedCallNotificationsFor(node.store.db, u.id), false, 'the user turned them off: the policy says on');
      await must(['user', 'set', 'alice', '--missed-call-notifications', 'policy', '--language', 'default', '--call-answering', 'on']);
      assert.equal(await missedCallNotificationsFor(node.store.db, u.id), true);
      await must(['policy', 'set', 'DP Default Policy', '--missed-call-notifications', 'off']);
      assert.equal(await missedCallNotificationsFor(node.store.db, u.id), false);
      await must(['user', 'set', 'alice', '--missed-call-notifications', 'on']);
      assert.equal(await missedCallNotificationsFor(node.store.db, u.id), true, 'the user turned them on: the policy says off');
    } finally {
      await node.close();
    }
    u = await cliJson<UmUser>(['user', 'get', 'alice'], { data });
    assert.deepEqual([u.callAnswering, u.missedCallNotifications, u.language], [true, true, null]);

    const before = await auditLength();
    for (const [flag, value, words] of [['--call-answering', 'maybe', /--call-answering takes on or off/], ['--missed-call-notifications', 'sometimes', /on, off or policy/], ['--language', 'de', /--language takes en, it, es, fr or default/]] as const) {
      assertRefused(await cli(['user', 'set', 'alice', flag, value], { data }), `${flag} ${value}`, { code: 'BAD_SETTING', match: [words] });
    }
    assert.equal(await auditLength(), before);
  });

  it('invites a user (link printed, not mailed without SMTP), shows and unlocks the web account', async () => {
    const invite = await cliJson<{ link: string; expiresAt: string; emailed: boolean }>(['user', 'invite', 'alice'], { data });
    assert.match(invite.link, /^https:\/\/um\.contoso\.test:\d+\/set-password\?token=[\w-]{43}$/);
    assert.equal(invite.emailed, false);
    const text = (await must(['user', 'invite', 'alice', '--no-email'])).stdout;
    assert.match(text, /set-password\?token=/);
    assert.match(text, /not mailed \(--no-email\)/);
    const status = await cliJson<{ passwordSet: boolean; locked: boolean; maxAttempts: number }>(['user', 'web', 'alice'], { data });
    assert.deepEqual([status.passwordSet, status.locked, status.maxAttempts], [false, false, 15]);
    assert.match((await must(['user', 'unlock-web', 'alice'])).stdout, /web account of alice unlocked/);
    assertRefused(await cli(['user', 'invite', 'nobody'], { data }), 'unknown user', { code: 'UM_USER_NOT_FOUND', match: [/nobody/] });
  });

  it('adds, lists, changes and removes administrator accounts, with the password from a file or standard input', async () => {
    const file = join(tmp.path, 'admin-password.txt');
    writeFileSync(file, 'a long admin password\n');
    await must(['admin', 'account', 'add', 'ops', '--password-file', file]);
    await must(['admin', 'account', 'add', 'night'], 'another admin password\n');
    const before = await auditLength();
    assertRefused(await cli(['admin', 'account', 'add', 'weak'], { data, input: 'short\n' }), 'short password', { code: 'WEAK_PASSWORD', match: [/at least 10 characters/] });
    assertRefused(await cli(['admin', 'account', 'add', 'ops', '--password-file', file], { data }), 'taken name', { code: 'OBJECT_EXISTS', match: [/ops/] });
    assert.equal(await auditLength(), before);
    const list = await cliJson<{ name: string }[]>(['admin', 'account', 'list'], { data });
    assert.deepEqual(list.map((a) => a.name), ['night', 'ops']);
    await must(['admin', 'account', 'password', 'ops'], 'a new long admin password\n');
    await must(['admin', 'account', 'remove', 'night']);
    assertRefused(await cli(['admin', 'account', 'remove', 'night'], { data }), 'gone', { code: 'ADMIN_ACCOUNT_NOT_FOUND', match: [/night/] });
    assert.deepEqual((await cliJson<{ name: string }[]>(['admin', 'account', 'list'], { data })).map((a) => a.name), ['ops']);
    // `openum admin get|set` still work beside `account`.
    await must(['admin', 'get']);
  });
});
