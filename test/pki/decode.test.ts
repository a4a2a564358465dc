// decodeCertificateFile against files made by the real openssl command line, in every format
// `import` accepts, plus the ways a file can be wrong.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCertificateFile } from '../../src/pki/decode.js';
import { isOpenUmError } from '../../src/errors.js';
import type { ErrorCode } from '../../src/errors.js';
import { openssl, tempDir } from '../support/run.js';
import { makeCa } from '../support/ca.js';

const tmp = tempDir('openum-decode-');
const p = (name: string): string => join(tmp.path, name);
const read = (name: string): Buffer => readFileSync(p(name));
const fp = (der: Buffer | undefined): string => new X509Certificate(der ?? Buffer.alloc(0)).fingerprint256;
const fileFp = (name: string): string => new X509Certificate(read(name)).fingerprint256;
const pkcs8 = (name: string): Buffer => createPrivateKey(read(name)).export({ type: 'pkcs8', format: 'der' });

function rejects(code: ErrorCode, data: Buffer, password?: string): void {
  assert.throws(() => decodeCertificateFile(data, password), (e: unknown) => {
    assert.ok(isOpenUmError(e), `expected OpenUmError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, /: /, 'message names the problem and the fix');
    return true;
  });
}

async function selfSigned(name: string, alg: string[]): Promise<void> {
  await openssl(['req', '-x509', ...alg, '-nodes', '-keyout', p(`${name}.key`), '-out', p(`${name}.crt`), '-days', '30', '-subj', `/CN=${name}.contoso.com`]);
}

before(async () => {
  await selfSigned('rsa', ['-newkey', 'rsa:2048']);
  await selfSigned('other', ['-newkey', 'rsa:2048']);
  await selfSigned('ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);
  await selfSigned('ed', ['-newkey', 'ed25519']);
  // root -> intermediate -> leaf
  const ca = await makeCa(tmp.path);
  writeFileSync(p('inter.cnf'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
  await openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('inter.key'), '-out', p('inter.csr'), '-subj', '/CN=OpenUM Test Issuing CA']);
  await openssl(['x509', '-req', '-in', p('inter.csr'), '-CA', ca.certPath, '-CAkey', ca.keyPath, '-set_serial', '7',
    '-days', '365', '-extfile', p('inter.cnf'), '-out', p('inter.crt')]);
  writeFileSync(p('leaf.cnf'), 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:um.contoso.com\n');
  await openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('leaf.key'), '-out', p('leaf.csr'), '-subj', '/CN=um.contoso.com']);
  await openssl(['x509', '-req', '-in', p('leaf.csr'), '-CA', p('inter.crt'), '-CAkey', p('inter.key'), '-set_serial', '8',
    '-days', '90', '-extfile', p('leaf.cnf'), '-out', p('leaf.crt')]);
  writeFileSync(p('root.crt'), readFileSync(ca.certPath));
});
after(() => tmp.cleanup());

describe('decodeCertificateFile: PEM', () => {
  it('reads a certificate and its PKCS#8 key', () => {
    const b = decodeCertificateFile(Buffer.concat([read('rsa.crt'), read('rsa.key')]));
    assert.equal(b.format, 'PEM');
    assert.equal(b.certificates.length, 1);
    assert.equal(fp(b.certificates[0]), fileFp('rsa.crt'));
    assert.deepEqual(b.privateKey, pkcs8('rsa.key'));
  });

  it('puts the key-matching certificate first and orders the chain upward', () => {
    const text = ['root.crt', 'leaf.key', 'inter.crt', 'leaf.crt'].map((f) => read(f).toString()).join('');
    const b = decodeCertificateFile(Buffer.from(text));
    assert.deepEqual(b.certificates.map(fp), ['leaf.crt', 'inter.crt', 'root.crt'].map(fileFp));
    assert.deepEqual(b.privateKey, pkcs8('leaf.key'));
  });

  it('without a key, the leaf is the certificate that issued no other', () => {
    const b = decodeCertificateFile(Buffer.concat(['root.crt', 'inter.crt', 'leaf.crt'].map(read)));
    assert.deepEqual(b.certificates.map(fp), ['leaf.crt', 'inter.crt', 'root.crt'].map(fileFp));
    assert.equal(b.privateKey, undefined);
  });

  it('accepts CRLF line ends and explanatory text around blocks (RFC 7468)', async () => {
    const text = (await openssl(['x509', '-in', p('rsa.crt'), '-text'])).stdout;
    const b = decodeCertificateFile(Buffer.from(`Bag Attributes: none\r\n${text}${read('rsa.key').toString()}`.replace(/\n/g, '\r\n')));
    assert.equal(fp(b.certificates[0]), fileFp('rsa.crt'));
    assert.ok(b.privateKey);
  });

  it('reads traditional RSA PRIVATE KEY and EC PRIVATE KEY blocks', async () => {
    const rsa = (await openssl(['rsa', '-in', p('rsa.key'), '-traditional'])).stdout;
    assert.match(rsa, /BEGIN RSA PRIVATE KEY/);
    assert.deepEqual(decodeCertificateFile(Buffer.from(read('rsa.crt').toString() + rsa)).privateKey, pkcs8('rsa.key'));
    const ec = (await openssl(['ec', '-in', p('ec.key')])).stdout;
    assert.match(ec, /BEGIN EC PRIVATE KEY/);
    const b = decodeCertificateFile(Buffer.from(ec + read('ec.crt').toString()));
    assert.equal(fp(b.certificates[0]), fileFp('ec.crt'));
    assert.equal(createPrivateKey({ key: b.privateKey ?? Buffer.alloc(0), format: 'der', type: 'pkcs8' }).asymmetricKeyType, 'ec');
  });

  it('decrypts an ENCRYPTED PRIVATE KEY or a traditional encrypted key with the password', async () => {
    const enc = (await openssl(['pkcs8', '-topk8', '-in', p('rsa.key'), '-v2', 'aes-256-cbc', '-passout', 'pass:s3cret'])).stdout;
    const file = Buffer.from(read('rsa.crt').toString() + enc);
    assert.deepEqual(decodeCertificateFile(file, 's3cret').privateKey, pkcs8('rsa.key'));
    rejects('PASSWORD_REQUIRED', file);
    rejects('BAD_PASSWORD', file, 'wrong');
    // Traditional OpenSSL encryption: RFC 1421 Proc-Type / DEK-Info headers inside the block.
    const legacy = (await openssl(['rsa', '-in', p('rsa.key'), '-traditional', '-aes256', '-passout', 'pass:s3cret'])).stdout;
    assert.match(legacy, /DEK-Info: AES-256-CBC/);
    const legacyFile = Buffer.from(read('rsa.crt').toString() + legacy);
    assert.deepEqual(decodeCertificateFile(legacyFile, 's3cret').privateKey, pkcs8('rsa.key'));
    rejects('PASSWORD_REQUIRED', legacyFile);
    rejects('BAD_PASSWORD', legacyFile, 'wrong');
  });

  it('reads a PKCS7 PEM block', async () => {
    await openssl(['crl2pkcs7', '-nocrl', '-certfile', p('root.crt'), '-certfile', p('leaf.crt'), '-certfile', p('inter.crt'), '-out', p('chain.p7b.pem')]);
    const b = decodeCertificateFile(read('chain.p7b.pem'));
    assert.equal(b.format, 'PKCS7');
    assert.deepEqual(b.certificates.map(fp), ['leaf.crt', 'inter.crt', 'root.crt'].map(fileFp));
  });
});

describe('decodeCertificateFile: binary formats', () => {
  it('reads a DER certificate byte for byte', async () => {
    await openssl(['x509', '-in', p('rsa.crt'), '-outform', 'DER', '-out', p('rsa.cer')]);
    const b = decodeCertificateFile(read('rsa.cer'));
    assert.equal(b.format, 'DER');
    assert.deepEqual(b.certificates, [read('rsa.cer')]);
  });

  it('reads a DER PKCS#7 (.p7b) chain, leaf first', async () => {
    await openssl(['crl2pkcs7', '-nocrl', '-certfile', p('inter.crt'), '-certfile', p('root.crt'), '-certfile', p('leaf.crt'), '-outform', 'DER', '-out', p('chain.p7b')]);
    const b = decodeCertificateFile(read('chain.p7b'));
    assert.equal(b.format, 'PKCS7');
    assert.deepEqual(b.certificates.map(fp), ['leaf.crt', 'inter.crt', 'root.crt'].map(fileFp));
    assert.equal(b.privateKey, undefined);
  });

  it('reads an OpenSSL 3 default PFX with a chain and friendly name', async () => {
    // -certfile takes one file (the last one given wins), so the CA certificates are put together.
    writeFileSync(p('cas.pem'), Buffer.concat([read('root.crt'), read('inter.crt')]));
    await openssl(['pkcs12', '-export', '-in', p('leaf.crt'), '-inkey', p('leaf.key'), '-certfile', p('cas.pem'),
      '-name', 'UM certificate', '-passout', 'pass:pfx-pass', '-out', p('leaf.pfx')]);
    const b = decodeCertificateFile(read('leaf.pfx'), 'pfx-pass');
    assert.equal(b.format, 'PKCS12');
    assert.deepEqual(b.certificates.map(fp), ['leaf.crt', 'inter.crt', 'root.crt'].map(fileFp));
    assert.deepEqual(b.privateKey, pkcs8('leaf.key'));
    assert.equal(b.friendlyName, 'UM certificate');
    rejects('BAD_PASSWORD', read('leaf.pfx'), 'not-it');
    rejects('PASSWORD_REQUIRED', read('leaf.pfx'));
  });

  it('reads a legacy (RC2/3DES, SHA-1 MAC) PFX and an EC PFX', async () => {
    await openssl(['pkcs12', '-export', '-legacy', '-in', p('rsa.crt'), '-inkey', p('rsa.key'), '-passout', 'pass:old', '-out', p('legacy.pfx')]);
    const b = decodeCertificateFile(read('legacy.pfx'), 'old');
    assert.equal(fp(b.certificates[0]), fileFp('rsa.crt'));
    assert.deepEqual(b.privateKey, pkcs8('rsa.key'));
    await openssl(['pkcs12', '-export', '-in', p('ec.crt'), '-inkey', p('ec.key'), '-passout', 'pass:ec', '-out', p('ec.pfx')]);
    assert.deepEqual(decodeCertificateFile(read('ec.pfx'), 'ec').privateKey, pkcs8('ec.key'));
  });

  it('opens a PFX with an empty password when none is given', async () => {
    await openssl(['pkcs12', '-export', '-in', p('rsa.crt'), '-inkey', p('rsa.key'), '-passout', 'pass:', '-out', p('empty.pfx')]);
    assert.deepEqual(decodeCertificateFile(read('empty.pfx')).privateKey, pkcs8('rsa.key'));
  });
});

describe('decodeCertificateFile: errors', () => {
  it('rejects an empty file, garbage, a text file and unarmoured base64', () => {
    rejects('UNRECOGNISED_CERTIFICATE_FILE', Buffer.alloc(0));
    rejects('UNRECOGNISED_CERTIFICATE_FILE', Buffer.concat([Buffer.from([0x42]), randomBytes(500)]));
    rejects('UNRECOGNISED_CERTIFICATE_FILE', Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x00]), randomBytes(256)]));
    rejects('UNRECOGNISED_CERTIFICATE_FILE', Buffer.from('Dear admin,\nplease install this certificate.\n'));
    rejects('UNRECOGNISED_CERTIFICATE_FILE', Buffer.from(new X509Certificate(read('rsa.crt')).raw.toString('base64')));
    rejects('UNRECOGNISED_CERTIFICATE_FILE', Buffer.from(read('leaf.csr')));
  });

  it('rejects a file with a key but no certificate', async () => {
    rejects('NO_CERTIFICATE_IN_FILE', read('rsa.key'));
    await openssl(['pkey', '-in', p('rsa.key'), '-outform', 'DER', '-out', p('rsa.key.der')]);
    rejects('NO_CERTIFICATE_IN_FILE', read('rsa.key.der'));
  });

  it('rejects a key that belongs to a different certificate', () => {
    rejects('KEY_MISMATCH', Buffer.concat([read('rsa.crt'), read('other.key')]));
  });

  it('rejects key types other than RSA and EC', () => {
    rejects('UNSUPPORTED_KEY', Buffer.concat([read('ed.crt'), read('ed.key')]));
  });
});
