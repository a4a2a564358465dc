// Certificate revocation lists (RFC 5280 §5): decoding, and checking the issuer's signature.
// Decoding is done once per distinct CRL (cached by content), because computeStatus looks CRLs
// up on every TLS handshake with a SIP peer.
import { X509Certificate, createHash, verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificateList, CRLReason, CRLReasons, id_ce_cRLReasons } from '@peculiar/asn1-x509';
import type { Extension, Name } from '@peculiar/asn1-x509';
import { OpenUmError } from '../errors.js';
import { pemBlocks } from './pem.js';

export interface RevokedEntry {
  /** Upper-case hex without leading zeros ("0" for zero), as computeStatus prints serials. */
  serialNumber: string;
  revokedAt: Date;
}

export interface ParsedCrl {
  der: Buffer;
  /** Issuer as a comma-separated X.500 string, most significant first. */
  issuer: string;
  thisUpdate: Date;
  nextUpdate?: Date;
  revoked: RevokedEntry[];
}

/** ParsedCrl plus what signature checks and lookups need; used by the status rules. */
export interface DecodedCrl extends ParsedCrl {
  /** DER of the issuer Name, re-encoded, for comparison with a certificate's subject. */
  issuerKey: string;
  tbs: Buffer;
  signature: Buffer;
  signatureAlgorithm: string;
  bySerial: Map<string, Date>;
  /** Signature results by issuer certificate id (see chain.ts ParsedCert.id), filled lazily. */
  verifiedBy: Map<string, boolean>;
}

/** Decodes a CRL given as PEM ("X509 CRL") or DER. Throws BAD_CRL when it is neither. */
export function parseCrl(data: Buffer): ParsedCrl {
  const { der, issuer, thisUpdate, nextUpdate, revoked } = decodeCrl(toDer(data));
  return nextUpdate ? { der, issuer, thisUpdate, nextUpdate, revoked } : { der, issuer, thisUpdate, revoked };
}

/**
 * True when the CRL's signature verifies with the public key of `issuerCertDer`. Only the
 * signature is checked: callers compare issuer names (computeStatus does, RFC 5280 §6.3.3 (b)).
 * Throws BAD_CRL for an undecodable CRL, UNRECOGNISED_CERTIFICATE_FILE for an undecodable issuer.
 */
export function verifyCrlSignature(crlDer: Buffer, issuerCertDer: Buffer): boolean {
  const crl = decodeCrl(toDer(crlDer));
  let key: KeyObject;
  try {
    key = new X509Certificate(issuerCertDer).publicKey;
  } catch (e) {
    throw new OpenUmError('UNRECOGNISED_CERTIFICATE_FILE', 'The CRL issuer certificate is not a DER X.509 certificate.', { cause: e });
  }
  return verifyDecodedCrl(crl, key);
}

/** Signature check on an already decoded CRL; false (never a throw) for unsupported algorithms. */
export function verifyDecodedCrl(crl: DecodedCrl, key: KeyObject): boolean {
  const hash = SIGNATURE_HASHES[crl.signatureAlgorithm];
  // RSASSA-PSS (1.2.840.113549.1.1.10) is not listed: its parameters are not decoded here, so such
  // a CRL never verifies and is ignored.
  if (hash === undefined) return false;
  try {
    return cryptoVerify(hash, crl.tbs, key, crl.signature);
  } catch {
    return false; // key type does not match the algorithm: not a valid signature by this key
  }
}

// RFC 5280 §4.1.1.2 / RFC 3279, RFC 4055, RFC 5758, RFC 8410 signature algorithm identifiers
// and their digests; null is for EdDSA, which node:crypto verifies without a separate digest.
const SIGNATURE_HASHES: Record<string, string | null> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null,
  '1.3.101.113': null,
};

// Same two-level cache as chain.ts: by the caller's Buffer (CRLs come from a store loaded once),
// then by SHA-256 of the content.
const byBuffer = new WeakMap<Buffer, DecodedCrl>();
const byId = new Map<string, DecodedCrl>();
const CACHE_MAX = 256;

/** Decodes DER into a DecodedCrl, reusing an earlier decoding of the same bytes. */
export function decodeCrl(der: Buffer): DecodedCrl {
  const known = byBuffer.get(der);
  if (known && known.der.equals(der)) return known; // equals(): the caller may have reused the Buffer
  const id = createHash('sha256').update(der).digest('hex');
  let crl = byId.get(id);
  if (!crl) {
    crl = decodeUncached(Buffer.from(der)); // own copy, for the same reason
    if (byId.size >= CACHE_MAX) byId.delete(byId.keys().next().value as string);
    byId.set(id, crl);
  }
  byBuffer.set(der, crl);
  return crl;
}

function decodeUncached(der: Buffer): DecodedCrl {
  let list: CertificateList;
  try {
    list = AsnConvert.parse(der, CertificateList);
  } catch (e) {
    throw new OpenUmError('BAD_CRL', 'The data is not a DER or PEM certificate revocation list.', { cause: e });
  }
  const tbs = list.tbsCertList;
  if (!list.tbsCertListRaw) throw new OpenUmError('BAD_CRL', 'The certificate revocation list has no signed part.');
  const revoked: RevokedEntry[] = [];
  const bySerial = new Map<string, Date>();
  for (const entry of tbs.revokedCertificates ?? []) {
    // RFC 5280 §5.3.1: removeFromCRL only appears in delta CRLs and un-revokes; it is not a revocation.
    if (entryReason(entry.crlEntryExtensions) === CRLReasons.removeFromCRL) continue;
    const serialNumber = serialHex(Buffer.from(entry.userCertificate));
    const revokedAt = entry.revocationDate.getTime();
    revoked.push({ serialNumber, revokedAt });
    bySerial.set(serialNumber, revokedAt);
  }
  const nextUpdate = tbs.nextUpdate?.getTime();
  return {
    der,
    issuer: formatName(tbs.issuer),
    thisUpdate: tbs.thisUpdate.getTime(),
    ...(nextUpdate ? { nextUpdate } : {}),
    revoked,
    issuerKey: nameKey(tbs.issuer),
    tbs: Buffer.from(list.tbsCertListRaw),
    signature: Buffer.from(list.signature),
    signatureAlgorithm: list.signatureAlgorithm.algorithm,
    bySerial,
    verifiedBy: new Map(),
  };
}

function entryReason(exts: Extension[] | undefined): number | undefined {
  const ext = exts?.find((e) => e.extnID === id_ce_cRLReasons);
  if (!ext) return undefined;
  try {
    return AsnConvert.parse(ext.extnValue, CRLReason).reason;
  } catch {
    return undefined; // an unreadable reason code still leaves the entry a revocation
  }
}

/** DER as is; PEM (RFC 7468 §5, label "X509 CRL") is unwrapped. DER starts with 0x30, never text. */
function toDer(data: Buffer): Buffer {
  if (data[0] === 0x30) return data;
  const block = pemBlocks(data.toString('latin1')).find((b) => b.label === 'X509 CRL');
  if (!block) throw new OpenUmError('BAD_CRL', 'The data is neither a DER CRL nor PEM with an "X509 CRL" block.');
  return block.der;
}

/** Serial number bytes as upper-case hex without leading zeros (RFC 5280 §4.1.2.2 INTEGER). */
export function serialHex(bytes: Buffer): string {
  return bytes.toString('hex').toUpperCase().replace(/^0+(?=.)/, '');
}

/** A comparison key for a Name: its DER as re-encoded by asn1-schema, in hex. */
export function nameKey(name: Name): string {
  return Buffer.from(AsnConvert.serialize(name)).toString('hex');
}

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'S', '2.5.4.10': 'O', '2.5.4.11': 'OU',
  '2.5.4.5': 'SERIALNUMBER', '1.2.840.113549.1.9.1': 'E', '0.9.2342.19200300.100.1.25': 'DC',
};

/** "C=IT, O=Contoso, CN=Root", most significant RDN first, as in types.ts CertificateInfo.subject. */
export function formatName(name: Name): string {
  return name
    .flatMap((rdn) => rdn.map((atv) => `${SHORT_NAMES[atv.type] ?? atv.type}=${atv.value.toString()}`))
    .join(', ');
}
