// /api/dialplans, /api/gateways, /api/huntgroups and /api/users of a running `openum start`: the
// same objects and rules as the CLI, strict bodies, and the error codes' HTTP statuses.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initData, startServer, type RunningServer } from '../support/openum.js';
import { api as call0 } from '../support/api.js';
import { tempDir } from '../support/run.js';

describe('organisation admin API', () => {
  let tmp: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let call: (method: string, path: string, body?: unknown) => ReturnType<typeof call0>;

  before(async () => {
    tmp = tempDir();
    const data = join(tmp.path, 'data');
    const { token } = await initData(data, 'um.contoso.com');
    server = await startServer(data);
    call = (method, path, body) => call0(server.port, method, path, { token, body });
  });
  after(async () => {
    await server?.stop();
    tmp?.cleanup();
  });

  it('creates, reads, changes and removes the objects, with the CLI rules and statuses', async () => {
    let r = await call('POST', '/api/dialplans', { name: 'Contoso', extensionLength: 4, accessNumbers: ['+14255550100'] });
    assert.equal(r.status, 201);
    r = await call('POST', '/api/dialplans', { name: 'Bad', extensionLength: 4, colour: 'red' });
    assert.equal(r.status, 400, 'unknown keys are refused');
    r = await call('POST', '/api/gateways', { name: 'PBX1', address: '192.0.2.10', dialPlan: 'Contoso' });
    assert.equal(r.status, 201);
    assert.deepEqual((await call('GET', '/api/huntgroups?gateway=PBX1')).json(), [
      { ...((await call('GET', '/api/huntgroups/Contoso?gateway=PBX1')).json() as object) },
    ]);
    r = await call('PATCH', '/api/dialplans/Contoso', { voipSecurity: 'Secured' });
    assert.equal(r.status, 409);
    assert.deepEqual(Object.keys(r.json() as object), ['error', 'message']);
    assert.equal((r.json() as { error: string }).error, 'GATEWAY_FQDN_REQUIRED');
    r = await call('POST', '/api/users', { name: 'alice', extension: 1001, dialPlan: 'Contoso', email: 'alice@contoso.com' });
    assert.equal(r.status, 201);
    r = await call('PATCH', '/api/users/alice', { sipUri: 'sip:Alice@Contoso.com' });
    assert.equal((r.json() as { sipUri: string }).sipUri, 'sip:alice@contoso.com');
    assert.equal((await call('DELETE', '/api/dialplans/Contoso')).status, 409);
    assert.equal((await call('GET', '/api/users/nobody')).status, 404);
    assert.equal((await call('DELETE', '/api/users/alice')).status, 204);
    assert.deepEqual((await call('DELETE', '/api/gateways/PBX1')).json(), { removedHuntGroups: ['Contoso'] });
    assert.equal((await call('DELETE', '/api/dialplans/Contoso')).status, 204);
    assert.deepEqual((await call('GET', '/api/dialplans')).json(), []);
  });
});
