// `openum certificate enable THUMBPRINT --services …` (Enable-ExchangeCertificate) with the
// seeds' rules ("Assegnare certificati ai servizi di Exchange Server"). Every rule is checked
// before anything is written, so a refusal changes nothing.
import { OpenUmError } from '../errors.js';
import { usesTls } from '../org/startup-mode.js';
import { mutate } from '../store/mutation.js';
import { assignService, getRecord, readAssignments } from './certificate-repository.js';
import type { CertificateView } from './certificate-view.js';
import { getCertificate, serverOf, type PkiContext } from './context.js';
import { describeCertificate } from './describe.js';
import type { Service } from './services.js';

export interface EnableOptions {
  /**
   * Replacing the certificate SMTP uses was confirmed (seeds: "you are asked whether to replace
   * the default self-signed certificate used for SMTP"). The CLI asks on a terminal; otherwise
   * the caller must pass --force.
   */
  confirmSmtpReplace?: boolean;
}

export async function enableCertificate(ctx: PkiContext, thumbprint: string, services: Service[], options: EnableOptions = {}): Promise<CertificateView> {
  const rec = await getRecord(ctx.db, ctx.server, thumbprint);
  const view = await getCertificate(ctx, rec.thumbprint);
  const server = await serverOf(ctx);
  const assignments = await readAssignments(ctx.db, ctx.server);
  const tp = rec.thumbprint;

  if (view.status !== 'Valid') {
    const why = view.status === 'PendingRequest'
      ? 'it is a pending request: import the certificate your CA issued for it first'
      : `its status is ${view.status} (${view.statusReason})`;
    throw new OpenUmError('CERTIFICATE_NOT_VALID', `cannot enable ${tp}: ${why}; only a Valid certificate can be assigned to services`);
  }
  if (!view.hasPrivateKey) {
    throw new OpenUmError('NO_PRIVATE_KEY', `cannot enable ${tp}: the store has no private key for it; import it with its key (PFX, or PEM with the key)`);
  }
  const info = describeCertificate(rec.der);
  for (const s of services) {
    if ((s === 'IMAP' || s === 'POP') && info.wildcard) {
      throw new OpenUmError('WILDCARD_NOT_ALLOWED',
        `cannot enable ${tp} for ${s}: a wildcard certificate must not be assigned to ${s}; use a certificate for the FQDN that ${s} clients connect to`);
    }
    if (s === 'UM' || s === 'UMCallRouter') {
      const mode = s === 'UM' ? server.umService.startupMode : server.callRouter.startupMode;
      if (!usesTls(mode)) {
        const cli = s === 'UM' ? 'openum service set --startup-mode TLS' : 'openum callrouter set --startup-mode TLS';
        const api = s === 'UM' ? 'PATCH /api/service { startupMode: TLS }' : 'PATCH /api/callrouter { startupMode: TLS }';
        throw new OpenUmError('STARTUP_MODE_TCP',
          `cannot enable ${tp} for ${s}: the ${s === 'UM' ? 'UM service' : 'Call Router'} startup mode is TCP; set it to TLS or Dual first`,
          { cli: ` (${cli})`, api: ` (${api})` });
      }
      if (info.commonName.startsWith('*.')) {
        throw new OpenUmError('WILDCARD_NOT_ALLOWED',
          `cannot enable ${tp} for ${s}: its subject CN "${info.commonName}" is a wildcard; ${s} needs CN=${server.fqdn}`);
      }
      if (info.commonName.toLowerCase() !== server.fqdn.toLowerCase()) {
        throw new OpenUmError('FQDN_MISMATCH',
          `cannot enable ${tp} for ${s}: its subject CN "${info.commonName}" is not this server's FQDN ${server.fqdn}; make a certificate with CN=${server.fqdn}`,
          { cli: ' (or change the FQDN with openum server set --fqdn)', api: ' (or change the FQDN: PATCH /api/server { fqdn })' });
      }
    }
  }
  const smtpNow = assignments.get('SMTP');
  if (services.includes('SMTP') && smtpNow && smtpNow !== tp && !options.confirmSmtpReplace) {
    throw new OpenUmError('CONFIRMATION_REQUIRED',
      `SMTP uses ${smtpNow} now; replacing it needs confirmation`,
      { cli: ': run the command on a terminal to be asked, or add --force', api: ': send force: true to replace it' });
  }

  const added = services.filter((s) => assignments.get(s) !== tp);
  if (added.length > 0) {
    await mutate(ctx.db, ctx.actor, { action: 'certificate.enable', target: tp }, async (trx) => {
      for (const s of added) await assignService(trx, ctx.server, s, tp);
      return { result: undefined, details: { services: added, movedFrom: Object.fromEntries(added.map((s) => [s, assignments.get(s) ?? null])) } };
    });
  }
  return getCertificate(ctx, tp);
}
