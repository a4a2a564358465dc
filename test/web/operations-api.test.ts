// The operations routes of `openum start --no-sip` (no SIP roles: readiness is the store and the
// start), /ready answering 503 with the failed checks when the roles are down (NodeOperations over
// stand-in roles), and the SIP addresses through PATCH /api/server in API words.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NodeOperations } from '../../src/services/ops/node-operations.js';
import { openNode } from '../../src/services/node.js';
import type { SipRoles } from '../../src/services/sip-roles.js';
import { api } from '../support/api.js';
import { cliJson, initData, startServer, type RunningServer } from '../support/openum.js';
import { tempDir } from '../support/run.js';

describe('operations routes and the SIP addresses in the admin API', { timeout: 60_000 }, () => {
  const tmp = tempDir('openum-ops-api-');
  const data = join(tmp.path, 'data');
  let token: string;
  let server: RunningServer;

  before(async () => {
    ({ token } = await initData(data, 'um.contoso.test'));
    server = await startServer(data);
  });
  after(async () => {
    await server?.stop();
    tmp.cleanup();
  });

  it('/health, /ready and /metrics answer without a token on a server without SIP roles', async () => {
    const h = await api(server.port, 'GET', '/health');
    assert.equal(h.status, 200);
    assert.equal(h.headers['cache-control'], 'no-store');
    const r = await api(server.port, 'GET', '/ready');
    assert.equal(r.status, 200, JSON.stringify(r.json()));
    assert.deepEqual(r.json(), { status: 'ready', checks: { started: { ok: true }, store: { ok: true } } });
    const m = await api(server.port, 'GET', '/metrics');
    assert.equal(m.status, 200);
    assert.match(String(m.body), /^openum_workers_up 0$/m);
    assert.match(String(m.body), /^openum_certificate_expiry_days\{service="IIS",thumbprint="[0-9A-F]{40}"\} \d+/m);
    assert.match(String(m.body), /^openum_main_process_resident_memory_bytes \d+/m);
  });

  it('a failed TLS handshake on the admin API (plain HTTP to the HTTPS port) is counted as not_tls', async () => {
    await new Promise<void>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: server.port }, () => s.write('GET /health HTTP/1.0\r\n\r\n'));
      s.on('error', () => undefined);
      s.on('close', () => resolve());
      s.setTimeout(5000, () => s.destroy());
    });
    const m = await api(server.port, 'GET', '/metrics');
    assert.match(String(m.body), /^openum_tls_handshake_failures_total\{role="admin-api",reason="not_tls"\} 1$/m);
  });

  it('PATCH /api/server sipAddresses: a bad address is refused naming the field and changes nothing; a good one is stored', async () => {
    const bad = await api(server.port, 'PATCH', '/api/server', { token, body: { sipAddresses: ['127.0.117.40', 'not-an-ip'] } });
    assert.equal(bad.status, 400);
    const message = (bad.json() as { message: string }).message;
    assert.match(message, /^sipAddresses: "not-an-ip" is not an IP address/);
    assert.doesNotMatch(message, /--/);
    assert.deepEqual(((await api(server.port, 'GET', '/api/server', { token })).json() as { sipAddresses: string[] }).sipAddresses, ['0.0.0.0']);

    const ok = await api(server.port, 'PATCH', '/api/server', { token, body: { sipAddresses: '127.0.117.40, 127.0.117.41' } });
    assert.equal(ok.status, 200, JSON.stringify(ok.json()));
    assert.deepEqual((ok.json() as { sipAddresses: string[] }).sipAddresses, ['127.0.117.40', '127.0.117.41']);
    assert.deepEqual((await cliJson<{ sipAddresses: string[] }>(['server', 'get'], { data })).sipAddresses, ['127.0.117.40', '127.0.117.41']);
  });

  it('/ready is "not ready" with each failed check named while the roles are down or the start is not over', async () => {
    const node = await openNode({ dataDir: data, actor: { name: 'test' } });
    try {
      const down = {
        routers: { running: 0, metrics: async () => [] },
        umListeners: () => [],
        umService: { settingUp: () => 0 },
        supervisor: { slots: () => [{ index: 0, alive: false, calls: 0 }], metrics: async () => [] },
      } as unknown as SipRoles;
      const ops = new NodeOperations(node, down);
      const r = await ops.ready();
      assert.equal(r.status, 'not ready');
      assert.deepEqual(r.checks, {
        started: { ok: false, problem: 'the server is still starting' },
        store: { ok: true },
        callRouter: { ok: false, problem: 'no Call Router process is running' },
        umService: { ok: false, problem: 'the UM service has no SIP listener open' },
        workers: { ok: false, problem: 'no UM worker process is running' },
      });
      assert.match(await ops.metrics(), /^openum_workers_up 0$/m);
    } finally {
      await node.close();
    }
  });
});
