// `openum certificate import FILE` (Import-ExchangeCertificate): PEM, DER, PKCS#7 or PKCS#12.
// A certificate issued for a pending request (made on any node sharing the store) completes that
// request: it takes the request's sealed key and becomes a certificate with its own thumbprint.
// What is imported once is in the store for every node.
import { OpenUmError } from '../errors.js';
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
  /** What the operator should know although the import succeeded (a certificate no service can use). */
  warnings?: string[];
}

export async function importCertificate(ctx: PkiContext, data: Buffer, options: ImportOptions = {}): Promise<ImportResult> {
  // Everything is decoded and checked before the store is touched: a bad file changes nothing.
  const bundle = decodeCertificateFile(data, options.password);
  const [leaf, ...chain] = bundle.certificates;
  if (!leaf) throw new Error('decodeCertificateFile returned no certificate');
  const info = describeCertificate(leaf);
  const friendlyName = checkFriendlyName(options.friendlyName ?? bundle.friendlyName ?? (info.commonName || info.thumbprint));

  const requests = (await listRecords(ctx.db)).filter((r) => r.kind === 'request')
    .map((r) => ({ thumbprint: r.thumbprint, id: r.id, info: describeRequest(r.der) }));
  const pending = requests.find((r) => r.info.publicKeySpki.equals(info.publicKeySpki));
  if (!pending && !bundle.privateKey) refuseOtherKey(info, requests);

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
  const view = await getCertificate(ctx, info.thumbprint);
  return bundle.privateKey ? { view } : {
    view,
    warnings: [`${info.subject} was imported without a private key and completes no pending request (none has its public key), so no service can use it; `
      + 'to serve with it, import the PFX that holds its key'],
  };
}

/**
 * A certificate for the subject of a pending request, but for another key: the CA signed another
 * CSR (or an old one). Importing it would leave a key-less certificate and the request still
 * pending, with nothing to say so; it is refused, naming the request to send to the CA.
 */
function refuseOtherKey(info: { subject: string; commonName: string; thumbprint: string }, requests: Array<{ thumbprint: string; info: { commonName: string } }>): void {
  const same = requests.find((r) => r.info.commonName !== '' && r.info.commonName.toLowerCase() === info.commonName.toLowerCase());
  if (!same) return;
  throw new OpenUmError('REQUEST_KEY_MISMATCH',
    `${info.subject} (${info.thumbprint}) was issued for another key than the pending request ${same.thumbprint} for CN=${same.info.commonName}, so it cannot complete it `
    + 'and, without its private key, no service could use it. Send the CA that request', {
      cli: ` (openum certificate export ${same.thumbprint} --out request.csr) and import what it issues`,
      api: ` (POST /api/certificates/${same.thumbprint}/export) and import what it issues`,
    });
}
