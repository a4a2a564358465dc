// First start of a node (the seeds' installation step): the server row with default settings,
// the self-signed certificate assigned to IIS and SMTP (and used by UM/UMCallRouter once their
// startup mode needs TLS), and the first administrator token, shown once.
import { hostname } from 'node:os';
import { createServer, setInstallCertificate } from '../org/server-settings.js';
import { assignService } from '../pki/certificate-repository.js';
import { newCertificate } from '../pki/new-certificate.js';
import { mutate } from '../store/mutation.js';
import { createAdminToken } from './admin-tokens.js';
import { defaultServerName, pkiContext, writeNodeName, type OpenNode } from './node.js';

export interface InstallResult {
  serverName: string;
  fqdn: string;
  certificateThumbprint: string;
  adminToken: string;
}

export function defaultFqdn(): string {
  const h = hostname().toLowerCase();
  return h.includes('.') ? h : `${h}.localdomain`;
}

export async function initialiseNode(node: OpenNode, init: { name?: string; fqdn?: string } = {}): Promise<InstallResult> {
  const name = init.name ?? defaultServerName();
  const server = await createServer(node.store.db, node.actor, { name, fqdn: init.fqdn ?? defaultFqdn() });
  writeNodeName(node.dataDir, name);
  node.serverName = name;
  const ctx = pkiContext(node);
  const shortName = server.fqdn.split('.')[0] ?? server.fqdn;
  const { view } = await newCertificate(ctx, {
    subject: `CN=${server.fqdn}`,
    domains: shortName !== server.fqdn ? [shortName] : [],
    friendlyName: 'OpenUM self-signed (install)',
  });
  await setInstallCertificate(node.store.db, node.actor, name, view.thumbprint);
  await mutate(node.store.db, node.actor, { action: 'certificate.enable', target: view.thumbprint }, async (trx) => {
    await assignService(trx, name, 'IIS', view.thumbprint);
    await assignService(trx, name, 'SMTP', view.thumbprint);
    return { result: undefined, details: { services: ['IIS', 'SMTP'], reason: 'install' } };
  });
  const { token } = await createAdminToken(node.store.db, node.actor, 'install');
  return { serverName: name, fqdn: server.fqdn, certificateThumbprint: view.thumbprint, adminToken: token };
}
