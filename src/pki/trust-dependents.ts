// Which serving certificates a trusted root holds up, on any node sharing the store (the trust
// list is the store's): removing a root that an IIS/UM/UMCallRouter certificate chains to turns
// that certificate Untrusted, and every TLS call and admin connection that needs it is then
// refused (issue 10). `trust remove` asks this first.
import type { Kysely } from 'kysely';
import { OpenUmError } from '../errors.js';
import type { Database } from '../store/schema.js';
import { findRecord } from './certificate-repository.js';
import { effectiveByNode } from './certificate-view.js';
import { describeCertificate } from './describe.js';
import type { Service } from './services.js';
import { computeStatus } from './status.js';
import { loadTrustMaterial } from './trust-store.js';

export interface RootDependent {
  thumbprint: string;
  subject: string;
  services: Service[];
  /** The nodes it serves them on, when several nodes share the store. */
  nodes: string[];
}

/** The certificates serving a service that are Valid now and would not be without `rootDer`. */
export async function certificatesNeedingRoot(db: Kysely<Database>, rootDer: Buffer): Promise<RootDependent[]> {
  const [byNode, trust] = await Promise.all([effectiveByNode(db), loadTrustMaterial(db)]);
  const byCertificate = new Map<string, { services: Set<Service>; nodes: Set<string> }>();
  for (const [node, effective] of byNode) {
    for (const [service, { thumbprint }] of effective) {
      const e = byCertificate.get(thumbprint) ?? { services: new Set(), nodes: new Set() };
      e.services.add(service);
      e.nodes.add(node);
      byCertificate.set(thumbprint, e);
    }
  }
  const without = trust.roots.filter((der) => !der.equals(rootDer));
  const out: RootDependent[] = [];
  for (const [thumbprint, use] of byCertificate) {
    const rec = await findRecord(db, thumbprint);
    if (!rec || rec.kind !== 'certificate') continue;
    const status = (roots: Buffer[]) => computeStatus({ certificate: rec.der, intermediates: rec.chain, trustedRoots: roots, crls: trust.crls }).status;
    if (status(trust.roots) === 'Valid' && status(without) !== 'Valid') {
      out.push({ thumbprint, subject: describeCertificate(rec.der).subject, services: [...use.services], nodes: byNode.size > 1 ? [...use.nodes] : [] });
    }
  }
  return out;
}

/** "CN=um.contoso.com (A1B2…) serving UM, UMCallRouter [on node-b, node-c]", joined with "; ". */
export function describeDependents(list: RootDependent[]): string {
  return list.map((d) => `${d.subject} (${d.thumbprint}) serving ${d.services.join(', ')}${d.nodes.length > 0 ? ` on ${d.nodes.join(', ')}` : ''}`).join('; ');
}

/**
 * The check `trust remove` runs: a root that a serving certificate needs is refused unless forced
 * (replacing a compromised CA is a reason to break things on purpose); forced, `onForced` hears
 * what will now fail, so the CLI can warn.
 */
export function rootInUseCheck(db: Kysely<Database>, options: { force: boolean; onForced?: (deps: RootDependent[]) => void }) {
  return async (root: { der: Buffer; subject: string }): Promise<void> => {
    const deps = await certificatesNeedingRoot(db, root.der);
    if (deps.length === 0) return;
    if (options.force) return options.onForced?.(deps);
    throw new OpenUmError('TRUSTED_ROOT_IN_USE',
      `"${root.subject}" is the root that ${describeDependents(deps)} chain${deps.length > 1 ? '' : 's'} to: without it `
      + `${deps.length > 1 ? 'they become' : 'it becomes'} Untrusted and TLS calls and connections to ${[...new Set(deps.flatMap((d) => d.services))].join(', ')} are refused. `
      + 'Enable a certificate from another CA for those services first', {
        cli: ', or add --force to remove the root anyway',
        api: ', or repeat with ?force=true to remove the root anyway',
      });
  };
}
