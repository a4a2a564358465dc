// The certificates this server's services use (assigned, or the install certificate by default
// for UM/UMCallRouter) and how long each has left: the /metrics gauge, `openum status` and the
// expiry warnings all read the same list.
import { findServer } from '../../org/server-settings.js';
import { findRecord, readAssignments } from '../../pki/certificate-repository.js';
import { effectiveServices } from '../../pki/certificate-view.js';
import { describeCertificate } from '../../pki/describe.js';
import type { OpenNode } from '../node.js';

export interface AssignedCertificate {
  service: string;
  thumbprint: string;
  subject: string;
  notAfter: string;
  /** Whole and fractional days until notAfter (negative once expired). */
  daysLeft: number;
  byDefault: boolean;
}

const DAY_MS = 86_400_000;

export async function assignedCertificates(node: OpenNode, now = Date.now()): Promise<AssignedCertificate[]> {
  const name = node.serverName;
  if (!name) return [];
  const server = await findServer(node.store.db, name);
  if (!server) return [];
  const services = effectiveServices(server, await readAssignments(node.store.db, name));
  const out: AssignedCertificate[] = [];
  const seen = new Map<string, { subject: string; notAfter: Date } | null>();
  for (const [service, { thumbprint, byDefault }] of services) {
    if (!seen.has(thumbprint)) {
      const rec = await findRecord(node.store.db, thumbprint);
      let info: { subject: string; notAfter: Date } | null = null;
      if (rec?.kind === 'certificate') {
        const d = describeCertificate(rec.der);
        info = { subject: d.subject, notAfter: d.notAfter };
      }
      seen.set(thumbprint, info);
    }
    const info = seen.get(thumbprint);
    if (!info) continue;
    out.push({ service, thumbprint, subject: info.subject, notAfter: info.notAfter.toISOString(), daysLeft: (info.notAfter.getTime() - now) / DAY_MS, byDefault });
  }
  return out;
}
