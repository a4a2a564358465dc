// Changes that would break what runs are refused by the admin API too (issue 10), in API words,
// with the code's HTTP status and nothing changed; and the admin listener follows its address.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getServer, setAdmin } from '../../src/org/server-settings.js';
import { openNode, requireServer, type OpenNode } from '../../src/services/node.js';
import { AdminServer } from '../../src/web/admin-server.js';
import { startAdminInProcess, type InProcessAdmin } from '../support/admin-in-process.js';
import { api } from '../support/api.js';
import { makeCa } from '../support/ca.js';
import { initData } from '../support/openum.js';
import { tempDir } from '../support/run.js';
import { silentLog } from '../support/voicemail.js';

const HOST = '127.0.119.1';
const FQDN = 'um.contoso.test';

function assertRefusal(r: { status: number; json: () => unknown }, status: number, code: string, match: RegExp[]): string {
  assert.equal(r.status, status, JSON.stringify(r.json()));
  const body = r.json() as { error: string; message: string };
  assert.equal(body.error, code);
  for (const m of match) assert.match(body.message, m);
  assert.doesNotMatch(body.message, /openum |--[a-z]/, 'API words, not CLI flags');
  return body.message;
}

describe('changes that would break what runs (admin API)', () => {
  let admin: InProcessAdmin;
  before(async () => { admin = await startAdminInProcess(HOST); });
  after(async () => { await admin?.close(); });

  it('PATCH /api/admin refuses an address this host cannot listen on', async () => {
    const before = (await admin.call('GET', '/api/server')).body;
    assertRefusal(await admin.call('PATCH', '/api/admin', { body: { address: '300.1.1.1' } }), 400, 'BAD_SETTING', [/must be an IP address/]);
    assertRefusal(await admin.call('PATCH', '/api/admin', { body: { address: '192.0.2.77' } }), 400, 'BAD_SETTING', [/not an address of this host/]);
    assert.equal((await admin.call('GET', '/api/server')).body, before);
  });

  it('PATCH /api/service refuses TCP while a secured dial plan needs TLS, and RTP ports over the SIP ports', async () => {
    assert.equal((await admin.call('POST', '/api/dialplans', { body: { name: 'Secure', extensionLength: 5, voipSecurity: 'Secured' } })).status, 201);
    assert.equal((await admin.call('PATCH', '/api/service', { body: { startupMode: 'TLS' } })).status, 200);
    const before = (await admin.call('GET', '/api/server')).body;
    assertRefusal(await admin.call('PATCH', '/api/service', { body: { startupMode: 'TCP' } }), 409, 'TLS_NEEDED_BY_DIAL_PLAN',
      [/"Secure" \(Secured\)/, /PATCH \/api\/dialplans\/\{name\} \{ voipSecurity: Unsecured \}/]);
    assertRefusal(await admin.call('PATCH', '/api/callrouter', { body: { startupMode: 'TCP' } }), 409, 'TLS_NEEDED_BY_DIAL_PLAN', [/Call Router/]);
    assertRefusal(await admin.call('PATCH', '/api/service', { body: { rtpPorts: '5060-5100' } }), 400, 'BAD_SETTING', [/overlaps the SIP ports/]);
    assert.equal((await admin.call('GET', '/api/server')).body, before);
  });

  it('POST /api/certificates with a body that is not an object is 400 and makes nothing', async () => {
    const before = (await admin.call('GET', '/api/certificates')).body;
    for (const body of [null, 'CN=x', 42, []]) {
      assertRefusal(await admin.call('POST', '/api/certificates', { body }), 400, 'BAD_ARGUMENT', [/body/]);
    }
    assert.equal((await admin.call('GET', '/api/certificates')).body, before);
  });

  it('DELETE /api/trust/{id} of the root the IIS certificate chains to is 409 in API words; force=true removes it', async () => {
    const tmp = tempDir();
    try {
      const ca = await makeCa(tmp.path);
      let r = await admin.call('POST', '/api/certificates', { body: { subject: `CN=${FQDN}`, domains: [FQDN], request: true } });
      assert.equal(r.status, 201, r.body);
      writeFileSync(join(tmp.path, 'um.csr'), (r.json() as { request: string }).request);
      const issued = readFileSync(await ca.sign(join(tmp.path, 'um.csr'), { sans: [FQDN] }));
      r = await admin.call('POST', '/api/certificates/import', { body: { data: issued.toString('base64') } });
      assert.equal(r.status, 201, r.body);
      const thumbprint = (r.json() as { view: { thumbprint: string } }).view.thumbprint;
      const root = ((await admin.call('POST', '/api/trust', { body: { data: readFileSync(ca.certPath).toString('base64') } })).json() as Array<{ thumbprint: string }>)[0];
      assert.ok(root);
      assert.equal((await admin.call('POST', `/api/certificates/${thumbprint}/enable`, { body: { services: 'IIS' } })).status, 200);
      const before = (await admin.call('GET', '/api/trust')).body;
      assertRefusal(await admin.call('DELETE', `/api/trust/${root.thumbprint}`), 409, 'TRUSTED_ROOT_IN_USE',
        [new RegExp(thumbprint), /serving IIS/, /repeat with \?force=true/]);
      assert.equal((await admin.call('GET', '/api/trust')).body, before);
      // The CA's own certificate, imported: no key, no request; the answer says so.
      r = await admin.call('POST', '/api/certificates/import', { body: { data: readFileSync(ca.certPath).toString('base64') } });
      assert.match(((r.json() as { warnings?: string[] }).warnings ?? [])[0] ?? '', /without a private key/);
      assert.equal((await admin.call('DELETE', `/api/trust/${root.thumbprint}?force=true`)).status, 204);
      assert.equal((await admin.call('GET', '/api/trust')).body, '[]');
    } finally {
      tmp.cleanup();
    }
  });
});

describe('the admin API listener follows its stored address', () => {
  let tmp: ReturnType<typeof tempDir>;
  let node: OpenNode;
  let server: AdminServer;
  let blocker: Server | undefined;
  const reachable = async (host: string, port: number) => {
    try {
      return (await api(port, 'GET', '/api/server', { host })).status === 401;
    } catch {
      return false;
    }
  };
  const move = async (address: string) => {
    await setAdmin(node.store.db, { name: 'test' }, requireServer(node), { address });
    await server.reload();
  };

  before(async () => {
    tmp = tempDir('openum-admin-');
    const data = join(tmp.path, 'data');
    await initData(data, 'um.contoso.test');
    node = await openNode({ dataDir: data, actor: { name: 'test' } });
    await setAdmin(node.store.db, { name: 'test' }, requireServer(node), { address: '127.0.119.2' });
    server = new AdminServer(node, process.env.G_DEBUG ? (await import('pino')).pino() : silentLog());
  });
  after(async () => {
    blocker?.close();
    await server?.close();
    await node?.close();
    tmp?.cleanup();
  });

  it('stays where it was when a move cannot bind, and serves again when the address is corrected', async () => {
    const { port } = await server.start({ port: 0 });
    assert.ok(await reachable('127.0.119.2', port));
    // Another process holds the new address's port: the move fails, the API keeps serving.
    blocker = createServer();
    await new Promise<void>((resolve) => blocker?.listen(port, '127.0.119.3', resolve));
    await move('127.0.119.3');
    assert.ok(await reachable('127.0.119.2', port), 'still served on the old address after a failed move');
    // The operator corrects the address back: it keeps serving (it stopped for good before).
    await move('127.0.119.2');
    assert.ok(await reachable('127.0.119.2', port));
    await new Promise<void>((resolve) => blocker?.close(() => resolve()));
    blocker = undefined;
    await move('127.0.119.3');
    assert.ok(await reachable('127.0.119.3', port), 'moved once the address is free');
    assert.equal(await reachable('127.0.119.2', port), false);
    assert.equal((await getServer(node.store.db, requireServer(node))).admin.address, '127.0.119.3');
  });
});
