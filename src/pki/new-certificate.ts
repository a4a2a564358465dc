// `openum certificate new` (New-ExchangeCertificate): a self-signed certificate by default, or a
// PKCS#10 request for a PKI (`--request`), whose private key stays sealed in the store.
import { OpenUmError } from '../errors.js';
import { mutate } from '../store/mutation.js';
import { insertRecord } from './certificate-repository.js';
import type { CertificateView } from './certificate-view.js';
import { getCertificate, serverOf, type PkiContext } from './context.js';
import { describeCertificate, describeRequest } from './describe.js';
import { parseSubject, validateDomain } from './subject.js';
import type { KeySize } from './types.js';

export interface NewCertificateOptions {
  /** X.500 subject; default CN=<server FQDN>. */
  subject?: string;
  domains?: string[];
  keySize?: number;
  friendlyName?: string;
  exportable?: boolean;
  request?: boolean;
}

export const MAX_FRIENDLY_NAME = 63;

export function checkFriendlyName(name: string): string {
  if (name.length > MAX_FRIENDLY_NAME) {
    throw new OpenUmError('FRIENDLY_NAME_TOO_LONG', `the friendly name has ${name.length} characters; it must be shorter than 64`);
  }
  return name;
}

export function parseKeySize(value: number | string | undefined): KeySize {
  const n = value === undefined ? 2048 : Number(value);
  if (n !== 1024 && n !== 2048 && n !== 4096) {
    throw new OpenUmError('BAD_KEY_SIZE', `key size ${value} is not allowed: use 1024, 2048 (default) or 4096`);
  }
  return n;
}

export async function newCertificate(ctx: PkiContext, options: NewCertificateOptions): Promise<{ view: CertificateView; request?: Buffer }> {
  const server = await serverOf(ctx);
  const subject = parseSubject(options.subject ?? `CN=${server.fqdn}`);
  const domains = (options.domains ?? []).map(validateDomain);
  const keySize = parseKeySize(options.keySize);
  const cn = subject.find((a) => a.type.toUpperCase() === 'CN')?.value ?? server.fqdn;
  const friendlyName = checkFriendlyName(options.friendlyName ?? cn);

  // Key generation (@peculiar/x509 on WebCrypto) is loaded here, when a key is made, not by every
  // process that imports pki/ (importCertificate shares checkFriendlyName with this file).
  const { createRequest, createSelfSigned } = await import('./generate.js');
  // A request keeps its key for the certificate the CA will issue; a self-signed one is final.
  const made = options.request
    ? await createRequest({ subject, domains, keySize }).then(({ request, privateKey }) => ({ der: request, privateKey, info: describeRequest(request), kind: 'request' as const }))
    : await createSelfSigned({ subject, domains, keySize, now: ctx.now?.() }).then(({ certificate, privateKey }) => ({ der: certificate, privateKey, info: describeCertificate(certificate), kind: 'certificate' as const }));
  const { info } = made;
  await mutate(ctx.db, ctx.actor, { action: options.request ? 'certificate.request' : 'certificate.new', target: info.thumbprint }, async (trx) => {
    await insertRecord(trx, ctx.server, {
      thumbprint: info.thumbprint, kind: made.kind, der: made.der, chain: [],
      sealedKey: ctx.vault.seal(made.privateKey), exportable: options.exportable ?? false,
      friendlyName, origin: options.request ? 'request' : 'self-signed',
    });
    const notAfter = 'notAfter' in info ? { notAfter: info.notAfter.toISOString() } : {};
    return { result: undefined, details: { subject: info.subject, domains: info.domains, keySize, ...notAfter } };
  });
  const view = await getCertificate(ctx, info.thumbprint);
  return made.kind === 'request' ? { view, request: made.der } : { view };
}
