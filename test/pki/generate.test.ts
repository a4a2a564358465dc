// New self-signed certificates and PKCS#10 requests, checked by the openssl command line and by a
// throw-away CA made with it, so the DER is judged by an independent implementation.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenUmError } from '../../src/errors.js';
import { describeCertificate, describeRequest } from '../../src/pki/describe.js';
import { createRequest, createSelfSigned, sanList } from '../../src/pki/generate.js';
import { importRsaPkcs8 } from '../../src/pki/keys.js';
import { toPem } from '../../src/pki/pem.js';
import { parseSubject } from '../../src/pki/subject.js';
import type { KeySize } from '../../src/pki/types.js';
import { makeCa } from '../support/ca.js';
import { openssl, tempDir } from '../support/run.js';

const dir = tempDir('openum-generate-');
after(() => dir.cleanup());

let counter = 0;
function write(label: string, der: Buffer): string {
  const path = join(dir.path, `${++counter}.pem`);
  writeFileSync(path, toPem(label, der));
  return path;
}

function isCode(code: string): (e: unknown) => boolean {
  return (e) => e instanceof OpenUmError && e.code === code;
}

/** The public key openssl derives from a PKCS#8 private key, to prove the key belongs to the certificate/request. */
async function publicKeyOf(pkcs8: Buffer): Promise<string> {
  const keyPath = write('PRIVATE KEY', pkcs8);
  return (await openssl(['pkey', '-in', keyPath, '-pubout'])).stdout;
}

describe('createRequest', () => {
  const subject = parseSubject('C=IT, S=Lazio, O="Contoso, Ltd", CN=um.contoso.com');
  let request: Buffer;
  let privateKey: Buffer;
  let reqPath: string;

  before(async () => {
    ({ request, privateKey } = await createRequest({ subject, domains: ['Mail.Contoso.com', 'UM.contoso.com', '*.contoso.com'], keySize: 2048 }));
    reqPath = write('CERTIFICATE REQUEST', request);
  });

  it('is accepted by openssl req -verify', async () => {
    const r = await openssl(['req', '-in', reqPath, '-noout', '-verify']);
    assert.match(r.stdout + r.stderr, /verify OK/);
  });

  it('shows the subject in written order, the SANs with the CN first, usages and a 2048-bit key', async () => {
    const text = (await openssl(['req', '-in', reqPath, '-noout', '-text', '-nameopt', 'oneline'])).stdout;
    assert.match(text, /Subject: C = IT, ST = Lazio, O = "Contoso, Ltd", CN = um\.contoso\.com/);
    assert.match(text, /DNS:um\.contoso\.com, DNS:mail\.contoso\.com, DNS:\*\.contoso\.com\n/);
    assert.match(text, /Public-Key: \(2048 bit\)/);
    assert.match(text, /Signature Algorithm: sha256WithRSAEncryption/);
    assert.match(text, /Key Usage: critical\n\s+Digital Signature, Key Encipherment/);
    assert.match(text, /TLS Web Server Authentication, TLS Web Client Authentication/);
  });

  it('returns the PKCS#8 private key of the request', async () => {
    const fromReq = (await openssl(['req', '-in', reqPath, '-noout', '-pubkey'])).stdout;
    assert.equal(await publicKeyOf(privateKey), fromReq);
  });

  it('is described with its subject, SANs and key', () => {
    const info = describeRequest(request);
    assert.equal(info.subject, 'C=IT, S=Lazio, O="Contoso, Ltd", CN=um.contoso.com');
    assert.equal(info.commonName, 'um.contoso.com');
    assert.deepEqual(info.domains, ['um.contoso.com', 'mail.contoso.com', '*.contoso.com']);
    assert.equal(info.keyAlgorithm, 'RSA');
    assert.equal(info.keySize, 2048);
    assert.equal(info.wildcard, true);
  });

  it('is signed by an openssl CA into a certificate for the same key', async () => {
    const ca = await makeCa(dir.path);
    const issuedPath = await ca.sign(reqPath, { sans: ['um.contoso.com', 'mail.contoso.com'] });
    const pem = readFileSync(issuedPath, 'utf8');
    const issued = describeCertificate(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
    assert.equal(issued.issuer, 'CN=OpenUM Test Root CA');
    assert.equal(issued.subject, 'C=IT, S=Lazio, O="Contoso, Ltd", CN=um.contoso.com');
    assert.equal(issued.selfSigned, false);
    assert.equal(issued.isCa, false);
    assert.deepEqual(issued.domains, ['um.contoso.com', 'mail.contoso.com']);
    assert.ok(issued.publicKeySpki.equals(describeRequest(request).publicKeySpki));
  });

  it('makes a 4096-bit key', async () => {
    const big = await createRequest({ subject: parseSubject('CN=um.contoso.com'), domains: [], keySize: 4096 });
    const path = write('CERTIFICATE REQUEST', big.request);
    const text = (await openssl(['req', '-in', path, '-noout', '-text', '-verify'])).stdout;
    assert.match(text, /Public-Key: \(4096 bit\)/);
    assert.equal(describeRequest(big.request).keySize, 4096);
  });
});

describe('createSelfSigned', () => {
  const subject = parseSubject('C=US, S=WA, L=Redmond, O=Contoso, OU=IT, CN=UM.contoso.com');
  const now = new Date();
  let certificate: Buffer;
  let privateKey: Buffer;
  let certPath: string;

  before(async () => {
    ({ certificate, privateKey } = await createSelfSigned({ subject, domains: ['um.CONTOSO.com', 'sip.contoso.com', 'exch01'], keySize: 2048, now }));
    certPath = write('CERTIFICATE', certificate);
  });

  it('shows SHA-256 with RSA, the SANs with the CN first and both TLS usages', async () => {
    const text = (await openssl(['x509', '-in', certPath, '-noout', '-text', '-nameopt', 'oneline'])).stdout;
    assert.match(text, /Version: 3 \(0x2\)/);
    assert.equal(text.match(/Signature Algorithm: sha256WithRSAEncryption/g)?.length, 2);
    assert.match(text, /Subject: C = US, ST = WA, L = Redmond, O = Contoso, OU = IT, CN = UM\.contoso\.com/);
    assert.match(text, /Issuer: C = US, ST = WA, L = Redmond, O = Contoso, OU = IT, CN = UM\.contoso\.com/);
    assert.match(text, /DNS:um\.contoso\.com, DNS:sip\.contoso\.com, DNS:exch01\n/);
    assert.match(text, /TLS Web Server Authentication, TLS Web Client Authentication/);
    assert.match(text, /Basic Constraints: critical\n\s+CA:FALSE/);
    assert.match(text, /Key Usage: critical\n\s+Digital Signature, Key Encipherment/);
    assert.match(text, /Subject Key Identifier/);
    assert.match(text, /Authority Key Identifier/);
    assert.match(text, /Public-Key: \(2048 bit\)/);
  });

  it('is valid from five minutes ago for five years', async () => {
    const dates = (await openssl(['x509', '-in', certPath, '-noout', '-startdate', '-enddate'])).stdout;
    const start = new Date(/notBefore=(.+)/.exec(dates)?.[1] ?? '');
    const end = new Date(/notAfter=(.+)/.exec(dates)?.[1] ?? '');
    const second = Math.floor(now.getTime() / 1000) * 1000;
    assert.equal(start.getTime(), second - 5 * 60 * 1000);
    const fiveYears = new Date(second);
    fiveYears.setUTCFullYear(fiveYears.getUTCFullYear() + 5);
    assert.equal(end.getTime(), fiveYears.getTime());
    const info = describeCertificate(certificate);
    assert.equal(info.notBefore.getTime(), start.getTime());
    assert.equal(info.notAfter.getTime(), end.getTime());
  });

  it('verifies against itself with openssl verify', async () => {
    const r = await openssl(['verify', '-CAfile', certPath, certPath]);
    assert.match(r.stdout, /: OK/);
  });

  it('has the thumbprint openssl computes and a positive 16-byte serial', async () => {
    const fp = (await openssl(['x509', '-in', certPath, '-noout', '-fingerprint', '-sha1'])).stdout;
    const info = describeCertificate(certificate);
    assert.equal(info.thumbprint, /=([0-9A-F:]+)/.exec(fp)?.[1]?.replace(/:/g, ''));
    assert.match(info.serialNumber, /^[0-7][0-9A-F]{31}$/);
    assert.notEqual(info.serialNumber, describeCertificate((await createSelfSigned({ subject, domains: [], keySize: 1024 })).certificate).serialNumber);
  });

  it('returns the PKCS#8 private key of the certificate', async () => {
    const fromCert = (await openssl(['x509', '-in', certPath, '-noout', '-pubkey'])).stdout;
    assert.equal(await publicKeyOf(privateKey), fromCert);
  });

  it('is described as self-signed with its key and domains', () => {
    const info = describeCertificate(certificate);
    assert.equal(info.selfSigned, true);
    assert.equal(info.isCa, false);
    assert.equal(info.subject, 'C=US, S=WA, L=Redmond, O=Contoso, OU=IT, CN=UM.contoso.com');
    assert.equal(info.issuer, info.subject);
    assert.equal(info.commonName, 'UM.contoso.com');
    assert.deepEqual(info.domains, ['um.contoso.com', 'sip.contoso.com', 'exch01']);
    assert.equal(info.keyAlgorithm, 'RSA');
    assert.equal(info.keySize, 2048);
    assert.equal(info.wildcard, false);
  });

  it('makes a 1024-bit key and honours years', async () => {
    const small = await createSelfSigned({ subject: parseSubject('CN=um.contoso.com'), domains: [], keySize: 1024, years: 1, now });
    const info = describeCertificate(small.certificate);
    assert.equal(info.keySize, 1024);
    assert.equal(info.notAfter.getUTCFullYear(), now.getUTCFullYear() + 1);
    const text = (await openssl(['x509', '-in', write('CERTIFICATE', small.certificate), '-noout', '-text'])).stdout;
    assert.match(text, /Public-Key: \(1024 bit\)/);
  });

  it('leaves a CN that is not a host name out of the SAN, and omits an empty SAN', async () => {
    const named = await createSelfSigned({ subject: parseSubject('O=Contoso, CN=Contoso UM'), domains: ['um.contoso.com'], keySize: 1024 });
    assert.deepEqual(describeCertificate(named.certificate).domains, ['um.contoso.com']);
    const bare = await createSelfSigned({ subject: parseSubject('CN=Contoso UM'), domains: [], keySize: 1024 });
    const text = (await openssl(['x509', '-in', write('CERTIFICATE', bare.certificate), '-noout', '-text'])).stdout;
    assert.doesNotMatch(text, /Subject Alternative Name/);
  });
});

describe('key sizes and bad input', () => {
  const subject = parseSubject('CN=um.contoso.com');

  it('refuses 512 bits with BAD_KEY_SIZE', async () => {
    await assert.rejects(createSelfSigned({ subject, domains: [], keySize: 512 as KeySize }), isCode('BAD_KEY_SIZE'));
    await assert.rejects(createRequest({ subject, domains: [], keySize: 512 as KeySize }), isCode('BAD_KEY_SIZE'));
  });

  it('refuses a bad domain with BAD_DOMAIN before making a key', async () => {
    await assert.rejects(createRequest({ subject, domains: ['bad_name.contoso.com'], keySize: 2048 }), (e: unknown) =>
      isCode('BAD_DOMAIN')(e) && /bad_name\.contoso\.com/.test((e as Error).message));
  });

  it('returns a private key that imports again, and refuses junk as UNSUPPORTED_KEY', async () => {
    const { privateKey } = await createRequest({ subject, domains: [], keySize: 1024 });
    assert.equal((await importRsaPkcs8(privateKey)).type, 'private');
    await assert.rejects(importRsaPkcs8(Buffer.from('not a key')), isCode('UNSUPPORTED_KEY'));
  });

  it('refuses a non-positive validity', async () => {
    await assert.rejects(createSelfSigned({ subject, domains: [], keySize: 1024, years: 0 }), isCode('BAD_ARGUMENT'));
  });

  it('builds the SAN list with the CN first, deduplicated case-insensitively', () => {
    assert.deepEqual(sanList(parseSubject('CN=UM.Contoso.com'), ['a.contoso.com', 'um.contoso.COM', 'A.contoso.com', '*.Contoso.com']),
      ['um.contoso.com', 'a.contoso.com', '*.contoso.com']);
    assert.deepEqual(sanList(parseSubject('CN=*.contoso.com'), []), ['*.contoso.com']);
  });
});
