// Certification path building (RFC 5280 §6, simplified): from a leaf up to a trust anchor, over
// a pool of candidate issuers. Only the path is built here; status.ts applies the rules to it.
//
// Parsing a certificate with asn1-schema costs about a millisecond, and this runs on every TLS
// handshake with a SIP peer, so parsed certificates are cached twice: by the identity of the
// caller's Buffer (roots and intermediates usually come from a store loaded once; these entries
// live as long as the caller keeps the Buffer), and by SHA-256 of the DER in a bounded map.
import { X509Certificate, createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityKeyIdentifier, BasicConstraints, Certificate, ExtendedKeyUsage, KeyUsage, SubjectKeyIdentifier,
  id_ce_authorityKeyIdentifier, id_ce_basicConstraints, id_ce_extKeyUsage, id_ce_keyUsage, id_ce_subjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import { formatName, nameKey, serialHex } from './crl.js';

/** RFC 5280 §6.1 leaves the maximum path length to the application; 8 covers real PKIs. */
export const MAX_DEPTH = 8;

export interface ParsedCert {
  der: Buffer;
  /** SHA-256 of the DER in hex: certificates are compared by content, never by name alone. */
  id: string;
  x509: X509Certificate;
  subject: string;
  issuer: string;
  /** Re-encoded Name DER (hex) for issuer/subject matching (RFC 5280 §4.1.2.4, §7.1 simplified to exact match). */
  subjectKey: string;
  issuerKey: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  /** basicConstraints cA (RFC 5280 §4.2.1.9); false when the extension is absent. */
  isCa: boolean;
  pathLen?: number;
  /** keyUsage flags (asn1-x509 KeyUsageFlags) when the extension is present (RFC 5280 §4.2.1.3). */
  keyUsage?: number;
  /** extendedKeyUsage purpose OIDs when the extension is present (RFC 5280 §4.2.1.12). */
  eku?: string[];
  /** The subjectPublicKey bits in hex: enough to tell two keys apart. */
  spki: string;
  /** Made on first use (publicKeyOf): only issuers need it, and it is not free. */
  keyObject?: KeyObject;
  ski?: string;
  aki?: string;
  /** OIDs of critical extensions this module does not understand (RFC 5280 §4.2: must reject). */
  unknownCritical: string[];
  selfIssued: boolean;
  /** Signature results by issuer id, filled lazily: verifying is the other per-handshake cost. */
  signedBy: Map<string, boolean>;
}

// Extensions we either process or that do not change whether a path is valid for our purposes.
// Name constraints and policies are accepted without being enforced (simplified §6.1.3/§6.1.4).
const KNOWN_EXTENSIONS = new Set([
  id_ce_basicConstraints, id_ce_keyUsage, id_ce_extKeyUsage, id_ce_subjectKeyIdentifier, id_ce_authorityKeyIdentifier,
  '2.5.29.17', '2.5.29.18', '2.5.29.30', '2.5.29.31', '2.5.29.32', '2.5.29.33', '2.5.29.36', '2.5.29.46', '2.5.29.54',
  '1.3.6.1.5.5.7.1.1',
]);

const byBuffer = new WeakMap<Buffer, ParsedCert>();
const byId = new Map<string, ParsedCert>();
const CACHE_MAX = 1024;

/** Parses a DER certificate (cached), or returns undefined when it is malformed. */
export function parseCertificate(der: Buffer): ParsedCert | undefined {
  const known = byBuffer.get(der);
  if (known && known.der.equals(der)) return known; // equals(): the caller may have reused the Buffer
  const id = createHash('sha256').update(der).digest('hex');
  let cert = byId.get(id);
  if (cert) {
    byId.delete(id); // re-insert: keeps recently used entries at the end, eviction takes the oldest
  } else {
    cert = parseUncached(Buffer.from(der), id);
    if (!cert) return undefined;
    if (byId.size >= CACHE_MAX) byId.delete(byId.keys().next().value as string);
  }
  byId.set(id, cert);
  byBuffer.set(der, cert);
  return cert;
}

function parseUncached(der: Buffer, id: string): ParsedCert | undefined {
  try {
    const x509 = new X509Certificate(der);
    const asn = AsnConvert.parse(der, Certificate);
    const tbs = asn.tbsCertificate;
    const cert: ParsedCert = {
      der, id, x509,
      subject: formatName(tbs.subject),
      issuer: formatName(tbs.issuer),
      subjectKey: nameKey(tbs.subject),
      issuerKey: nameKey(tbs.issuer),
      serial: serialHex(Buffer.from(tbs.serialNumber)),
      notBefore: tbs.validity.notBefore.getTime(),
      notAfter: tbs.validity.notAfter.getTime(),
      spki: hex(tbs.subjectPublicKeyInfo.subjectPublicKey),
      isCa: false,
      unknownCritical: [],
      selfIssued: false,
      signedBy: new Map(),
    };
    cert.selfIssued = cert.subjectKey === cert.issuerKey;
    for (const ext of tbs.extensions ?? []) {
      const v = ext.extnValue;
      switch (ext.extnID) {
        case id_ce_basicConstraints: {
          const bc = AsnConvert.parse(v, BasicConstraints);
          cert.isCa = bc.cA;
          if (bc.pathLenConstraint !== undefined) cert.pathLen = bc.pathLenConstraint;
          break;
        }
        case id_ce_keyUsage: cert.keyUsage = AsnConvert.parse(v, KeyUsage).toNumber(); break;
        case id_ce_extKeyUsage: cert.eku = [...AsnConvert.parse(v, ExtendedKeyUsage)]; break;
        case id_ce_subjectKeyIdentifier: cert.ski = hex(AsnConvert.parse(v, SubjectKeyIdentifier).buffer); break;
        case id_ce_authorityKeyIdentifier: {
          const kid = AsnConvert.parse(v, AuthorityKeyIdentifier).keyIdentifier;
          if (kid) cert.aki = hex(kid.buffer);
          break;
        }
        default:
          if (ext.critical && !KNOWN_EXTENSIONS.has(ext.extnID)) cert.unknownCritical.push(ext.extnID);
      }
    }
    return cert;
  } catch {
    return undefined; // either parser refused it, or an extension we rely on is malformed
  }
}

const hex = (b: ArrayBuffer): string => Buffer.from(b).toString('hex');

export interface BuiltPath {
  /** Leaf first; ends at the trust anchor when `trusted`. */
  path: ParsedCert[];
  trusted: boolean;
  /** The last certificate of `path` matched as issuer of the one before, but its signature failed. */
  badSignature: boolean;
  /** When not trusted: a sentence naming the issuer that was not found or not trusted. */
  gap: string;
}

/**
 * Depth-first search for a path from `leaf` to a certificate whose id is in `anchorIds`, choosing
 * issuers from `pool` by name (and key identifier when both sides have one, RFC 5280 §4.2.1.1)
 * and then by signature. Several candidates are tried in turn (cross-certificates, re-keyed CAs);
 * a certificate already in the path is never used again, so loops end. When no path reaches an
 * anchor, the longest one found is returned, so the status rules can explain it.
 */
export function buildPath(leaf: ParsedCert, pool: readonly ParsedCert[], anchorIds: ReadonlySet<string>): BuiltPath {
  let budget = 256; // candidate visits: bounds the work a hostile pile of same-named CAs can cause
  const search = (path: ParsedCert[]): BuiltPath => {
    const node = path[path.length - 1] as ParsedCert;
    if (anchorIds.has(node.id)) return { path, trusted: true, badSignature: false, gap: '' };
    if (path.length >= MAX_DEPTH) {
      return { path, trusted: false, badSignature: false, gap: `the chain is longer than ${MAX_DEPTH} certificates` };
    }
    // A candidate with the node's own key adds nothing (it could only lead to what the node's
    // key already leads to), and skipping it stops a self-signed CA from "issuing itself".
    const named = pool.filter((c) => c.subjectKey === node.issuerKey && !path.includes(c) && c.spki !== node.spki);
    const candidates = named.filter((c) => !(node.aki && c.ski && node.aki !== c.ski));
    let best: BuiltPath | undefined;
    let failed: ParsedCert | undefined;
    // Anchors first: the shortest way to a trusted path.
    for (const c of [...candidates].sort((a, b) => Number(anchorIds.has(b.id)) - Number(anchorIds.has(a.id)))) {
      if (--budget < 0) break;
      if (!signatureVerifies(node, c)) {
        failed ??= c;
        continue;
      }
      const r = search([...path, c]);
      if (r.trusted) return r;
      if (!best || r.path.length > best.path.length) best = r;
    }
    if (best) return best;
    if (failed) return { path: [...path, failed], trusted: false, badSignature: true, gap: '' };
    const gap = node.selfIssued
      ? `"${node.subject}" is self-signed and not a trusted root`
      : named.length > candidates.length
        ? `the issuer "${node.issuer}" of "${node.subject}" was found only with another key identifier than ${node.aki}`
        : `the issuer "${node.issuer}" of "${node.subject}" was not found among the intermediates and trusted roots`;
    return { path, trusted: false, badSignature: false, gap };
  };
  return search([leaf]);
}

/** Does `issuer`'s public key verify `child`'s signature? Cached on the child. */
export function signatureVerifies(child: ParsedCert, issuer: ParsedCert): boolean {
  let ok = child.signedBy.get(issuer.id);
  if (ok === undefined) {
    try {
      ok = child.x509.verify(publicKeyOf(issuer));
    } catch {
      ok = false; // unsupported or mismatched key type: not a signature by this issuer
    }
    child.signedBy.set(issuer.id, ok);
  }
  return ok;
}

/** The certificate's public key as a KeyObject, made once. */
export function publicKeyOf(cert: ParsedCert): KeyObject {
  cert.keyObject ??= cert.x509.publicKey;
  return cert.keyObject;
}
