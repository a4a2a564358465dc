// `openum certificate remove` (Remove-ExchangeCertificate): refused while any service uses the
// certificate, including UM / UMCallRouter using the install certificate by default.
import { OpenUmError } from '../errors.js';
import { mutate } from '../store/mutation.js';
import { deleteRecord, getRecord } from './certificate-repository.js';
import { getCertificate, type PkiContext } from './context.js';

export async function removeCertificate(ctx: PkiContext, thumbprint: string): Promise<void> {
  const rec = await getRecord(ctx.db, ctx.server, thumbprint);
  const view = await getCertificate(ctx, rec.thumbprint);
  const using = [...view.services, ...view.defaultFor];
  if (using.length > 0) {
    throw new OpenUmError('CERTIFICATE_IN_USE',
      `cannot remove ${rec.thumbprint}: ${using.join(', ')} ${using.length === 1 ? 'uses' : 'use'} it; enable another certificate for ${using.length === 1 ? 'that service' : 'those services'} first`);
  }
  await mutate(ctx.db, ctx.actor, { action: rec.kind === 'request' ? 'request.remove' : 'certificate.remove', target: rec.thumbprint }, async (trx) => {
    await deleteRecord(trx, rec.id);
    return { result: undefined, details: { subject: view.subject, friendlyName: view.friendlyName } };
  });
}
