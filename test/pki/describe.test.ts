// describeCertificate / describeRequest on material made by the openssl command line (EC, RSA,
// CA, odd names) and on malformed input.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenUmError } from '../../src/errors.js';
import { describeCertificate, describeRequest, isWildcardName } from '../../src/pki/describe.js';
import { makeCa } from '../support/ca.js';
import { openssl, tempDir } from '../support/run.js';

const dir = tempDir('openum-describe-');
after(() => dir.cleanup());

let counter = 0;
const path = (ext: string): string => join(dir.path, `${++counter}.${ext}`);
const subdir = (): string => {
  const p = path('dir');
  mkdirSync(p);
  return p;
};

/** A self-signed certificate made by openssl req -x509, returned as DER with its PEM path. */
async function opensslCert(newkey: string[], subj: string, extra: string[] = []): Promise<{ der: Buffer; pem: string }> {
  const pem = path('pem');
  await openssl(['req', '-x509', ...newkey, '-nodes', '-keyout', path('key'), '-out', pem, '-days', '30', '-utf8', '-subj', subj, ...extra]);
  const der = (await openssl(['x509', '-in', pem, '-outform', 'DER'])).stdoutBuffer;
  return { der, pem };
}

function isCode(code: string): (e: unknown) => boolean {
  return (e) => e instanceof OpenUmError && e.code === code;
}

const EC_P256 = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];

describe('describeCertificate on an openssl EC (prime256v1) certificate', () => {
  let der: Buffer;
  let pem: string;

  before(async () => {
    ({ der, pem } = await opensslCert(EC_P256, '/C=IT/O=Contoso/CN=ec.contoso.com',
      ['-addext', 'subjectAltName=DNS:ec.contoso.com,IP:192.0.2.1,DNS:*.ec.contoso.com']));
  });

  it('reads the key, names and flags', () => {
    const info = describeCertificate(der);
    assert.equal(info.keyAlgorithm, 'EC');
    assert.equal(info.keySize, 256);
    assert.equal(info.subject, 'C=IT, O=Contoso, CN=ec.contoso.com');
    assert.equal(info.issuer, info.subject);
    assert.equal(info.commonName, 'ec.contoso.com');
    assert.deepEqual(info.domains, ['ec.contoso.com', '*.ec.contoso.com', '192.0.2.1']);
    assert.equal(info.selfSigned, true);
    assert.equal(info.isCa, true); // openssl req -x509 adds basicConstraints CA:TRUE (v3_ca)
    assert.equal(info.wildcard, true);
  });

  it('agrees with openssl on thumbprint, serial, dates and public key', async () => {
    const info = describeCertificate(der);
    const out = (await openssl(['x509', '-in', pem, '-noout', '-fingerprint', '-sha1', '-serial', '-startdate', '-enddate'])).stdout;
    assert.equal(info.thumbprint, /Fingerprint=([0-9A-F:]+)/.exec(out)?.[1]?.replace(/:/g, ''));
    assert.equal(info.serialNumber.replace(/^0+/, ''), /serial=([0-9A-F]+)/.exec(out)?.[1]?.replace(/^0+/, ''));
    assert.equal(info.notBefore.getTime(), new Date(/notBefore=(.+)/.exec(out)?.[1] ?? '').getTime());
    assert.equal(info.notAfter.getTime(), new Date(/notAfter=(.+)/.exec(out)?.[1] ?? '').getTime());
    const spki = (await openssl(['x509', '-in', pem, '-noout', '-pubkey'])).stdout;
    const spkiDer = (await openssl(['pkey', '-pubin', '-outform', 'DER'], { input: spki })).stdoutBuffer;
    assert.ok(info.publicKeySpki.equals(spkiDer));
  });
});

describe('describeCertificate on other openssl certificates', () => {
  it('gives the EC curve size for secp384r1', async () => {
    const { der } = await opensslCert(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp384r1'], '/CN=p384.contoso.com');
    assert.equal(describeCertificate(der).keySize, 384);
  });

  it('reads a CA made by the test CA helper', async () => {
    const ca = await makeCa(subdir());
    const der = (await openssl(['x509', '-in', ca.certPath, '-outform', 'DER'])).stdoutBuffer;
    const info = describeCertificate(der);
    assert.equal(info.isCa, true);
    assert.equal(info.selfSigned, true);
    assert.equal(info.subject, 'CN=OpenUM Test Root CA');
    assert.deepEqual(info.domains, []);
    assert.equal(info.keySize, 2048);
  });

  it('does not call a certificate self-signed when only the names match', async () => {
    const ca = await makeCa(subdir(), 'Same Name');
    const csr = path('csr');
    await openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', path('key'), '-out', csr, '-subj', '/CN=Same Name']);
    const der = (await openssl(['x509', '-in', await ca.sign(csr), '-outform', 'DER'])).stdoutBuffer;
    const info = describeCertificate(der);
    assert.equal(info.subject, info.issuer);
    assert.equal(info.selfSigned, false);
  });

  it('shows non-ASCII values, unknown attribute types as OID.x and the last CN', async () => {
    const { der } = await opensslCert(EC_P256, '/C=IT/L=Forlì/street=Via Roma 1/CN=first/CN=second.contoso.com');
    const info = describeCertificate(der);
    assert.equal(info.subject, 'C=IT, L=Forlì, OID.2.5.4.9=Via Roma 1, CN=first, CN=second.contoso.com');
    assert.equal(info.commonName, 'second.contoso.com');
  });

  it('refuses an Ed25519 key with UNSUPPORTED_KEY', async () => {
    const { der } = await opensslCert(['-newkey', 'ed25519'], '/CN=ed.contoso.com');
    assert.throws(() => describeCertificate(der), isCode('UNSUPPORTED_KEY'));
  });
});

describe('describeRequest on an openssl EC request', () => {
  it('reads subject, requested SANs and the key', async () => {
    const csr = path('csr');
    await openssl(['req', '-new', ...EC_P256, '-nodes', '-keyout', path('key'), '-out', csr, '-subj', '/O=Contoso/CN=*.contoso.com',
      '-addext', 'subjectAltName=DNS:*.contoso.com,DNS:contoso.com']);
    const der = (await openssl(['req', '-in', csr, '-outform', 'DER'])).stdoutBuffer;
    const info = describeRequest(der);
    assert.equal(info.subject, 'O=Contoso, CN=*.contoso.com');
    assert.equal(info.commonName, '*.contoso.com');
    assert.deepEqual(info.domains, ['*.contoso.com', 'contoso.com']);
    assert.equal(info.keyAlgorithm, 'EC');
    assert.equal(info.keySize, 256);
    assert.equal(info.wildcard, true);
    assert.match(info.thumbprint, /^[0-9A-F]{40}$/);
  });
});

describe('garbage', () => {
  let cert: Buffer;
  let certPem: string;
  let request: Buffer;
  before(async () => {
    ({ der: cert, pem: certPem } = await opensslCert(EC_P256, '/CN=g.contoso.com'));
    const csr = path('csr');
    await openssl(['req', '-new', ...EC_P256, '-nodes', '-keyout', path('key'), '-out', csr, '-subj', '/CN=g.contoso.com']);
    request = (await openssl(['req', '-in', csr, '-outform', 'DER'])).stdoutBuffer;
  });

  const cases: [string, () => Buffer][] = [
    ['an empty buffer', () => Buffer.alloc(0)],
    ['random bytes', () => Buffer.from('8f1c2e3d4a5b6c7d8e9f00112233445566778899', 'hex')],
    ['text', () => Buffer.from('hello, this is not a certificate\n')],
    ['PEM instead of DER', () => readFileSync(certPem)],
    ['a truncated certificate', () => cert.subarray(0, cert.length - 10)],
    ['a certificate with a trailing byte', () => Buffer.concat([cert, Buffer.from([0])])],
    ['a SEQUENCE that is not a certificate', () => Buffer.from('300602010102010a', 'hex')],
  ];
  for (const [name, make] of cases) {
    it(`describeCertificate refuses ${name} with UNRECOGNISED_CERTIFICATE_FILE`, () => {
      assert.throws(() => describeCertificate(make()), isCode('UNRECOGNISED_CERTIFICATE_FILE'));
    });
    it(`describeRequest refuses ${name} with UNRECOGNISED_CERTIFICATE_FILE`, () => {
      assert.throws(() => describeRequest(make()), isCode('UNRECOGNISED_CERTIFICATE_FILE'));
    });
  }

  it('a request is not a certificate, and a certificate is not a request', () => {
    assert.throws(() => describeCertificate(request), isCode('UNRECOGNISED_CERTIFICATE_FILE'));
    assert.throws(() => describeRequest(cert), isCode('UNRECOGNISED_CERTIFICATE_FILE'));
  });
});

describe('isWildcardName', () => {
  it('is true only for a leading "*." label', () => {
    assert.equal(isWildcardName('*.contoso.com'), true);
    assert.equal(isWildcardName('um.contoso.com'), false);
    assert.equal(isWildcardName('um*.contoso.com'), false);
    assert.equal(isWildcardName('*contoso.com'), false);
  });
});
