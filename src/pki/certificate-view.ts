// What `openum certificate list|get` and GET /api/certificates show (Get-ExchangeCertificate):
// identity, names, dates, key, assigned services, and a status computed now.
import type { Kysely } from 'kysely';
import type { ServerSettings } from '../org/server-settings.js';
import { usesTls } from '../org/startup-mode.js';
import type { Database } from '../store/schema.js';
import { listRecords, readAssignments, type CertificateRecord } from './certificate-repository.js';
import { describeCertificate, describeRequest } from './describe.js';
import { SERVICES, type Service } from './services.js';
import { computeStatus } from './status.js';
import type { TrustMaterial } from './trust-store.js';
import type { CertificateStatus } from './types.js';

export interface CertificateView {
  thumbprint: string;
  friendlyName: string;
  subject: string;
  issuer: string;
  domains: string[];
  /** Services explicitly assigned with `enable`. */
  services: Service[];
  /** UM / UMCallRouter that use this certificate because nothing else is assigned (install certificate only). */
  defaultFor: Service[];
  status: CertificateStatus;
  statusReason: string;
  notBefore: string | null;
  notAfter: string | null;
  selfSigned: boolean;
  hasPrivateKey: boolean;
  privateKeyExportable: boolean;
  keyAlgorithm: string;
  keySize: number;
  serialNumber: string | null;
  kind: 'certificate' | 'request';
  origin: string;
  installCertificate: boolean;
}

/**
 * The services each certificate serves: explicit assignments, plus the install certificate for
 * UM / UMCallRouter when their startup mode needs TLS and nothing is assigned (seeds: the
 * self-signed certificate made at install is the one used until another is enabled).
 */
export function effectiveServices(server: ServerSettings, assignments: Map<Service, string>): Map<Service, { thumbprint: string; byDefault: boolean }> {
  const out = new Map<Service, { thumbprint: string; byDefault: boolean }>();
  for (const s of SERVICES) {
    const t = assignments.get(s);
    if (t) {
      out.set(s, { thumbprint: t, byDefault: false });
      continue;
    }
    const mode = s === 'UM' ? server.umService.startupMode : s === 'UMCallRouter' ? server.callRouter.startupMode : undefined;
    if (mode && usesTls(mode) && server.installCertificate) {
      out.set(s, { thumbprint: server.installCertificate, byDefault: true });
    }
  }
  return out;
}

export function viewOf(
  rec: CertificateRecord,
  server: ServerSettings,
  effective: Map<Service, { thumbprint: string; byDefault: boolean }>,
  trust: TrustMaterial,
  now: Date,
): CertificateView {
  const mine = [...effective].filter(([, v]) => v.thumbprint === rec.thumbprint);
  const common = {
    thumbprint: rec.thumbprint,
    friendlyName: rec.friendlyName,
    services: mine.filter(([, v]) => !v.byDefault).map(([s]) => s),
    defaultFor: mine.filter(([, v]) => v.byDefault).map(([s]) => s),
    hasPrivateKey: rec.sealedKey !== null,
    privateKeyExportable: rec.exportable && rec.sealedKey !== null,
    kind: rec.kind,
    origin: rec.origin,
    installCertificate: server.installCertificate === rec.thumbprint,
  };
  if (rec.kind === 'request') {
    const req = describeRequest(rec.der);
    return {
      ...common,
      subject: req.subject, issuer: '', domains: req.domains,
      status: 'PendingRequest', statusReason: 'waiting for the certificate issued for this request: import it to complete the request',
      notBefore: null, notAfter: null, selfSigned: false,
      keyAlgorithm: req.keyAlgorithm, keySize: req.keySize, serialNumber: null,
    };
  }
  const info = describeCertificate(rec.der);
  const status = computeStatus({ certificate: rec.der, intermediates: rec.chain, trustedRoots: trust.roots, crls: trust.crls, now });
  return {
    ...common,
    subject: info.subject, issuer: info.issuer, domains: info.domains,
    status: status.status, statusReason: status.reason,
    notBefore: info.notBefore.toISOString(), notAfter: info.notAfter.toISOString(), selfSigned: info.selfSigned,
    keyAlgorithm: info.keyAlgorithm, keySize: info.keySize, serialNumber: info.serialNumber,
  };
}

export async function buildViews(
  db: Kysely<Database>,
  server: ServerSettings,
  trust: TrustMaterial,
  now: Date,
): Promise<CertificateView[]> {
  const [records, assignments] = await Promise.all([listRecords(db, server.name), readAssignments(db, server.name)]);
  const effective = effectiveServices(server, assignments);
  return records.map((r) => viewOf(r, server, effective, trust, now));
}
