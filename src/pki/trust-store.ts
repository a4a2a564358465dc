// Trusted roots (the CAs that peer certificates must chain to: `openum trust add|list|remove`)
// and certificate revocation lists (`openum trust crl add|list|remove`).
import { createHash, X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import type { Kysely } from 'kysely';
import { OpenUmError } from '../errors.js';
import { mutate, type Actor } from '../store/mutation.js';
import type { Database } from '../store/schema.js';
import { parseCrl, verifyCrlSignature } from './crl.js';
import { decodeCertificateFile } from './decode.js';
import { describeCertificate } from './describe.js';
import { pemBlocks } from './pem.js';
import type { CertificateInfo } from './types.js';

export interface TrustedRootView {
  thumbprint: string;
  subject: string;
  notAfter: string;
  addedAt: string;
}

export interface CrlView {
  fingerprint: string;
  issuer: string;
  thisUpdate: string;
  nextUpdate: string | null;
  revokedCount: number;
  addedAt: string;
}

export async function listTrustedRoots(db: Kysely<Database>): Promise<TrustedRootView[]> {
  const rows = await db.selectFrom('trusted_roots').selectAll().orderBy('added_at').execute();
  return rows.map((r) => ({
    thumbprint: r.thumbprint,
    subject: r.subject,
    notAfter: describeCertificate(Buffer.from(r.der)).notAfter.toISOString(),
    addedAt: r.added_at,
  }));
}

/** The certificates of a file given as trusted roots; refused unless each is a CA or self-signed. Changes nothing. */
export function readRootCertificates(data: Buffer): { info: CertificateInfo; der: Buffer }[] {
  const bundle = decodeCertificateFile(data);
  const infos: { info: CertificateInfo; der: Buffer }[] = bundle.certificates.map((der) => ({ der, info: describeCertificate(der) }));
  for (const { info } of infos) {
    if (!info.isCa && !info.selfSigned) {
      throw new OpenUmError('NOT_A_CA',
        `"${info.subject}" is neither a CA nor self-signed, so it cannot anchor a chain: add the CA that issued it instead`);
    }
  }
  return infos;
}

/** Adds every certificate in the file as a trusted root; each must be a CA or self-signed. */
export async function addTrustedRoots(db: Kysely<Database>, actor: Actor, data: Buffer): Promise<TrustedRootView[]> {
  const infos = readRootCertificates(data);
  const existing = new Set((await db.selectFrom('trusted_roots').select('thumbprint').execute()).map((r) => r.thumbprint));
  const fresh = infos.filter(({ info }) => !existing.has(info.thumbprint));
  if (fresh.length > 0) {
    await mutate(db, actor, { action: 'trust.add', target: fresh.map((f) => f.info.thumbprint).join(',') }, async (trx) => {
      const now = new Date().toISOString();
      for (const { info, der } of fresh) {
        await trx.insertInto('trusted_roots').values({ thumbprint: info.thumbprint, subject: info.subject, der, added_at: now }).execute();
      }
      return { result: undefined, details: { subjects: fresh.map((f) => f.info.subject) } };
    });
  }
  const all = await listTrustedRoots(db);
  const wanted = new Set(infos.map((i) => i.info.thumbprint));
  return all.filter((r) => wanted.has(r.thumbprint));
}

/** `check` sees the root before it goes and may refuse (trust-dependents.ts: roots still in use). */
export async function removeTrustedRoot(db: Kysely<Database>, actor: Actor, thumbprint: string, check?: (root: { der: Buffer; subject: string }) => Promise<void>): Promise<void> {
  const row = await db.selectFrom('trusted_roots').select(['thumbprint', 'subject', 'der']).where('thumbprint', '=', thumbprint).executeTakeFirst();
  if (!row) {
    throw new OpenUmError('TRUSTED_ROOT_NOT_FOUND', `no trusted root with thumbprint ${thumbprint}`, { cli: "'openum trust list' shows them", api: 'GET /api/trust lists them' });
  }
  await check?.({ der: Buffer.from(row.der), subject: row.subject });
  await mutate(db, actor, { action: 'trust.remove', target: thumbprint }, async (trx) => {
    await trx.deleteFrom('trusted_roots').where('thumbprint', '=', thumbprint).execute();
    return { result: undefined, details: { subject: row.subject } };
  });
}

export async function listCrls(db: Kysely<Database>): Promise<CrlView[]> {
  const rows = await db.selectFrom('crls').selectAll().orderBy('id').execute();
  return rows.map((r) => ({
    fingerprint: r.fingerprint,
    issuer: r.issuer,
    thisUpdate: r.this_update,
    nextUpdate: r.next_update,
    revokedCount: parseCrl(Buffer.from(r.der)).revoked.length,
    addedAt: r.added_at,
  }));
}

/**
 * Adds a CRL whose signature verifies with a CA this store knows (a trusted root, or a CA in a
 * stored certificate's chain). A newer CRL from the same issuer replaces the older one.
 */
export async function addCrl(db: Kysely<Database>, actor: Actor, data: Buffer, knownCas: Buffer[]): Promise<CrlView> {
  refuseCertificateAsCrl(data);
  const crl = parseCrl(data);
  const issuerCa = knownCas.find((ca) => {
    try {
      return verifyCrlSignature(crl.der, ca);
    } catch {
      return false;
    }
  });
  if (!issuerCa) {
    throw new OpenUmError('BAD_CRL',
      `no known CA verifies the signature of the CRL from "${crl.issuer}": add that CA first`,
      { cli: " with 'openum trust add CA-FILE'", api: ' (POST /api/trust)' });
  }
  const fingerprint = createHash('sha1').update(crl.der).digest('hex').toUpperCase();
  await mutate(db, actor, { action: 'trust.crl.add', target: fingerprint }, async (trx) => {
    await trx.deleteFrom('crls').where('issuer', '=', crl.issuer).where('this_update', '<=', crl.thisUpdate.toISOString()).execute();
    const newer = await trx.selectFrom('crls').select('fingerprint').where('issuer', '=', crl.issuer).executeTakeFirst();
    if (!newer) {
      await trx.insertInto('crls').values({
        fingerprint, issuer: crl.issuer, der: crl.der,
        this_update: crl.thisUpdate.toISOString(), next_update: crl.nextUpdate?.toISOString() ?? null,
        added_at: new Date().toISOString(),
      }).execute();
    }
    return { result: undefined, details: { issuer: crl.issuer, revoked: crl.revoked.length, replacedBy: newer?.fingerprint } };
  });
  const views = await listCrls(db);
  const view = views.find((v) => v.fingerprint === fingerprint) ?? views.find((v) => v.issuer === crl.issuer);
  if (!view) throw new OpenUmError('INTERNAL', 'the CRL was not stored');
  return view;
}

/** A certificate given where a CRL is expected: say what the file is and which file is wanted. */
function refuseCertificateAsCrl(data: Buffer): void {
  let subject: string;
  try {
    subject = new X509Certificate(data).subject.replace(/\n/g, ', ');
  } catch {
    return; // not a certificate: parseCrl says what is wrong with it
  }
  throw new OpenUmError('BAD_CRL',
    `the file is a certificate (${subject}), not a certificate revocation list: give the CA's CRL, `
    + 'a PEM file with an "X509 CRL" block or DER (often .crl), downloaded from the CRL distribution point named in the certificates that CA issued', {
      cli: "; to trust a CA certificate use 'openum trust add FILE'",
      api: '; to trust a CA certificate use POST /api/trust',
    });
}

export async function removeCrl(db: Kysely<Database>, actor: Actor, fingerprint: string): Promise<void> {
  const row = await db.selectFrom('crls').select(['fingerprint', 'issuer']).where('fingerprint', '=', fingerprint).executeTakeFirst();
  if (!row) throw new OpenUmError('BAD_ARGUMENT', `no CRL with fingerprint ${fingerprint}`, { cli: "'openum trust crl list' shows them", api: 'GET /api/trust/crls lists them' });
  await mutate(db, actor, { action: 'trust.crl.remove', target: fingerprint }, async (trx) => {
    await trx.deleteFrom('crls').where('fingerprint', '=', fingerprint).execute();
    return { result: undefined, details: { issuer: row.issuer } };
  });
}

/** The operating system's public roots (Node's bundled Mozilla list), parsed once. */
let systemRoots: Buffer[] | undefined;
export function systemRootCertificates(): Buffer[] {
  systemRoots ??= rootCertificates.flatMap((pem) => pemBlocks(pem).map((b) => b.der))
    .filter((der) => {
      try {
        return new X509Certificate(der).ca;
      } catch {
        return false;
      }
    });
  return systemRoots;
}

export interface TrustMaterial {
  /** Roots for the status of the store's own certificates: trust list, public roots, self-signed ones made by any node. */
  roots: Buffer[];
  /** The administrator's trust list only: what peer (gateway) certificates must chain to. */
  peerRoots: Buffer[];
  crls: Buffer[];
}

export async function loadTrustMaterial(db: Kysely<Database>): Promise<TrustMaterial> {
  const [roots, crls, own] = await Promise.all([
    db.selectFrom('trusted_roots').select('der').execute(),
    db.selectFrom('crls').select('der').execute(),
    db.selectFrom('certificates').select('der')
      .where('origin', '=', 'self-signed').where('kind', '=', 'certificate').execute(),
  ]);
  const peerRoots = roots.map((r) => Buffer.from(r.der));
  return {
    peerRoots,
    // A self-signed certificate made in this store is trusted by its nodes, as Exchange puts its
    // own self-signed certificate in the machine's trusted root store (nodes share certificates).
    roots: [...peerRoots, ...own.map((r) => Buffer.from(r.der)), ...systemRootCertificates()],
    crls: crls.map((r) => Buffer.from(r.der)),
  };
}
