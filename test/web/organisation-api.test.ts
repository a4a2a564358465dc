// /api/dialplans, /api/gateways, /api/huntgroups and /api/users of a running `openum start`: the
// same objects and rules as the CLI, strict bodies, and the error codes' HTTP statuses.
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initData, startServer, type RunningServer } from '../support/openum.js';
import { tempDir } from '../support/run.js';

function api(port: number, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: () => unknown }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request({
      host: '127.0.0.1', port, method, path, rejectUnauthorized: false, agent: false,
      headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, json: () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

describe('organisation admin API', () => {
  let tmp: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let call: (method: string, path: string, body?: unknown) => ReturnType<typeof api>;

  before(async () => {
    tmp = tempDir();
    const data = join(tmp.path, 'data');
    const { token } = await initData(data, 'um.contoso.com');
    server = await startServer(data);
    call = (method, path, body) => api(server.port, token, method, path, body);
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
