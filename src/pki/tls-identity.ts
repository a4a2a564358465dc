// The certificate and key a TLS listener presents for a service (IIS for the admin API, UM and
// UMCallRouter for SIP), as PEM for tls.createSecureContext: the certificate this node's
// assignment names, wherever in the store it was added. Listeners ask again whenever the store's
// revision moves and swap their context when the thumbprint changed.
import type { Kysely } from 'kysely';
import { getServer } from '../org/server-settings.js';
import type { Database } from '../store/schema.js';
import { findRecord, readAssignments } from './certificate-repository.js';
import { effectiveServices } from './certificate-view.js';
import type { KeyVault } from './key-vault.js';
import { toPem } from './pem.js';
import type { Service } from './services.js';

export interface TlsIdentity {
  service: Service;
  thumbprint: string;
  /** Leaf certificate first, then the stored chain. */
  certPem: string;
  keyPem: string;
}

export async function tlsIdentity(db: Kysely<Database>, vault: KeyVault, serverName: string, service: Service): Promise<TlsIdentity | undefined> {
  const server = await getServer(db, serverName);
  const assigned = effectiveServices(server, await readAssignments(db, serverName)).get(service);
  if (!assigned) return undefined;
  const rec = await findRecord(db, assigned.thumbprint);
  if (!rec || rec.kind !== 'certificate' || !rec.sealedKey) return undefined;
  return {
    service,
    thumbprint: rec.thumbprint,
    certPem: [rec.der, ...rec.chain].map((d) => toPem('CERTIFICATE', d)).join(''),
    keyPem: toPem('PRIVATE KEY', vault.open(rec.sealedKey)),
  };
}
