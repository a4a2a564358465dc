// `openum certificate enable THUMBPRINT --services … [--node NAME]…` (Enable-ExchangeCertificate
// [-Server]) with the seeds' rules ("Assegnare certificati ai servizi di Exchange Server"). Nodes
// sharing a store share its certificates, so one enable serves every node by default (the seeds:
// import the certificate on all servers, enable it for the UM services); UM goes to the nodes that
// run a UM service and UMCallRouter to those that run a Call Router (their last `openum start
// --roles`), each checked against that node's startup mode and FQDN. Every rule is checked for
// every node before anything is written, so a refusal changes nothing.
import { isIP } from 'node:net';
import { OpenUmError, type ErrorHints } from '../errors.js';
import { listNodes, runsCallRouter, runsUm, type NodeRoles } from '../org/nodes.js';
import { listServers, type ServerSettings } from '../org/server-settings.js';
import { usesTls } from '../org/startup-mode.js';
import { mutate } from '../store/mutation.js';
import { assignService, getRecord, readAllAssignments } from './certificate-repository.js';
import type { CertificateView } from './certificate-view.js';
import { getCertificate, type PkiContext } from './context.js';
import { describeCertificate, isWildcardName } from './describe.js';
import type { Service } from './services.js';
import type { CertificateInfo } from './types.js';

export interface EnableOptions {
  /**
   * Replacing the certificate SMTP uses was confirmed (seeds: "you are asked whether to replace
   * the default self-signed certificate used for SMTP"). The CLI asks on a terminal; otherwise
   * the caller must pass --force.
   */
  confirmSmtpReplace?: boolean;
  /** Only these nodes (servers) get the services; default every node sharing the store. */
  nodes?: string[];
}

interface Target {
  server: ServerSettings;
  services: Service[];
}

/**
 * The nodes and the services each gets. Named nodes get every service asked; otherwise UM and
 * UMCallRouter go to the nodes whose last run had that role (a node that never ran counts as
 * running both), or to every node when none did.
 */
async function targetsOf(ctx: PkiContext, services: Service[], nodes: string[] | undefined): Promise<Target[]> {
  const servers = await listServers(ctx.db);
  if (nodes !== undefined) {
    return [...new Set(nodes)].map((name) => {
      const server = servers.find((s) => s.name === name);
      if (!server) {
        throw new OpenUmError('NODE_NOT_FOUND', `no node named "${name}" shares this store (nodes: ${servers.map((s) => s.name).join(', ')})`,
          { cli: ' (openum node list shows them)', api: ' (GET /api/nodes lists them)' });
      }
      return { server, services };
    });
  }
  const roles = new Map<string, NodeRoles>((await listNodes(ctx.db, Date.now())).map((n) => [n.name, n.roles]));
  const runs = (s: Service, r: NodeRoles | undefined) => r === undefined || (s === 'UM' ? runsUm(r) : s === 'UMCallRouter' ? runsCallRouter(r) : true);
  const targets = servers.map((server) => ({ server, services: services.filter((s) => runs(s, roles.get(server.name))) }));
  for (const s of services) {
    if (!targets.some((t) => t.services.includes(s))) for (const t of targets) t.services = services.filter((x) => t.services.includes(x) || x === s);
  }
  return targets.filter((t) => t.services.length > 0);
}

/**
 * Whether the certificate names `fqdn`: as its subject CN or a SAN dNSName, exactly. A wildcard
 * does not name a SIP server (RFC 5922 §7.2: no wildcard matching for SIP domain certificates).
 */
export function namesFqdn(info: Pick<CertificateInfo, 'commonName' | 'domains'>, fqdn: string): boolean {
  const want = fqdn.toLowerCase();
  return [info.commonName, ...info.domains].some((n) => !isWildcardName(n) && isIP(n) === 0 && n.toLowerCase() === want);
}

function namesText(info: CertificateInfo): string {
  const san = info.domains.filter((d) => isIP(d) === 0);
  return `CN "${info.commonName}"${san.length > 0 ? `; SAN ${san.join(', ')}` : ''}`;
}

/** The UM / UMCallRouter rules for one node: its startup mode needs TLS, and the certificate names its FQDN. */
function checkSipService(tp: string, s: 'UM' | 'UMCallRouter', server: ServerSettings, info: CertificateInfo, several: boolean): void {
  const role = s === 'UM' ? 'UM service' : 'Call Router';
  const on = several ? ` on ${server.name}` : '';
  const leaveOut: ErrorHints = several ? { cli: `, or leave ${server.name} out (--node NAME for each node to enable it on)`, api: `, or leave ${server.name} out (nodes: [...])` } : {};
  const mode = s === 'UM' ? server.umService.startupMode : server.callRouter.startupMode;
  if (!usesTls(mode)) {
    const cli = s === 'UM' ? 'openum service set --startup-mode TLS' : 'openum callrouter set --startup-mode TLS';
    const api = s === 'UM' ? 'PATCH /api/service { startupMode: TLS }' : 'PATCH /api/callrouter { startupMode: TLS }';
    throw new OpenUmError('STARTUP_MODE_TCP',
      `cannot enable ${tp} for ${s}${on}: the ${role} startup mode${several ? ` of ${server.name}` : ''} is TCP; set it to TLS or Dual first`,
      several
        ? { cli: ` (${cli} with ${server.name}'s data directory)${leaveOut.cli}`, api: ` (${api} on ${server.name}'s admin API)${leaveOut.api}` }
        : { cli: ` (${cli})`, api: ` (${api})` });
  }
  if (namesFqdn(info, server.fqdn)) return;
  if (!several) {
    if (isWildcardName(info.commonName)) {
      throw new OpenUmError('WILDCARD_NOT_ALLOWED', `cannot enable ${tp} for ${s}: its subject CN "${info.commonName}" is a wildcard; ${s} needs CN=${server.fqdn}`);
    }
    throw new OpenUmError('FQDN_MISMATCH',
      `cannot enable ${tp} for ${s}: its subject CN "${info.commonName}" is not this server's FQDN ${server.fqdn}, nor is any of its subject alternative names; make a certificate with CN=${server.fqdn}`,
      { cli: ' (or change the FQDN with openum server set --fqdn)', api: ' (or change the FQDN: PATCH /api/server { fqdn })' });
  }
  const why = `its names (${namesText(info)}) do not include ${server.name}'s FQDN ${server.fqdn}${info.wildcard ? ' (a wildcard names no SIP server, RFC 5922 §7.2)' : ''}`;
  throw new OpenUmError('FQDN_MISMATCH',
    `cannot enable ${tp} for ${s}${on}: ${why}; use a certificate that names every node's FQDN (as its CN or among its subject alternative names)`, leaveOut);
}

export async function enableCertificate(ctx: PkiContext, thumbprint: string, services: Service[], options: EnableOptions = {}): Promise<CertificateView> {
  const rec = await getRecord(ctx.db, thumbprint);
  const view = await getCertificate(ctx, rec.thumbprint);
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
  }
  const [targets, assignments, serverCount] = await Promise.all([
    targetsOf(ctx, services, options.nodes), readAllAssignments(ctx.db), listServers(ctx.db).then((l) => l.length),
  ]);
  const several = serverCount > 1;
  for (const t of targets) {
    for (const s of t.services) if (s === 'UM' || s === 'UMCallRouter') checkSipService(tp, s, t.server, info, several);
  }
  const smtpOthers = targets.filter((t) => t.services.includes('SMTP'))
    .map((t) => ({ node: t.server.name, now: assignments.get(t.server.name)?.get('SMTP') }))
    .filter((x): x is { node: string; now: string } => x.now !== undefined && x.now !== tp);
  if (smtpOthers.length > 0 && !options.confirmSmtpReplace) {
    const uses = several ? smtpOthers.map((x) => `${x.now} on ${x.node}`).join(', ') : smtpOthers[0]?.now;
    throw new OpenUmError('CONFIRMATION_REQUIRED',
      `SMTP uses ${uses} now; replacing it needs confirmation`,
      { cli: ': run the command on a terminal to be asked, or add --force', api: ': send force: true to replace it' });
  }

  const added = targets.map((t) => ({ node: t.server.name, services: t.services.filter((s) => assignments.get(t.server.name)?.get(s) !== tp) }))
    .filter((a) => a.services.length > 0);
  if (added.length > 0) {
    await mutate(ctx.db, ctx.actor, { action: 'certificate.enable', target: tp }, async (trx) => {
      for (const a of added) for (const s of a.services) await assignService(trx, a.node, s, tp);
      const movedFrom = (a: { node: string; services: Service[] }) => Object.fromEntries(a.services.map((s) => [s, assignments.get(a.node)?.get(s) ?? null]));
      // One node: the details as before several nodes could share a store.
      const only = added.length === 1 && added[0]?.node === ctx.server ? added[0] : undefined;
      return {
        result: undefined,
        details: only ? { services: only.services, movedFrom: movedFrom(only) } : { nodes: Object.fromEntries(added.map((a) => [a.node, { services: a.services, movedFrom: movedFrom(a) }])) },
      };
    });
  }
  return getCertificate(ctx, tp);
}
