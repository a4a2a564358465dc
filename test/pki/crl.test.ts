// parseCrl and verifyCrlSignature against CRLs made by `openssl ca -gencrl`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCrl, verifyCrlSignature } from '../../src/pki/crl.js';
import { OpenUmError } from '../../src/errors.js';
import { makeCa } from '../support/ca.js';
import { openssl, tempDir } from '../support/run.js';

/** Revokes the certificates at `certPaths` with `openssl ca` and returns the CRL PEM. */
async function makeCrl(dir: string, certPath: string, keyPath: string, certPaths: string[], serialHex = '01'): Promise<Buffer> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'crlnumber'), `${serialHex}\n`);
  const cnf = join(dir, 'ca.cnf');
  writeFileSync(cnf, `[ca]\ndefault_ca = d\n[d]\ndatabase = ${dir}/index.txt\ncrlnumber = ${dir}/crlnumber
certificate = ${certPath}\nprivate_key = ${keyPath}\ndefault_md = sha256\ndefault_crl_days = 7\n`);
  for (const p of certPaths) await openssl(['ca', '-config', cnf, '-revoke', p]);
  await openssl(['ca', '-config', cnf, '-gencrl', '-out', join(dir, 'crl.pem')]);
  return readFileSync(join(dir, 'crl.pem'));
}

describe('parseCrl and verifyCrlSignature', () => {
  const tmp = tempDir();
  let caDer: Buffer, otherDer: Buffer, pem: Buffer, emptyPem: Buffer, serials: string[];

  before(async () => {
    const ca = await makeCa(tmp.path, 'CRL Test CA');
    mkdirSync(join(tmp.path, 'other'));
    const other = await makeCa(join(tmp.path, 'other'), 'CRL Other CA');
    caDer = Buffer.from(new X509Certificate(readFileSync(ca.certPath)).raw);
    otherDer = Buffer.from(new X509Certificate(readFileSync(other.certPath)).raw);
    await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', join(tmp.path, 'l.key'), '-subj', '/CN=crl-leaf.test', '-out', join(tmp.path, 'l.csr')]);
    const issued = [await ca.sign(join(tmp.path, 'l.csr')), await ca.sign(join(tmp.path, 'l.csr'))];
    serials = issued.map((p) => new X509Certificate(readFileSync(p)).serialNumber.replace(/^0+(?=.)/, ''));
    pem = await makeCrl(join(tmp.path, 'crl'), ca.certPath, ca.keyPath, issued);
    emptyPem = await makeCrl(join(tmp.path, 'empty'), ca.certPath, ca.keyPath, []);
  });
  after(() => tmp.cleanup());

  it('reads issuer, dates and revoked serials from PEM, and gives the same from DER', async () => {
    const crl = parseCrl(pem);
    assert.equal(crl.issuer, 'CN=CRL Test CA');
    assert.deepEqual(crl.revoked.map((e) => e.serialNumber).sort(), [...serials].sort());
    assert.ok(crl.nextUpdate && crl.nextUpdate.getTime() - crl.thisUpdate.getTime() === 7 * 86_400_000);
    for (const e of crl.revoked) assert.ok(Math.abs(e.revokedAt.getTime() - Date.now()) < 600_000);
    const text = (await openssl(['crl', '-noout', '-text'], { input: pem })).stdout;
    for (const s of serials) assert.match(text, new RegExp(`Serial Number: 0*${s}\\b`));
    const fromDer = parseCrl(crl.der);
    assert.deepEqual({ ...fromDer, der: null }, { ...crl, der: null });
    assert.equal(crl.der[0], 0x30);
  });

  it('reads a CRL with no revoked certificates', () => {
    const crl = parseCrl(emptyPem);
    assert.deepEqual(crl.revoked, []);
  });

  it('verifies the signature only with the issuer key', () => {
    const der = parseCrl(pem).der;
    assert.equal(verifyCrlSignature(der, caDer), true);
    assert.equal(verifyCrlSignature(der, otherDer), false);
    const tampered = Buffer.from(der);
    tampered[tampered.length - 3] = (tampered[tampered.length - 3] as number) ^ 0x80;
    assert.equal(verifyCrlSignature(tampered, caDer), false);
  });

  it('throws BAD_CRL for garbage, and UNRECOGNISED_CERTIFICATE_FILE for a garbage issuer', () => {
    const isCode = (code: string) => (e: unknown) => e instanceof OpenUmError && e.code === code && /\.$/.test(e.message);
    assert.throws(() => parseCrl(Buffer.from('hello, this is not a CRL')), isCode('BAD_CRL'));
    assert.throws(() => parseCrl(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00])), isCode('BAD_CRL'));
    assert.throws(() => parseCrl(Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')), isCode('BAD_CRL'));
    assert.throws(() => parseCrl(caDer), isCode('BAD_CRL'));
    assert.throws(() => verifyCrlSignature(parseCrl(pem).der, Buffer.from('junk')), isCode('UNRECOGNISED_CERTIFICATE_FILE'));
  });
});
