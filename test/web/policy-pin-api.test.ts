// /api/policies and /api/users/:name/pin of a running `openum start`: the CLI's rules and
// messages, strict bodies, { error, message } refusals that change nothing; and the recorded name.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MailboxPolicy } from '../../src/org/mailbox-policies.js';
import { checkPin, type PinStatus } from '../../src/org/user-pins.js';
import { findUser } from '../../src/org/users.js';
import { openNode, type OpenNode } from '../../src/services/node.js';
import { api as call0 } from '../support/api.js';
import { cli, initData, startServer, type RunningServer } from '../support/openum.js';
import { tempDir } from '../support/run.js';
import { toneWav } from '../support/voicemail.js';

describe('mailbox policy and PIN admin API', () => {
  let tmp: ReturnType<typeof tempDir>;
  let data: string;
  let server: RunningServer;
  let node: OpenNode;
  let token: string;
  let call: (method: string, path: string, body?: unknown) => ReturnType<typeof call0>;

  before(async () => {
    tmp = tempDir('openum-pin-api-');
    data = join(tmp.path, 'data');
    token = (await initData(data, 'um.contoso.test')).token;
    for (const args of [['dialplan', 'new', 'DP', '--extension-length', '4'], ['user', 'new', 'alice', '--extension', '1000', '--dial-plan', 'DP', '--email', 'alice@contoso.test']]) {
      const r = await cli(args, { data });
      assert.equal(r.code, 0, r.stderr);
    }
    node = await openNode({ dataDir: data, actor: { name: 'test' } });
    server = await startServer(data);
    call = (method, path, body) => call0(server.port, method, path, { token, body });
  });
  after(async () => {
    await server?.stop();
    await node?.close();
    tmp?.cleanup();
  });

  const refused = async (method: string, path: string, body: unknown, status: number, error: string, message: RegExp) => {
    const r = await call(method, path, body);
    assert.equal(r.status, status, `${method} ${path}: ${r.body}`);
    const j = r.json() as { error: string; message: string };
    assert.equal(j.error, error, r.body);
    assert.match(j.message, message);
  };

  it('policies: list, new, get, patch, delete; the CLI\'s refusals', async () => {
    const list = (await call('GET', '/api/policies')).json() as MailboxPolicy[];
    assert.deepEqual(list.map((p) => [p.name, p.isDefault]), [['DP Default Policy', true]]);
    const created = await call('POST', '/api/policies', { name: 'Strict', dialPlan: 'DP', minPinLength: 8, missedCallNotifications: false });
    assert.equal(created.status, 201, created.body);
    assert.equal((await call('PATCH', '/api/policies/Strict', { pinHistoryCount: 7 })).json() && ((await call('GET', '/api/policies/strict')).json() as MailboxPolicy).pinHistoryCount, 7);
    await refused('PATCH', '/api/policies/Strict', { minPinLength: 3 }, 400, 'BAD_SETTING', /minimum PIN length must be a whole number from 4 to 24/);
    await refused('PATCH', '/api/policies/Strict', { pinHistoryCount: 0 }, 400, 'BAD_SETTING', /from 1 to 20/);
    await refused('PATCH', '/api/policies/Strict', { colour: 'red' }, 400, 'BAD_ARGUMENT', /colour/);
    await refused('POST', '/api/policies', { name: 'X' }, 400, 'BAD_ARGUMENT', /dialPlan/);
    await refused('GET', '/api/policies/Nope', undefined, 404, 'MAILBOX_POLICY_NOT_FOUND', /no mailbox policy is named "Nope"/);
    assert.equal((await call('PATCH', '/api/users/alice', { policy: 'Strict' })).status, 200);
    await refused('DELETE', '/api/policies/Strict', undefined, 409, 'OBJECT_IN_USE', /in use by the users "alice"/);
    assert.equal((await call('PATCH', '/api/users/alice', { policy: 'DP Default Policy' })).status, 200);
    assert.equal((await call('DELETE', '/api/policies/Strict')).status, 204);
    await refused('DELETE', '/api/policies/DP Default Policy'.replace(/ /g, '%20'), undefined, 409, 'OBJECT_IN_USE', /users "alice"/);
  });

  it('PINs: set, refusals that change nothing, reset once, unlock', async () => {
    const alice = (await findUser(node.store.db, 'alice'))?.id ?? 0;
    const set = await call('PUT', '/api/users/alice/pin', { pin: '583901', mustChange: false });
    assert.equal(set.status, 200, set.body);
    assert.equal((set.json() as PinStatus).mustChange, false);
    await refused('PUT', '/api/users/alice/pin', { pin: 'abcdef' }, 400, 'BAD_PIN', /only the digits 0-9/);
    await refused('PUT', '/api/users/alice/pin', { pin: '5839' }, 400, 'BAD_PIN', /at least 6/);
    await refused('PUT', '/api/users/alice/pin', { pin: '583901' }, 400, 'BAD_PIN', /last 5 PINs/);
    await refused('PUT', '/api/users/alice/pin', { pin: 583901 }, 400, 'BAD_ARGUMENT', /pin must be a string of digits/);
    await refused('PUT', '/api/users/nobody/pin', { pin: '583901' }, 404, 'UM_USER_NOT_FOUND', /nobody/);
    assert.deepEqual(await checkPin(node.store.db, alice, '583901'), { ok: true, mustChange: false }, 'refusals changed nothing');
    const status = (await call('GET', '/api/users/alice/pin')).json() as PinStatus & { pin?: string };
    assert.equal(status.isSet, true);
    assert.equal(status.pin, undefined, 'the PIN is never shown');
    const reset = (await call('POST', '/api/users/alice/pin/reset', {})).json() as PinStatus & { pin: string };
    assert.match(reset.pin, /^\d{6}$/);
    assert.equal(reset.mustChange, true);
    await node.store.db.updateTable('user_pins').set({ locked: 1 }).where('user_id', '=', alice).execute();
    assert.deepEqual(await checkPin(node.store.db, alice, reset.pin), { ok: false, reason: 'locked' });
    assert.equal(((await call('POST', '/api/users/alice/pin/unlock', {})).json() as PinStatus).locked, false);
    assert.deepEqual(await checkPin(node.store.db, alice, reset.pin), { ok: true, mustChange: true });
  });

  it('recorded name: put, get, delete', async () => {
    const put = await call('PUT', '/api/users/alice/recorded-name', { data: toneWav(1).toString('base64') });
    assert.equal(put.status, 200, put.body);
    assert.equal((put.json() as { durationMs: number }).durationMs, 1000);
    assert.equal((await call('GET', '/api/users/alice/recorded-name')).status, 200);
    assert.equal((await call('DELETE', '/api/users/alice/recorded-name')).status, 204);
    await refused('GET', '/api/users/alice/recorded-name', undefined, 404, 'AUDIO_NOT_FOUND', /no recorded name/);
  });
});
