// The certificate life cycle through the real `openum` command, checked with the openssl CLI:
// request → CA signs → import completes it → Valid → enable; exports read by openssl; PFX files
// made by openssl (default and -legacy) import; a wrong password stores nothing.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CertificateView } from '../../src/pki/certificate-view.js';
import { makeCa, type TestCa } from '../support/ca.js';
import { cli, cliJson, initData } from '../support/openum.js';
import { openssl, tempDir } from '../support/run.js';

describe('certificate life cycle through the CLI', () => {
  let tmp: ReturnType<typeof tempDir>;
  let data: string;
  let ca: TestCa;
  const f = (name: string) => join(tmp.path, name);

  before(async () => {
    tmp = tempDir();
    data = f('data');
    await initData(data, 'um.contoso.com');
    ca = await makeCa(tmp.path);
  });
  after(() => tmp.cleanup());

  it('makes a request that openssl verifies, completes it with the CA-signed certificate, and shows Valid', async () => {
    const made = await cliJson<CertificateView & { request: string }>(['certificate', 'new', '--request', '--subject', 'C=IT,O=Contoso,CN=um.contoso.com',
      '--domain', 'um.contoso.com', '--domain', 'mail.contoso.com', '--key-size', '2048', '--out', f('um.csr'), '--exportable'], { data });
    assert.equal(made.status, 'PendingRequest');
    const verify = await openssl(['req', '-in', f('um.csr'), '-noout', '-verify', '-text']);
    assert.match(verify.stderr + verify.stdout, /verify OK/);
    assert.match(verify.stdout, /DNS:um\.contoso\.com, DNS:mail\.contoso\.com/);

    // The request can also be exported again, as DER, and openssl reads it.
    assert.equal((await cli(['certificate', 'export', made.thumbprint, '--out', f('again.der'), '--der'], { data })).code, 0);
    await openssl(['req', '-in', f('again.der'), '-inform', 'DER', '-noout', '-verify']);

    const issued = await ca.sign(f('um.csr'), { sans: ['um.contoso.com', 'mail.contoso.com'] });
    // Without the CA trusted, the completed certificate is Untrusted ...
    const r = await cli(['certificate', 'import', issued, '--json'], { data });
    assert.equal(r.code, 0, r.stderr);
    const imported = JSON.parse(r.stdout) as { view: CertificateView; completedRequest: string };
    assert.equal(imported.completedRequest, made.thumbprint);
    assert.equal(imported.view.status, 'Untrusted');
    assert.equal(imported.view.hasPrivateKey, true);
    // ... and Valid once the CA is a trusted root.
    assert.equal((await cli(['trust', 'add', ca.certPath], { data })).code, 0);
    const got = await cliJson<CertificateView>(['certificate', 'get', imported.view.thumbprint], { data });
    assert.equal(got.status, 'Valid');
    const fp = (await openssl(['x509', '-in', issued, '-noout', '-fingerprint', '-sha1'])).stdout;
    assert.equal(got.thumbprint, fp.split('=')[1]?.replace(/:/g, '').trim());
    const list = await cliJson<CertificateView[]>(['certificate', 'list'], { data });
    assert.equal(list.filter((c) => c.status === 'PendingRequest').length, 0, 'the request became the certificate');
  });

  it('exports the public certificate (PEM and DER) and an exportable key as PFX, all read by openssl', async () => {
    const made = await cliJson<CertificateView>(['certificate', 'new', '--subject', 'CN=export.contoso.com', '--exportable', '--friendly-name', 'export test'], { data });
    assert.equal((await cli(['certificate', 'export', made.thumbprint, '--out', f('pub.pem')], { data })).code, 0);
    assert.equal((await cli(['certificate', 'export', made.thumbprint, '--out', f('pub.der'), '--der'], { data })).code, 0);
    const pem = await openssl(['x509', '-in', f('pub.pem'), '-noout', '-subject']);
    assert.match(pem.stdout, /CN ?= ?export\.contoso\.com/);
    await openssl(['x509', '-in', f('pub.der'), '-inform', 'DER', '-noout']);

    const pfx = await cli(['certificate', 'export', made.thumbprint, '--out', f('key.pfx'), '--password', 's3cret'], { data });
    assert.equal(pfx.code, 0, pfx.stderr);
    assert.equal(statSync(f('key.pfx')).mode & 0o777, 0o600, 'a file with key material is owner-only');
    const opened = await openssl(['pkcs12', '-in', f('key.pfx'), '-passin', 'pass:s3cret', '-nodes']);
    assert.match(opened.stdout, /BEGIN PRIVATE KEY/);
    assert.match(opened.stdout, /BEGIN CERTIFICATE/);

    // The same PFX imports into another install.
    const other = f('data-other');
    await initData(other, 'other.contoso.com');
    const back = await cli(['certificate', 'import', f('key.pfx'), '--password', 's3cret', '--json'], { data: other });
    assert.equal(back.code, 0, back.stderr);
    assert.equal((JSON.parse(back.stdout) as { view: CertificateView }).view.thumbprint, made.thumbprint);
  });

  it('refuses to export a non-exportable key, but exports its public certificate', async () => {
    const made = await cliJson<CertificateView>(['certificate', 'new', '--subject', 'CN=locked.contoso.com'], { data });
    const r = await cli(['certificate', 'export', made.thumbprint, '--out', f('locked.pfx'), '--password', 'x'], { data });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /^error: the private key of [0-9A-F]{40} is not exportable/);
    assert.throws(() => statSync(f('locked.pfx')), 'nothing written');
    assert.equal((await cli(['certificate', 'export', made.thumbprint, '--out', f('locked.pem')], { data })).code, 0);
  });

  for (const legacy of [false, true]) {
    it(`imports a PFX made by openssl pkcs12${legacy ? ' -legacy (RC2/3DES)' : ''}; a wrong password stores nothing`, async () => {
      const name = legacy ? 'legacy' : 'modern';
      await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', `/CN=${name}.contoso.com`]);
      const cert = await ca.sign(f(`${name}.csr`), { sans: [`${name}.contoso.com`] });
      await openssl(['pkcs12', '-export', ...(legacy ? ['-legacy'] : []), '-in', cert, '-inkey', f(`${name}.key`), '-certfile', ca.certPath,
        '-out', f(`${name}.pfx`), '-passout', 'pass:right', '-name', `${name} pfx`]);

      const before = await cliJson<CertificateView[]>(['certificate', 'list'], { data });
      const auditBefore = (await cliJson<unknown[]>(['audit', '--limit', '1000'], { data })).length;
      const wrong = await cli(['certificate', 'import', f(`${name}.pfx`), '--password', 'wrong'], { data });
      assert.notEqual(wrong.code, 0);
      assert.match(wrong.stderr, /^error: .*password/i);
      assert.equal(wrong.stderr.trim().split('\n').length, 1, 'one line');
      assert.deepEqual(await cliJson<CertificateView[]>(['certificate', 'list'], { data }), before, 'nothing stored');
      assert.equal((await cliJson<unknown[]>(['audit', '--limit', '1000'], { data })).length, auditBefore);

      const ok = await cli(['certificate', 'import', f(`${name}.pfx`), '--password', 'right', '--json'], { data });
      assert.equal(ok.code, 0, ok.stderr);
      const view = (JSON.parse(ok.stdout) as { view: CertificateView }).view;
      assert.equal(view.hasPrivateKey, true);
      assert.equal(view.status, 'Valid');
      assert.equal(view.friendlyName, `${name} pfx`);
    });
  }

  it('keeps private keys sealed in the store and the key files owner-only', async () => {
    const db = readFileSync(join(data, 'openum.db'));
    assert.equal(db.includes(Buffer.from('BEGIN PRIVATE KEY')), false);
    assert.equal(statSync(join(data, 'master.key')).mode & 0o777, 0o600);
    assert.equal(statSync(join(data, 'openum.db')).mode & 0o777, 0o600);
  });

  it('writes every change to the audit log', async () => {
    const audit = await cliJson<{ action: string; actor: string }[]>(['audit', '--limit', '1000'], { data });
    const actions = new Set(audit.map((a) => a.action));
    for (const a of ['certificate.new', 'certificate.request', 'certificate.complete', 'certificate.import', 'trust.add', 'certificate.export-key']) {
      assert.ok(actions.has(a), `audit has ${a}`);
    }
    assert.ok(audit.every((a) => a.actor.startsWith('cli:')));
  });
});
