// What `openum certificate list|get` and GET /api/certificates show (Get-ExchangeCertificate):
// identity, names, dates, key, assigned services, and a status computed now. Every certificate in
// the store is listed (nodes sharing a store share its certificates); `services` and `defaultFor`
// are this node's, `nodes` says which nodes use it for what.
import type { Kysely } from 'kysely';
import { listServers, type ServerSettings } from '../org/server-settings.js';
import { usesTls } from '../org/startup-mode.js';
import type { Database } from '../store/schema.js';
import { listRecords, readAllAssignments, type CertificateRecord } from './certificate-repository.js';
import { describeCertificate, describeRequest } from './describe.js';
import { SERVICES, type Service } from './services.js';
import { computeStatus } from './status.js';
import type { TrustMaterial } from './trust-store.js';
import type { CertificateStatus } from './types.js';

/** What one node uses a certificate for. */
export interface NodeUse {
  node: string;
  services: Service[];
  defaultFor: Service[];
}

export type Effective = Map<Service, { thumbprint: string; byDefault: boolean }>;

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
  /** This node's install certificate (made at its first start). */
  installCertificate: boolean;
  /** Every node sharing the store that uses it, with its services there (this node included). */
  nodes: NodeUse[];
}

/**
 * The services each certificate serves: explicit assignments, plus the install certificate for
 * UM / UMCallRouter when their startup mode needs TLS and nothing is assigned (seeds: the
 * self-signed certificate made at install is the one used until another is enabled).
 */
export function effectiveServices(server: ServerSettings, assignments: Map<Service, string>): Effective {
  const out: Effective = new Map();
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

/** What `effective` (one node's services) uses the certificate `thumbprint` for. */
export function useOf(effective: Effective, thumbprint: string): { services: Service[]; defaultFor: Service[] } {
  const mine = [...effective].filter(([, v]) => v.thumbprint === thumbprint);
  return { services: mine.filter(([, v]) => !v.byDefault).map(([s]) => s), defaultFor: mine.filter(([, v]) => v.byDefault).map(([s]) => s) };
}

/** Every node's effective services, by node name. */
export async function effectiveByNode(db: Kysely<Database>): Promise<Map<string, Effective>> {
  const [servers, assignments] = await Promise.all([listServers(db), readAllAssignments(db)]);
  return new Map(servers.map((s) => [s.name, effectiveServices(s, assignments.get(s.name) ?? new Map())]));
}

/** The nodes that use `thumbprint`, with what for. */
export function nodesUsing(byNode: Map<string, Effective>, thumbprint: string): NodeUse[] {
  return [...byNode].map(([node, e]) => ({ node, ...useOf(e, thumbprint) })).filter((u) => u.services.length + u.defaultFor.length > 0);
}

export function viewOf(
  rec: CertificateRecord,
  server: ServerSettings,
  byNode: Map<string, Effective>,
  trust: TrustMaterial,
  now: Date,
): CertificateView {
  const common = {
    thumbprint: rec.thumbprint,
    friendlyName: rec.friendlyName,
    ...useOf(byNode.get(server.name) ?? new Map(), rec.thumbprint),
    nodes: nodesUsing(byNode, rec.thumbprint),
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
  const [records, byNode] = await Promise.all([listRecords(db), effectiveByNode(db)]);
  return records.map((r) => viewOf(r, server, byNode, trust, now));
}
