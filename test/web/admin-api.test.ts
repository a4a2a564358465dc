// The admin API of a running `openum start`: HTTPS with the IIS certificate, swapped without a
// restart when the CLI enables another one (seen by openssl s_client), and a token on every route.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CertificateView } from '../../src/pki/certificate-view.js';
import { cli, cliJson, freePort, initData, startServer, type RunningServer } from '../support/openum.js';
import { api } from '../support/api.js';
import { openssl, run, tempDir } from '../support/run.js';

/** The SHA-1 thumbprint of the certificate the server presents, as openssl s_client sees it. */
async function servedThumbprint(port: number): Promise<string> {
  const s = await run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-showcerts'], { input: '', timeoutMs: 10_000 });
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(s.stdout)?.[0];
  assert.ok(pem, `s_client printed no certificate: ${s.stderr}`);
  const fp = await openssl(['x509', '-noout', '-fingerprint', '-sha1'], { input: pem });
  return (fp.stdout.split('=')[1] ?? '').replace(/:/g, '').trim();
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail('condition not met in time');
}

describe('admin API over HTTPS', () => {
  let tmp: ReturnType<typeof tempDir>;
  let data: string;
  let token: string;
  let installThumbprint: string;
  let server: RunningServer;

  before(async () => {
    tmp = tempDir();
    data = join(tmp.path, 'data');
    ({ token, thumbprint: installThumbprint } = await initData(data, 'um.contoso.com'));
    server = await startServer(data);
  });
  after(async () => {
    await server?.stop();
    tmp.cleanup();
  });

  it('refuses every route without the administrator token (401)', async () => {
    for (const [method, path] of [['GET', '/api/certificates'], ['GET', '/api/server'], ['POST', '/api/certificates'], ['GET', '/api/nope'], ['DELETE', '/api/trust/00']]) {
      const r = await api(server.port, method ?? 'GET', path ?? '/');
      assert.equal(r.status, 401, `${method} ${path}`);
      assert.equal((r.json() as { error: string }).error, 'UNAUTHORIZED');
    }
    const wrong = await api(server.port, 'GET', '/api/certificates', { token: 'oum_not-the-token' });
    assert.equal(wrong.status, 401);
    const ok = await api(server.port, 'GET', '/api/certificates', { token });
    assert.equal(ok.status, 200);
    assert.equal((ok.json() as CertificateView[])[0]?.thumbprint, installThumbprint);
  });

  it('serves the IIS certificate and swaps it, without a restart, when the CLI enables another', async () => {
    assert.equal(await servedThumbprint(server.port), installThumbprint);
    const made = await cliJson<CertificateView>(['certificate', 'new', '--subject', 'CN=admin.contoso.com'], { data });
    const pid = server.process.pid;
    const r = await cli(['certificate', 'enable', made.thumbprint, '--services', 'IIS'], { data });
    assert.equal(r.code, 0, r.stderr);
    await eventually(async () => (await servedThumbprint(server.port)) === made.thumbprint);
    assert.equal(server.process.pid, pid);
    assert.equal(server.process.exitCode, null, 'still the same running process');
    // And back again, several times: each swap takes effect for new connections.
    for (let i = 0; i < 3; i++) {
      const next = await cliJson<CertificateView>(['certificate', 'new', '--subject', `CN=admin${i}.contoso.com`], { data });
      await cliJson(['certificate', 'enable', next.thumbprint, '--services', 'IIS'], { data });
      await eventually(async () => (await servedThumbprint(server.port)) === next.thumbprint);
    }
  });

  it('applies the certificate rules over the API, with the same messages', async () => {
    const made = await api(server.port, 'POST', '/api/certificates', { token, body: { subject: 'CN=um.contoso.com', friendlyName: 'api' } });
    assert.equal(made.status, 201, made.body);
    const view = made.json() as CertificateView;
    const refused = await api(server.port, 'POST', `/api/certificates/${view.thumbprint}/enable`, { token, body: { services: ['UM'] } });
    assert.equal(refused.status, 409);
    assert.equal((refused.json() as { error: string }).error, 'STARTUP_MODE_TCP');
    assert.equal((await api(server.port, 'PATCH', '/api/service', { token, body: { startupMode: 'Dual' } })).status, 200);
    const enabled = await api(server.port, 'POST', `/api/certificates/${view.thumbprint}/enable`, { token, body: { services: 'UM' } });
    assert.equal(enabled.status, 200, enabled.body);
    assert.deepEqual((enabled.json() as CertificateView).services, ['UM']);
    const fixed = await api(server.port, 'PATCH', '/api/service', { token, body: { sipTcpPort: 6000 } });
    assert.equal(fixed.status, 400);
    assert.equal((fixed.json() as { error: string }).error, 'PORT_NOT_CHANGEABLE');
    const bad = await api(server.port, 'POST', '/api/certificates', { token, body: { keySize: 512 } });
    assert.equal(bad.status, 400);
    assert.equal((bad.json() as { error: string }).error, 'BAD_KEY_SIZE');
    const unknown = await api(server.port, 'POST', '/api/certificates', { token, body: { bogus: 1 } });
    assert.equal(unknown.status, 400);
  });

  it('imports and exports over the API', async () => {
    const exported = await api(server.port, 'POST', `/api/certificates/${installThumbprint}/export`, { token, body: {} });
    assert.equal(exported.status, 200);
    const fp = await openssl(['x509', '-noout', '-fingerprint', '-sha1'], { input: exported.body });
    assert.equal(fp.stdout.split('=')[1]?.replace(/:/g, '').trim(), installThumbprint);
    const key = await api(server.port, 'POST', `/api/certificates/${installThumbprint}/export`, { token, body: { password: 'x' } });
    assert.equal(key.status, 409);
    assert.equal((key.json() as { error: string }).error, 'KEY_NOT_EXPORTABLE');
    const garbage = await api(server.port, 'POST', '/api/certificates/import', { token, body: { data: Buffer.from('not a certificate').toString('base64') } });
    assert.equal(garbage.status, 400);
    assert.equal((garbage.json() as { error: string }).error, 'UNRECOGNISED_CERTIFICATE_FILE');
  });

  it('records API changes in the audit log under the token name', async () => {
    const audit = await api(server.port, 'GET', '/api/audit?limit=100', { token });
    const entries = audit.json() as { actor: string; action: string }[];
    assert.ok(entries.some((e) => e.actor === 'api:install' && e.action === 'certificate.new'));
    assert.ok(entries.some((e) => e.actor.startsWith('cli:') && e.action === 'certificate.enable'));
  });

});

describe('admin API listener follows its stored settings', () => {
  it('moves to a new port when `openum admin set --port` changes it, without a restart', async () => {
    const tmp = tempDir();
    const data = join(tmp.path, 'data');
    const { token } = await initData(data, 'um.contoso.com');
    const first = await freePort();
    assert.equal((await cli(['admin', 'set', '--port', String(first)], { data })).code, 0);
    const server = await startServer(data, { storedPort: true });
    try {
      assert.equal(server.port, first);
      assert.equal((await api(first, 'GET', '/api/admin', { token })).status, 200);
      const second = await freePort();
      const r = await cli(['admin', 'set', '--port', String(second)], { data });
      assert.equal(r.code, 0, r.stderr);
      await eventually(async () => (await api(second, 'GET', '/api/admin', { token }).catch(() => ({ status: 0 }))).status === 200);
      await assert.rejects(api(first, 'GET', '/api/admin', { token }), 'the old port is closed');
      assert.equal(server.process.exitCode, null);
    } finally {
      await server.stop();
      tmp.cleanup();
    }
  });
});
