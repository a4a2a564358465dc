// `openum certificate export` (Export-ExchangeCertificate): with a password, a PFX holding the
// private key and chain, only when the key was made or imported as exportable; without one, the
// public certificate (what an administrator imports on a gateway, IP PBX or SBC); for a pending
// request, the request to hand to the CA.
import { OpenUmError } from '../errors.js';
import { mutate } from '../store/mutation.js';
import { getRecord } from './certificate-repository.js';
import type { PkiContext } from './context.js';
import { toPem } from './pem.js';
import { writePfx } from './pfx-write.js';

export interface ExportOptions {
  password?: string;
  der?: boolean;
  /** With a PEM certificate export, append the stored chain after the certificate. */
  chain?: boolean;
}

export interface ExportResult {
  data: Buffer;
  kind: 'pfx' | 'certificate' | 'request';
  /** Key material is in the output: the file must be written owner-only. */
  containsPrivateKey: boolean;
}

export async function exportCertificate(ctx: PkiContext, thumbprint: string, options: ExportOptions = {}): Promise<ExportResult> {
  const rec = await getRecord(ctx.db, thumbprint);
  if (rec.kind === 'request') {
    if (options.password !== undefined) {
      throw new OpenUmError('NOT_A_REQUEST',
        `${rec.thumbprint} is a pending request, which has no certificate to put in a PFX`,
        { cli: ': export it without --password to get the request for your CA', api: ': export it without password to get the request for your CA' });
    }
    return { kind: 'request', containsPrivateKey: false, data: options.der ? rec.der : Buffer.from(toPem('CERTIFICATE REQUEST', rec.der)) };
  }
  if (options.password === undefined) {
    if (options.der) return { kind: 'certificate', containsPrivateKey: false, data: rec.der };
    const certs = options.chain ? [rec.der, ...rec.chain] : [rec.der];
    return { kind: 'certificate', containsPrivateKey: false, data: Buffer.from(certs.map((c) => toPem('CERTIFICATE', c)).join('')) };
  }
  if (!rec.sealedKey) {
    throw new OpenUmError('NO_PRIVATE_KEY', `the store has no private key for ${rec.thumbprint}`,
      { cli: ': export it without --password to get the public certificate', api: ': export it without password to get the public certificate' });
  }
  if (!rec.exportable) {
    throw new OpenUmError('KEY_NOT_EXPORTABLE',
      `the private key of ${rec.thumbprint} is not exportable`, {
        cli: ' (it was made or imported without --exportable); export without --password gives the public certificate',
        api: ' (it was made or imported without exportable: true); export without password gives the public certificate',
      });
  }
  if (options.password.length === 0) {
    throw new OpenUmError('PASSWORD_NEEDED_FOR_KEY', 'a PFX with a private key needs a non-empty', { cli: ' --password', api: ' password' });
  }
  const pfx = writePfx({ privateKey: ctx.vault.open(rec.sealedKey), certificates: [rec.der, ...rec.chain], password: options.password, friendlyName: rec.friendlyName });
  // Taking a private key out of the store is worth an audit entry even though nothing changed.
  await mutate(ctx.db, ctx.actor, { action: 'certificate.export-key', target: rec.thumbprint }, async () => ({ result: undefined }));
  return { kind: 'pfx', containsPrivateKey: true, data: pfx };
}
