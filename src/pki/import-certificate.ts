// `openum certificate import FILE` (Import-ExchangeCertificate): PEM, DER, PKCS#7 or PKCS#12.
// A certificate issued for one of this server's pending requests completes that request: it
// takes the request's sealed key and becomes a certificate with its own thumbprint.
import { mutate } from '../store/mutation.js';
import { completeRequest, insertRecord, listRecords } from './certificate-repository.js';
import type { CertificateView } from './certificate-view.js';
import { getCertificate, type PkiContext } from './context.js';
import { decodeCertificateFile } from './decode.js';
import { describeCertificate, describeRequest } from './describe.js';
import { checkFriendlyName } from './new-certificate.js';

export interface ImportOptions {
  password?: string;
  friendlyName?: string;
  /** Whether the imported private key may later be exported in a PFX (default: no). */
  exportable?: boolean;
}

export interface ImportResult {
  view: CertificateView;
  /** The thumbprint of the pending request this certificate completed, if any. */
  completedRequest?: string;
}

export async function importCertificate(ctx: PkiContext, data: Buffer, options: ImportOptions = {}): Promise<ImportResult> {
  // Everything is decoded and checked before the store is touched: a bad file changes nothing.
  const bundle = decodeCertificateFile(data, options.password);
  const [leaf, ...chain] = bundle.certificates;
  if (!leaf) throw new Error('decodeCertificateFile returned no certificate');
  const info = describeCertificate(leaf);
  const friendlyName = checkFriendlyName(options.friendlyName ?? bundle.friendlyName ?? (info.commonName || info.thumbprint));

  const pending = (await listRecords(ctx.db, ctx.server))
    .filter((r) => r.kind === 'request')
    .find((r) => describeRequest(r.der).publicKeySpki.equals(info.publicKeySpki));

  if (pending) {
    await mutate(ctx.db, ctx.actor, { action: 'certificate.complete', target: info.thumbprint }, async (trx) => {
      await completeRequest(trx, pending.id, { thumbprint: info.thumbprint, der: leaf, chain });
      return { result: undefined, details: { request: pending.thumbprint, subject: info.subject, issuer: info.issuer } };
    });
    return { view: await getCertificate(ctx, info.thumbprint), completedRequest: pending.thumbprint };
  }

  await mutate(ctx.db, ctx.actor, { action: 'certificate.import', target: info.thumbprint }, async (trx) => {
    await insertRecord(trx, ctx.server, {
      thumbprint: info.thumbprint, kind: 'certificate', der: leaf, chain,
      sealedKey: bundle.privateKey ? ctx.vault.seal(bundle.privateKey) : null,
      exportable: options.exportable ?? false,
      friendlyName, origin: 'import',
    });
    return { result: undefined, details: { format: bundle.format, subject: info.subject, issuer: info.issuer, hasPrivateKey: !!bundle.privateKey } };
  });
  return { view: await getCertificate(ctx, info.thumbprint) };
}
