// computeStatus against certificates and CRLs made by the real openssl command line, including
// `openssl ca` for exact validity dates (OpenSSL 3.0 `x509 -req` has no -not_before/-not_after).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { computeStatus } from '../../src/pki/status.js';
import type { StatusInput } from '../../src/pki/status.js';
import { parseCrl, verifyCrlSignature } from '../../src/pki/crl.js';
import { caHandle, certDer, rootCa, type CaHandle, type Issued } from '../support/openssl-ca.js';
import { openssl, tempDir } from '../support/run.js';

describe('computeStatus', () => {
  const tmp = tempDir();
  let root: CaHandle, inter: CaHandle, other: CaHandle, impostor: CaHandle;
  let leaf: Issued, interCert: Issued, viaInter: Issued, serverOnly: Issued, expired: Issued, future: Issued;
  let revoked: Issued, revokedUnderInter: Issued, selfSigned: Buffer, rootCrl: Buffer, interCrl: Buffer;
  const status = (certificate: Buffer, o: Partial<StatusInput> = {}) =>
    computeStatus({ certificate, intermediates: [], trustedRoots: [root.der], crls: [], ...o });

  before(async () => {
    root = await rootCa(join(tmp.path, 'root'), 'Status Root CA');
    other = await rootCa(join(tmp.path, 'other'), 'Status Other CA');
    impostor = await rootCa(join(tmp.path, 'impostor'), 'Status Root CA'); // same name, other key
    interCert = await root.issue('Status Issuing CA', { ext: 'ca_ext' });
    inter = caHandle(join(tmp.path, 'inter'), interCert.path, interCert.keyPath);
    leaf = await root.issue('um.contoso.test');
    viaInter = await inter.issue('sbc.contoso.test');
    serverOnly = await root.issue('server-only.contoso.test', { ext: 'server_ext' });
    expired = await root.issue('old.contoso.test', { start: '20200101000000Z', end: '20210101000000Z' });
    future = await root.issue('future.contoso.test', { start: '20990101000000Z', end: '21000101000000Z' });
    revoked = await root.issue('revoked.contoso.test');
    revokedUnderInter = await inter.issue('revoked-sbc.contoso.test');
    await root.revoke(revoked);
    await root.revoke(expired);
    rootCrl = await root.crl();
    await inter.revoke(revokedUnderInter);
    interCrl = await inter.crl();
    const s = join(tmp.path, 'self');
    await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${s}.key`,
      '-out', `${s}.crt`, '-days', '30', '-subj', '/CN=self.contoso.test', '-addext', 'basicConstraints=CA:FALSE']);
    selfSigned = certDer(`${s}.crt`);
  });
  after(() => tmp.cleanup());

  it('is Valid for a leaf issued by a trusted root', () => {
    const r = status(leaf.der);
    assert.equal(r.status, 'Valid', r.reason);
    assert.deepEqual(r.chain, [leaf.der, root.der]);
  });

  it('is Valid through an intermediate found among irrelevant certificates', () => {
    const r = status(viaInter.der, { intermediates: [other.der, leaf.der, interCert.der, impostor.der] });
    assert.equal(r.status, 'Valid', r.reason);
    assert.deepEqual(r.chain, [viaInter.der, interCert.der, root.der]);
  });

  it('trusts a self-signed certificate only when it is listed as a trusted root', () => {
    const listed = status(selfSigned, { trustedRoots: [root.der, selfSigned] });
    assert.equal(listed.status, 'Valid', listed.reason);
    assert.deepEqual(listed.chain, [selfSigned]);
    const unlisted = status(selfSigned);
    assert.equal(unlisted.status, 'Untrusted');
    assert.match(unlisted.reason, /CN=self\.contoso\.test" is self-signed and not a trusted root/);
  });

  it('is Untrusted for a leaf from a CA that is not trusted, naming that CA', async () => {
    const foreign = await other.issue('foreign.contoso.test');
    const missing = status(foreign.der);
    assert.equal(missing.status, 'Untrusted');
    assert.match(missing.reason, /issuer "CN=Status Other CA" .* was not found/);
    const present = status(foreign.der, { intermediates: [other.der] });
    assert.equal(present.status, 'Untrusted');
    assert.match(present.reason, /"CN=Status Other CA" is self-signed and not a trusted root/);
    assert.deepEqual(present.chain, [foreign.der, other.der]);
  });

  it('is Untrusted when only a same-named CA with another key is trusted', () => {
    // RFC 5280 §4.2.1.1: the leaf's authorityKeyIdentifier rules the impostor out as issuer.
    const r = status(leaf.der, { trustedRoots: [impostor.der] });
    assert.equal(r.status, 'Untrusted', r.reason);
    assert.match(r.reason, /issuer "CN=Status Root CA" .* key identifier/);
    assert.deepEqual(r.chain, [leaf.der]);
  });

  it('is DateInvalid when expired or not yet valid', () => {
    const old = status(expired.der);
    assert.equal(old.status, 'DateInvalid');
    assert.match(old.reason, /expired on 2021-01-01T00:00:00\.000Z/);
    const early = status(future.der);
    assert.equal(early.status, 'DateInvalid');
    assert.match(early.reason, /not valid before 2099-01-01T00:00:00\.000Z/);
    assert.equal(status(leaf.der, { now: new Date('2000-01-01T00:00:00Z') }).status, 'DateInvalid');
  });

  it('is Revoked when the issuer\'s CRL lists the serial, naming serial and date', () => {
    const crl = parseCrl(rootCrl);
    const entry = crl.revoked.find((e) => e.serialNumber === revoked.serial);
    assert.ok(entry, `serial ${revoked.serial} in ${JSON.stringify(crl.revoked)}`);
    const r = status(revoked.der, { crls: [interCrl, rootCrl] });
    assert.equal(r.status, 'Revoked', r.reason);
    assert.match(r.reason, new RegExp(`serial ${revoked.serial}\\b.*revoked on ${entry.revokedAt.toISOString()}`));
    assert.equal(status(leaf.der, { crls: [rootCrl] }).status, 'Valid');
  });

  it('is Revoked through an intermediate\'s ECDSA-signed CRL, and Revoked outranks DateInvalid', () => {
    const r = status(revokedUnderInter.der, { intermediates: [interCert.der], crls: [rootCrl, interCrl] });
    assert.equal(r.status, 'Revoked', r.reason);
    assert.equal(status(expired.der, { crls: [rootCrl] }).status, 'Revoked');
    assert.equal(status(revoked.der, { crls: [rootCrl], now: new Date('2200-01-01T00:00:00Z') }).status, 'Revoked');
  });

  it('ignores CRLs from other CAs and CRLs whose signature does not verify', async () => {
    const decoy = await other.issue('decoy.contoso.test', { serial: leaf.serial });
    await other.revoke(decoy);
    const otherCrl = await other.crl();
    const fake = await impostor.issue('fake.contoso.test', { serial: leaf.serial });
    await impostor.revoke(fake);
    const impostorCrl = await impostor.crl();
    assert.equal(parseCrl(impostorCrl).revoked[0]?.serialNumber, leaf.serial);
    assert.equal(verifyCrlSignature(impostorCrl, root.der), false);
    assert.equal(verifyCrlSignature(rootCrl, root.der), true);
    const r = status(leaf.der, { crls: [otherCrl, impostorCrl] });
    assert.equal(r.status, 'Valid', r.reason);
  });

  it('is Invalid when a signature byte is flipped', () => {
    const tampered = Buffer.from(leaf.der);
    tampered[tampered.length - 5] = (tampered[tampered.length - 5] as number) ^ 0x01;
    const r = status(tampered);
    assert.equal(r.status, 'Invalid');
    assert.match(r.reason, /does not verify with the key of its issuer "CN=Status Root CA"/);
  });

  it('is Invalid when an intermediate is not a CA', async () => {
    const notCa = await root.issue('Not A CA', { ext: 'noca_ext' });
    const below = await caHandle(join(tmp.path, 'notca'), notCa.path, notCa.keyPath).issue('under-not-ca.contoso.test');
    const r = status(below.der, { intermediates: [notCa.der] });
    assert.equal(r.status, 'Invalid');
    assert.match(r.reason, /"CN=Not A CA" .* is not a CA/);
  });

  it('is Invalid when a pathLenConstraint is exceeded', async () => {
    const strict = await rootCa(join(tmp.path, 'strict'), 'Strict Root CA',
      ['-addext', 'basicConstraints=critical,CA:TRUE,pathlen:0', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    const sub = await strict.issue('Strict Sub CA', { ext: 'ca_ext' });
    const deep = await caHandle(join(tmp.path, 'strict-sub'), sub.path, sub.keyPath).issue('deep.contoso.test');
    const r = computeStatus({ certificate: deep.der, intermediates: [sub.der], trustedRoots: [strict.der], crls: [] });
    assert.equal(r.status, 'Invalid');
    assert.match(r.reason, /pathLenConstraint/);
    assert.equal(computeStatus({ certificate: sub.der, intermediates: [], trustedRoots: [strict.der], crls: [] }).status, 'Valid');
  });

  it('checks the purpose against extendedKeyUsage', () => {
    const r = status(serverOnly.der, { purpose: 'clientAuth' });
    assert.equal(r.status, 'Invalid');
    assert.match(r.reason, /does not include clientAuth/);
    assert.equal(status(serverOnly.der, { purpose: 'serverAuth' }).status, 'Valid');
    assert.equal(status(leaf.der, { purpose: 'clientAuth' }).status, 'Valid');
  });

  it('is Invalid for a malformed certificate and skips malformed roots and CRLs', () => {
    assert.equal(status(Buffer.from('not a certificate')).status, 'Invalid');
    const r = status(leaf.der, { trustedRoots: [Buffer.from([0x30, 0x00]), root.der], crls: [Buffer.from('junk')] });
    assert.equal(r.status, 'Valid', r.reason);
  });

  it('follows cross-certificates, backtracks, and stops at loops', async () => {
    const a = await rootCa(join(tmp.path, 'xa'), 'Cross A');
    const b = await rootCa(join(tmp.path, 'xb'), 'Cross B');
    const aByB = await b.issue('Cross A', { ext: 'ca_ext', keyPath: join(tmp.path, 'xa', 'ca.key') });
    const bByA = await a.issue('Cross B', { ext: 'ca_ext', keyPath: join(tmp.path, 'xb', 'ca.key') });
    const user = await a.issue('cross-user.contoso.test');
    const loop = computeStatus({ certificate: user.der, intermediates: [aByB.der, bByA.der, a.der], trustedRoots: [root.der], crls: [] });
    assert.equal(loop.status, 'Untrusted', loop.reason);
    const viaB = computeStatus({ certificate: user.der, intermediates: [a.der, bByA.der, aByB.der], trustedRoots: [b.der], crls: [] });
    assert.equal(viaB.status, 'Valid', viaB.reason);
    assert.deepEqual(viaB.chain, [user.der, aByB.der, b.der]);
  });

  it('measures computeStatus calls per second on a 3-certificate chain (printed, not asserted)', async () => {
    const warmup = await inter.issue('warmup.contoso.test');
    const fresh = await inter.issue('timing.contoso.test'); // never parsed yet: the first call is cold
    computeStatus({ certificate: warmup.der, intermediates: [interCert.der], trustedRoots: [root.der], crls: [] });
    const input = { certificate: fresh.der, intermediates: [interCert.der], trustedRoots: [root.der], crls: [rootCrl, interCrl], purpose: 'clientAuth' as const };
    let t = performance.now();
    assert.equal(computeStatus(input).status, 'Valid');
    const first = performance.now() - t;
    const n = 5000;
    t = performance.now();
    for (let i = 0; i < n; i++) computeStatus(input);
    const perSecond = Math.round(n / ((performance.now() - t) / 1000));
    const copies = { ...input, certificate: Buffer.from(fresh.der), trustedRoots: [Buffer.from(root.der)] };
    t = performance.now();
    for (let i = 0; i < n; i++) computeStatus({ ...copies, certificate: Buffer.from(copies.certificate) });
    const freshBuffers = Math.round(n / ((performance.now() - t) / 1000));
    console.log(`computeStatus, 3-cert chain + 2 CRLs: first call for a new leaf ${first.toFixed(2)} ms; `
      + `${perSecond}/s with the same Buffers; ${freshBuffers}/s with a fresh leaf Buffer each call`);
  });
});
