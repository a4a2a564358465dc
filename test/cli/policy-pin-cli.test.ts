// `openum policy …` and `openum user pin …` through the real command: what they print and change,
// and for every wrong argument one `error: …` line naming the fix, a non-zero exit and nothing
// changed (the audit log, which every change writes, keeps its length; the PIN still works).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ErrorCode } from '../../src/errors.js';
import type { MailboxPolicy } from '../../src/org/mailbox-policies.js';
import type { UmUser } from '../../src/org/organisation-types.js';
import { checkPin, type PinStatus } from '../../src/org/user-pins.js';
import { openNode, type OpenNode } from '../../src/services/node.js';
import { assertRefused } from '../support/cli-checks.js';
import { cli, cliJson, initData } from '../support/openum.js';
import { tempDir, type RunResult } from '../support/run.js';

interface Case { what: string; args: string[]; input?: string; code: ErrorCode; match: RegExp[] }

describe('openum policy | user pin', () => {
  let tmp: ReturnType<typeof tempDir>;
  let data: string;
  let node: OpenNode;
  const f = (name: string) => join(tmp.path, name);
  const must = async (args: string[], input?: string): Promise<RunResult> => {
    const r = await cli(args, { data, input });
    assert.equal(r.code, 0, `openum ${args.join(' ')}: ${r.stderr}`);
    return r;
  };
  const auditLength = async () => (await cliJson<unknown[]>(['audit', '--limit', '1000'], { data })).length;

  before(async () => {
    tmp = tempDir('openum-pin-cli-');
    data = f('data');
    await initData(data, 'um.contoso.test');
    await must(['dialplan', 'new', 'DP', '--extension-length', '4']);
    await must(['dialplan', 'new', 'Other', '--extension-length', '4']);
    await must(['user', 'new', 'alice', '--extension', '1000', '--dial-plan', 'DP', '--email', 'alice@contoso.test']);
    writeFileSync(f('pin.txt'), '583901\n');
    writeFileSync(f('letters.txt'), 'abcdef\n');
    node = await openNode({ dataDir: data, actor: { name: 'test' } });
  });
  after(async () => {
    await node?.close();
    tmp?.cleanup();
  });

  it('policy new|set|get|list and the default policy of each dial plan', async () => {
    const list = (await must(['policy', 'list'])).stdout;
    assert.match(list, /^DP Default Policy\s+DP\s+yes\s+6\s+60 d\s+5\s+5\s+15\s+mailed$/m);
    assert.match(list, /^Other Default Policy\s+Other\s+yes/m);
    const strict = await cliJson<MailboxPolicy>(['policy', 'new', 'Strict', '--dial-plan', 'DP', '--min-pin-length', '8', '--pin-lifetime', '0',
      '--missed-call-notifications', 'off'], { data });
    assert.deepEqual([strict.minPinLength, strict.pinLifetimeDays, strict.missedCallNotifications, strict.isDefault], [8, 0, false, false]);
    assert.match((await must(['policy', 'get', 'strict'])).stdout, /PIN lifetime \(days\): +never expires/);
    const set = await cliJson<MailboxPolicy>(['policy', 'set', 'Strict', '--pin-history', '10', '--allow-common-patterns', 'on'], { data });
    assert.deepEqual([set.pinHistoryCount, set.allowCommonPatterns], [10, true]);
    const bob = await cliJson<UmUser>(['user', 'new', 'bob', '--extension', '1001', '--dial-plan', 'DP', '--email', 'bob@contoso.test', '--policy', 'Strict'], { data });
    assert.equal(bob.policyName, 'Strict');
    assert.match((await must(['user', 'get', 'alice'])).stdout, /Mailbox policy: +DP Default Policy/);
  });

  it('policy: bad input is one error line and changes nothing', async () => {
    const before = await auditLength();
    const cases: Case[] = [
      { what: 'min PIN length 3', args: ['policy', 'set', 'Strict', '--min-pin-length', '3'], code: 'BAD_SETTING', match: [/minimum PIN length must be a whole number from 4 to 24 \(got "3"\)/] },
      { what: 'min PIN length 25', args: ['policy', 'new', 'X', '--dial-plan', 'DP', '--min-pin-length', '25'], code: 'BAD_SETTING', match: [/from 4 to 24/] },
      { what: 'history 21', args: ['policy', 'set', 'Strict', '--pin-history', '21'], code: 'BAD_SETTING', match: [/PIN history count must be a whole number from 1 to 20/] },
      { what: 'history letters', args: ['policy', 'set', 'Strict', '--pin-history', 'five'], code: 'BAD_SETTING', match: [/from 1 to 20 \(got "five"\)/] },
      { what: 'reset after lock', args: ['policy', 'set', 'Strict', '--pin-reset-failures', '20'], code: 'BAD_SETTING', match: [/fewer than the maximum logon attempts \(15\)/] },
      { what: 'bad boolean', args: ['policy', 'set', 'Strict', '--missed-call-notifications', 'maybe'], code: 'BAD_SETTING', match: [/takes on or off/] },
      { what: 'unknown policy', args: ['policy', 'get', 'Nope'], code: 'MAILBOX_POLICY_NOT_FOUND', match: [/no mailbox policy is named "Nope"; 'openum policy list'/] },
      { what: 'unknown policy for a user', args: ['user', 'new', 'carol', '--extension', '1002', '--dial-plan', 'DP', '--email', 'c@contoso.test', '--policy', 'Nope'], code: 'MAILBOX_POLICY_NOT_FOUND', match: [/Nope/] },
      { what: 'policy of another plan', args: ['user', 'new', 'carol', '--extension', '1002', '--dial-plan', 'Other', '--email', 'c@contoso.test', '--policy', 'Strict'], code: 'BAD_SETTING', match: [/belongs to the dial plan "DP", not "Other"/] },
      { what: 'no dial plan', args: ['policy', 'new', 'X'], code: 'BAD_ARGUMENT', match: [/needs --dial-plan DP/] },
      { what: 'taken name', args: ['policy', 'new', 'strict', '--dial-plan', 'DP'], code: 'OBJECT_EXISTS', match: [/already exists/] },
      { what: 'in use', args: ['policy', 'remove', 'Strict'], code: 'OBJECT_IN_USE', match: [/in use by the users "bob"; give them another policy first/] },
      { what: 'default', args: ['policy', 'remove', 'Other Default Policy'], code: 'OBJECT_IN_USE', match: [/default of the dial plan "Other"/] },
      { what: 'nothing to change', args: ['policy', 'set', 'Strict'], code: 'BAD_ARGUMENT', match: [/nothing to change/] },
    ];
    for (const c of cases) assertRefused(await cli(c.args, { data }), c.what, c);
    assert.equal(await auditLength(), before, 'nothing changed');
    assert.equal((await cliJson<MailboxPolicy>(['policy', 'get', 'Strict'], { data })).pinHistoryCount, 10);
  });

  it('user pin set from standard input or --pin-file; bad PINs are one error line and change nothing', async () => {
    assert.match((await must(['user', 'pin', 'set', 'alice'], '583901\n')).stdout, /^PIN of alice set; it must be changed at the next logon$/m);
    const aliceId = (await cliJson<UmUser>(['user', 'get', 'alice'], { data })).id;
    assert.deepEqual(await checkPin(node.store.db, aliceId, '583901'), { ok: true, mustChange: true });
    const before = await auditLength();
    const cases: Case[] = [
      { what: 'letters', args: ['user', 'pin', 'set', 'alice'], input: 'abcdef\n', code: 'BAD_PIN', match: [/^error: a PIN may contain only the digits 0-9/] },
      { what: 'letters from a file', args: ['user', 'pin', 'set', 'alice', '--pin-file', f('letters.txt')], code: 'BAD_PIN', match: [/only the digits 0-9/] },
      { what: 'too short', args: ['user', 'pin', 'set', 'alice'], input: '5839\n', code: 'BAD_PIN', match: [/has 4 digits but the mailbox policy asks for at least 6; choose a longer PIN/] },
      { what: 'common pattern', args: ['user', 'pin', 'set', 'alice'], input: '123456\n', code: 'BAD_PIN', match: [/too easy to guess/] },
      { what: 'the extension', args: ['user', 'pin', 'set', 'alice'], input: '771000\n', code: 'BAD_PIN', match: [/the extension/] },
      { what: 'in history', args: ['user', 'pin', 'set', 'alice', '--pin-file', f('pin.txt')], code: 'BAD_PIN', match: [/one of the last 5 PINs/] },
      { what: 'empty', args: ['user', 'pin', 'set', 'alice'], input: '', code: 'BAD_ARGUMENT', match: [/no PIN given: pipe it/] },
      { what: 'PIN on the command line', args: ['user', 'pin', 'set', 'alice', '583901'], code: 'BAD_ARGUMENT', match: [/./] },
      { what: 'missing file', args: ['user', 'pin', 'set', 'alice', '--pin-file', f('nope.txt')], code: 'FILE_NOT_FOUND', match: [/no such file/] },
      { what: 'unknown user', args: ['user', 'pin', 'reset', 'nobody'], code: 'UM_USER_NOT_FOUND', match: [/nobody/] },
      { what: 'unknown sub-command', args: ['user', 'pin', 'show', 'alice'], code: 'UNKNOWN_COMMAND', match: [/choose one of: set, reset, unlock, get/] },
    ];
    for (const c of cases) assertRefused(await cli(c.args, { data, input: c.input }), c.what, c);
    assert.equal(await auditLength(), before, 'nothing changed');
    assert.deepEqual(await checkPin(node.store.db, aliceId, '583901'), { ok: true, mustChange: true }, 'the PIN still works');
  });

  it('user pin reset prints a new PIN once; lockout by wrong PINs, unlock by the CLI', async () => {
    const reset = (await must(['user', 'pin', 'reset', 'alice'])).stdout;
    const pin = /new PIN of alice: (\d+)/.exec(reset)?.[1] ?? '';
    assert.match(pin, /^\d{6}$/);
    const aliceId = (await cliJson<UmUser>(['user', 'get', 'alice'], { data })).id;
    await must(['policy', 'set', 'DP Default Policy', '--pin-reset-failures', '0', '--max-logon-attempts', '3']);
    for (let i = 0; i < 2; i++) assert.deepEqual(await checkPin(node.store.db, aliceId, '000000'), { ok: false, reason: 'wrong' });
    assert.deepEqual(await checkPin(node.store.db, aliceId, '000000'), { ok: false, reason: 'locked' });
    assert.equal((await cliJson<PinStatus>(['user', 'pin', 'get', 'alice'], { data })).locked, true);
    assert.match((await must(['user', 'pin', 'unlock', 'alice'])).stdout, /mailbox of alice unlocked/);
    assert.deepEqual(await checkPin(node.store.db, aliceId, pin), { ok: true, mustChange: true });
    const audit = await cliJson<{ action: string; actor: string }[]>(['audit', '--limit', '20'], { data });
    for (const a of ['pin.reset', 'pin.logon-failure', 'pin.lockout', 'pin.unlock']) assert.ok(audit.some((e) => e.action === a), a);
    assert.doesNotMatch(JSON.stringify(audit), new RegExp(pin));
  });
});
