// The computed Status of a certificate, as Exchange's Get-ExchangeCertificate shows it, and the
// check behind mutual TLS with SIP peers (VoIP gateways, SBCs): one synchronous function, fast on
// repeat calls because parsed certificates, CRLs and signature results are cached (chain.ts, crl.ts).
//
// This is RFC 5280 §6 path validation, simplified: the path is built by name, key identifier and
// signature (chain.ts); each CA above the leaf must have basicConstraints cA=TRUE, keyCertSign when
// keyUsage is present, and respect pathLenConstraint (§4.2.1.9, §4.2.1.3, §6.1.4 (k)-(n)); name
// constraints and certificate policies are not enforced; revocation uses only the CRLs given
// (§6.3, simplified: no delta CRLs, distribution points or indirect CRLs).
//
// Outcomes, in this precedence: Invalid, Revoked, DateInvalid, Untrusted, Valid.
import type { StatusResult } from './types.js';
import { buildPath, parseCertificate, publicKeyOf } from './chain.js';
import { rawNames } from './der-names.js';
import type { BuiltPath, ParsedCert } from './chain.js';
import { decodeCrl, verifyDecodedCrl } from './crl.js';
import type { DecodedCrl } from './crl.js';

export interface StatusInput {
  /** The certificate to judge, DER. */
  certificate: Buffer;
  /** DER, in any order; irrelevant ones are ignored. */
  intermediates: Buffer[];
  /** DER; a self-signed leaf listed here is trusted as itself. */
  trustedRoots: Buffer[];
  /** DER CRLs; undecodable ones and those not signed by the issuer they name are ignored. */
  crls: Buffer[];
  now?: Date;
  /** Checked against the leaf's extendedKeyUsage when both are present. */
  purpose?: 'serverAuth' | 'clientAuth';
}

const PURPOSE_OIDS = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' } as const;
const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';
const KEY_CERT_SIGN = 32; // asn1-x509 KeyUsageFlags.keyCertSign
const CRL_SIGN = 64; // asn1-x509 KeyUsageFlags.cRLSign

export function computeStatus(input: StatusInput): StatusResult {
  const now = input.now ?? new Date();
  const leaf = parseCertificate(input.certificate);
  if (!leaf) {
    return { status: 'Invalid', reason: 'The certificate is malformed and cannot be decoded.', chain: [input.certificate] };
  }
  // Unparseable roots or intermediates are skipped: they cannot be part of any path. First only
  // the certificates whose subject bytes name an issuer on the way up are decoded; when that finds
  // no trusted path (names encoded differently, say), everything is decoded and tried again.
  let anchors = parseAll(candidates(input.certificate, input.trustedRoots, input.intermediates));
  let pool = dedupe([...parseAll(candidates(input.certificate, input.intermediates, input.trustedRoots)), ...anchors]);
  let built = buildPath(leaf, pool, new Set(anchors.map((a) => a.id)));
  if (!built.trusted) {
    anchors = parseAll(input.trustedRoots);
    pool = dedupe([...parseAll(input.intermediates), ...anchors]);
    built = buildPath(leaf, pool, new Set(anchors.map((a) => a.id)));
  }
  const chain = built.path.map((c) => c.der);
  const verdict = (status: StatusResult['status'], reason: string): StatusResult => ({ status, reason, chain });

  const invalid = invalidReason(built, input.purpose);
  if (invalid) return verdict('Invalid', invalid);
  const revoked = revocationReason(built.path, decodeAll(input.crls));
  if (revoked) return verdict('Revoked', revoked);
  const dated = dateReason(built.path, now);
  if (dated) return verdict('DateInvalid', dated);
  if (!built.trusted) return verdict('Untrusted', sentence(built.gap));
  const anchor = built.path[built.path.length - 1] as ParsedCert;
  return verdict('Valid', anchor === leaf
    ? 'The certificate is itself a trusted root.'
    : `The certificate chains to the trusted root "${anchor.subject}".`);
}

/**
 * The certificates of `from` that can be on a path up from `leaf`: those whose subject is the
 * issuer of the leaf or of another candidate (from `from` or `also`), found by raw name bytes.
 */
function candidates(leaf: Buffer, from: readonly Buffer[], also: readonly Buffer[]): Buffer[] {
  const bySubject = new Map<string, Buffer[]>();
  const names = new Map<Buffer, { issuer: string; subject: string }>();
  for (const der of [...from, ...also]) {
    const n = rawNames(der);
    if (!n) continue;
    names.set(der, n);
    bySubject.set(n.subject, [...(bySubject.get(n.subject) ?? []), der]);
  }
  const wanted = new Set<Buffer>();
  const fromSet = new Set(from);
  let frontier = [rawNames(leaf)?.issuer];
  for (let depth = 0; depth < 8 && frontier.length > 0; depth++) {
    const next: (string | undefined)[] = [];
    for (const issuer of frontier) {
      for (const der of (issuer && bySubject.get(issuer)) || []) {
        if (wanted.has(der)) continue;
        wanted.add(der);
        next.push(names.get(der)?.issuer);
      }
    }
    frontier = next;
  }
  return [...wanted].filter((d) => fromSet.has(d));
}

function parseAll(ders: readonly Buffer[]): ParsedCert[] {
  return ders.map(parseCertificate).filter((c): c is ParsedCert => c !== undefined);
}

function dedupe(certs: ParsedCert[]): ParsedCert[] {
  return [...new Map(certs.map((c) => [c.id, c])).values()];
}

function decodeAll(ders: readonly Buffer[]): DecodedCrl[] {
  const out: DecodedCrl[] = [];
  for (const der of ders) {
    try {
      out.push(decodeCrl(der));
    } catch {
      // A CRL that cannot be decoded revokes nothing; the import path (parseCrl) reports it.
    }
  }
  return out;
}

/** Signature, malformed-extension, CA and purpose failures along the path (§6.1.3, §6.1.4). */
function invalidReason(built: BuiltPath, purpose: StatusInput['purpose']): string | undefined {
  const { path } = built;
  if (built.badSignature) {
    const issuer = path[path.length - 1] as ParsedCert;
    const child = path[path.length - 2] as ParsedCert;
    return `The signature of "${child.subject}" does not verify with the key of its issuer "${issuer.subject}".`;
  }
  for (const cert of path) {
    if (cert.unknownCritical.length) {
      return `"${cert.subject}" has a critical extension that is not recognised (${cert.unknownCritical.join(', ')}).`;
    }
  }
  // Non-self-issued intermediates seen so far, counted from the leaf upward (§4.2.1.9: the
  // leaf and self-issued intermediates do not count against pathLenConstraint).
  let intermediatesBelow = 0;
  for (let i = 1; i < path.length; i++) {
    const ca = path[i] as ParsedCert;
    const issued = (path[i - 1] as ParsedCert).subject;
    if (!ca.isCa) {
      return `"${ca.subject}" issued "${issued}" but is not a CA (basicConstraints cA is not TRUE).`;
    }
    if (ca.keyUsage !== undefined && (ca.keyUsage & KEY_CERT_SIGN) === 0) {
      return `"${ca.subject}" issued "${issued}" but its keyUsage does not allow keyCertSign.`;
    }
    if (ca.pathLen !== undefined && intermediatesBelow > ca.pathLen) {
      return `"${ca.subject}" allows ${ca.pathLen} intermediate CA(s) below it (pathLenConstraint) but the chain has ${intermediatesBelow}.`;
    }
    if (!ca.selfIssued) intermediatesBelow++;
  }
  const leaf = path[0] as ParsedCert;
  if (purpose && leaf.eku && !leaf.eku.includes(PURPOSE_OIDS[purpose]) && !leaf.eku.includes(ANY_EXTENDED_KEY_USAGE)) {
    return `The certificate's extended key usage does not include ${purpose}.`;
  }
  return undefined;
}

/**
 * §6.3 simplified: a certificate in the path is revoked when a CRL whose issuer name is the
 * certificate's issuer, and whose signature verifies with that issuer's key, lists its serial.
 * CRLs from other issuers, or with bad signatures, are ignored (§6.3.3 (b), (f), (g)). A CRL past
 * its nextUpdate is still used: it is stale for "not revoked", but a revocation it lists stays a
 * revocation (RFC 5280 §3.3: revocation is permanent, except certificateHold). The top of the
 * path has no issuer in the path and is not checked (a trust anchor is trusted by configuration).
 */
function revocationReason(path: readonly ParsedCert[], crls: readonly DecodedCrl[]): string | undefined {
  if (crls.length === 0) return undefined;
  for (let i = 0; i + 1 < path.length; i++) {
    const cert = path[i] as ParsedCert;
    const issuer = path[i + 1] as ParsedCert;
    // §6.3.3 (f): a CRL issuer whose keyUsage is present must have cRLSign.
    if (issuer.keyUsage !== undefined && (issuer.keyUsage & CRL_SIGN) === 0) continue;
    for (const crl of crls) {
      if (crl.issuerKey !== cert.issuerKey) continue;
      const revokedAt = crl.bySerial.get(cert.serial);
      if (!revokedAt || !crlSignedBy(crl, issuer)) continue;
      const who = i === 0 ? 'The certificate' : `"${cert.subject}" in the chain`;
      return `${who} (serial ${cert.serial}) was revoked on ${revokedAt.toISOString()} `
        + `according to the CRL of "${crl.issuer}" issued ${crl.thisUpdate.toISOString()}.`;
    }
  }
  return undefined;
}

function crlSignedBy(crl: DecodedCrl, issuer: ParsedCert): boolean {
  let ok = crl.verifiedBy.get(issuer.id);
  if (ok === undefined) {
    ok = verifyDecodedCrl(crl, publicKeyOf(issuer));
    crl.verifiedBy.set(issuer.id, ok);
  }
  return ok;
}

/** §6.1.3 (a)(2): the current time must be within every path certificate's validity period. */
function dateReason(path: readonly ParsedCert[], now: Date): string | undefined {
  for (const [i, cert] of path.entries()) {
    const who = i === 0 ? 'The certificate' : `"${cert.subject}" in the chain`;
    if (now.getTime() > cert.notAfter.getTime()) return `${who} expired on ${cert.notAfter.toISOString()}.`;
    if (now.getTime() < cert.notBefore.getTime()) return `${who} is not valid before ${cert.notBefore.toISOString()}.`;
  }
  return undefined;
}

function sentence(s: string): string {
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;
}
