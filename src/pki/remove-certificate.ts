// `openum certificate remove` (Remove-ExchangeCertificate): refused while any service of any node
// sharing the store uses the certificate, including UM / UMCallRouter using a node's install
// certificate by default (certificates belong to the store, so removing one removes it for all).
import { OpenUmError } from '../errors.js';
import { mutate } from '../store/mutation.js';
import { deleteRecord, getRecord } from './certificate-repository.js';
import { getCertificate, type PkiContext } from './context.js';

export async function removeCertificate(ctx: PkiContext, thumbprint: string): Promise<void> {
  const rec = await getRecord(ctx.db, thumbprint);
  const view = await getCertificate(ctx, rec.thumbprint);
  const users = view.nodes.map((n) => ({ node: n.node, using: [...n.services, ...n.defaultFor] }));
  if (users.length > 0) {
    const elsewhere = users.some((u) => u.node !== ctx.server);
    const all = [...new Set(users.flatMap((u) => u.using))];
    const who = elsewhere ? users.map((u) => `${u.using.join(', ')} on ${u.node}`).join('; ') : all.join(', ');
    const verb = !elsewhere && all.length === 1 ? 'uses' : 'use';
    throw new OpenUmError('CERTIFICATE_IN_USE',
      `cannot remove ${rec.thumbprint}: ${who} ${verb} it; enable another certificate for ${all.length === 1 && users.length === 1 ? 'that service' : 'those services'} first`);
  }
  await mutate(ctx.db, ctx.actor, { action: rec.kind === 'request' ? 'request.remove' : 'certificate.remove', target: rec.thumbprint }, async (trx) => {
    await deleteRecord(trx, rec.id);
    return { result: undefined, details: { subject: view.subject, friendlyName: view.friendlyName } };
  });
}
