// readPfx against PFX files made by `openssl pkcs12 -export` (OpenSSL 3 defaults, -legacy, empty
// password, chains, unencrypted bags), and writePfx output read back by openssl, Node's TLS and readPfx.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { readPfx } from '../../src/pki/pfx-read.js';
import { writePfx } from '../../src/pki/pfx-write.js';
import { pemBlocks } from '../../src/pki/pem.js';
import { isOpenUmError } from '../../src/errors.js';
import type { ErrorCode } from '../../src/errors.js';
import { openssl, tempDir } from '../support/run.js';
import { makeCa } from '../support/ca.js';

const tmp = tempDir('openum-pfx-');
const p = (name: string): string => join(tmp.path, name);
const read = (name: string): Buffer => readFileSync(p(name));
const certDer = (name: string): Buffer => new X509Certificate(read(name)).raw;
const pkcs8 = (pemOrDer: Buffer | string): Buffer => createPrivateKey(pemOrDer).export({ type: 'pkcs8', format: 'der' });
const samePkcs8 = (a: Buffer | undefined, b: Buffer): boolean =>
  a !== undefined && createPrivateKey({ key: a, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'der' }).equals(b);

function rejects(code: ErrorCode, fn: () => unknown): void {
  assert.throws(fn, (e: unknown) => isOpenUmError(e) && e.code === code);
}

async function exportPfx(out: string, args: string[]): Promise<Buffer> {
  await openssl(['pkcs12', '-export', '-in', p('leaf.crt'), '-inkey', p('leaf.key'), '-out', p(out), ...args]);
  return read(out);
}

before(async () => {
  const ca = await makeCa(tmp.path);
  await openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('leaf.key'), '-out', p('leaf.csr'), '-subj', '/CN=um.contoso.com']);
  writeFileSync(p('leaf.crt'), readFileSync(await ca.sign(p('leaf.csr'), { sans: ['um.contoso.com'] })));
  writeFileSync(p('ca.crt'), readFileSync(ca.certPath));
  await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', p('ec.key'), '-out', p('ec.crt'),
    '-days', '30', '-subj', '/CN=ec.contoso.com']);
});
after(() => tmp.cleanup());

describe('readPfx', () => {
  it('reads the OpenSSL 3 default (PBES2 AES-256, SHA-256 MAC) with a chain', async () => {
    const pfx = await exportPfx('default.pfx', ['-certfile', p('ca.crt'), '-name', 'UM', '-passout', 'pass:secret']);
    const info = await openssl(['pkcs12', '-in', p('default.pfx'), '-passin', 'pass:secret', '-info', '-noout']);
    assert.match(info.stderr, /MAC: sha256/);
    assert.match(info.stderr, /AES-256-CBC/);
    const r = readPfx(pfx, 'secret');
    assert.equal(r.certificates.length, 2);
    assert.ok(r.certificates.some((c) => c.equals(certDer('leaf.crt'))));
    assert.ok(r.certificates.some((c) => c.equals(certDer('ca.crt'))));
    assert.ok(samePkcs8(r.privateKey, pkcs8(read('leaf.key'))));
    assert.equal(r.friendlyName, 'UM');
    rejects('BAD_PASSWORD', () => readPfx(pfx, 'Secret'));
    rejects('PASSWORD_REQUIRED', () => readPfx(pfx, undefined));
  });

  it('reads -legacy (RC2-40 and 3DES, SHA-1 MAC)', async () => {
    const pfx = await exportPfx('legacy.pfx', ['-legacy', '-passout', 'pass:secret']);
    const info = await openssl(['pkcs12', '-legacy', '-in', p('legacy.pfx'), '-passin', 'pass:secret', '-info', '-noout']);
    assert.match(info.stderr, /MAC: sha1/);
    const r = readPfx(pfx, 'secret');
    assert.deepEqual(r.certificates, [certDer('leaf.crt')]);
    assert.ok(samePkcs8(r.privateKey, pkcs8(read('leaf.key'))));
    rejects('BAD_PASSWORD', () => readPfx(pfx, 'nope'));
  });

  it('reads an empty password with or without one given', async () => {
    const pfx = await exportPfx('empty.pfx', ['-passout', 'pass:']);
    assert.deepEqual(readPfx(pfx, undefined).certificates, [certDer('leaf.crt')]);
    assert.deepEqual(readPfx(pfx, '').certificates, [certDer('leaf.crt')]);
    rejects('BAD_PASSWORD', () => readPfx(pfx, 'x'));
  });

  it('reads unencrypted bags (-keypbe NONE -certpbe NONE) and a file without MAC', async () => {
    const plain = await exportPfx('plain.pfx', ['-keypbe', 'NONE', '-certpbe', 'NONE', '-passout', 'pass:secret']);
    assert.ok(samePkcs8(readPfx(plain, 'secret').privateKey, pkcs8(read('leaf.key'))));
    const nomac = await exportPfx('nomac.pfx', ['-nomac', '-passout', 'pass:secret']);
    assert.ok(samePkcs8(readPfx(nomac, 'secret').privateKey, pkcs8(read('leaf.key'))));
    rejects('BAD_PASSWORD', () => readPfx(nomac, 'wrong'));
    rejects('PASSWORD_REQUIRED', () => readPfx(nomac, undefined));
  });

  it('reads non-ASCII passwords (UTF-8 for PBES2, BMPString for the MAC and legacy PBE)', async () => {
    const pw = 'pässwörd€';
    const modern = await exportPfx('uni.pfx', ['-passout', `pass:${pw}`]);
    assert.deepEqual(readPfx(modern, pw).certificates, [certDer('leaf.crt')]);
    const legacy = await exportPfx('unileg.pfx', ['-legacy', '-passout', `pass:${pw}`]);
    assert.deepEqual(readPfx(legacy, pw).certificates, [certDer('leaf.crt')]);
  });

  it('reads an EC key', async () => {
    await openssl(['pkcs12', '-export', '-in', p('ec.crt'), '-inkey', p('ec.key'), '-out', p('ec.pfx'), '-passout', 'pass:ec']);
    const r = readPfx(read('ec.pfx'), 'ec');
    assert.ok(samePkcs8(r.privateKey, pkcs8(read('ec.key'))));
  });

  it('rejects data that is not a PFX', () => {
    rejects('UNRECOGNISED_CERTIFICATE_FILE', () => readPfx(Buffer.from('not a pfx'), 'x'));
  });
});

describe('writePfx', () => {
  const write = (password: string, certificates = [certDer('leaf.crt'), certDer('ca.crt')], key = 'leaf.key'): Buffer =>
    writePfx({ privateKey: pkcs8(read(key)), certificates, password, friendlyName: 'OpenUM UM' });

  it('is read by openssl pkcs12 without -legacy', async () => {
    writeFileSync(p('written.pfx'), write('Tr0ub4dor&3'));
    const out = await openssl(['pkcs12', '-in', p('written.pfx'), '-passin', 'pass:Tr0ub4dor&3', '-nodes', '-info']);
    assert.match(out.stderr, /MAC: sha256, Iteration 2048/);
    assert.match(out.stderr, /PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/);
    const blocks = pemBlocks(out.stdout);
    const certs = blocks.filter((b) => b.label === 'CERTIFICATE').map((b) => new X509Certificate(b.der).fingerprint256);
    assert.deepEqual(certs.sort(), [new X509Certificate(read('leaf.crt')).fingerprint256, new X509Certificate(read('ca.crt')).fingerprint256].sort());
    const key = blocks.find((b) => b.label === 'PRIVATE KEY');
    assert.ok(key, 'openssl printed the private key');
    assert.ok(samePkcs8(key.der, pkcs8(read('leaf.key'))));
    assert.match(out.stdout, /friendlyName: OpenUM UM/);
    assert.match(out.stdout, /localKeyID: /);
  });

  it('is loaded by Node TLS (tls.createSecureContext)', () => {
    const pfx = write('tls-pass');
    assert.doesNotThrow(() => createSecureContext({ pfx, passphrase: 'tls-pass' }));
    assert.throws(() => createSecureContext({ pfx, passphrase: 'wrong' }));
  });

  it('round-trips through readPfx, including a non-ASCII password and an EC key', () => {
    const r = readPfx(write('grüße'), 'grüße');
    assert.deepEqual(r.certificates, [certDer('leaf.crt'), certDer('ca.crt')]);
    assert.deepEqual(r.privateKey, pkcs8(read('leaf.key')));
    assert.equal(r.friendlyName, 'OpenUM UM');
    rejects('BAD_PASSWORD', () => readPfx(write('grüße'), 'grusse'));
    const ec = readPfx(write('ec', [certDer('ec.crt')], 'ec.key'), 'ec');
    assert.deepEqual(ec.privateKey, pkcs8(read('ec.key')));
  });

  it('uses fresh salts, so two exports differ', () => {
    assert.notDeepEqual(write('same'), write('same'));
  });
});
