// Reads what the store and the CLI show about a certificate or a pending request, synchronously
// from DER. Names and extensions come from the ASN.1 (RFC 5280 §4.1, RFC 2986 §4) so the RDN order
// and values are exactly as encoded; node:crypto supplies the signature check and key details.
import { X509Certificate, createHash, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  BasicConstraints, Certificate, Extensions, SubjectAlternativeName,
  id_ce_basicConstraints, id_ce_subjectAltName,
} from '@peculiar/asn1-x509';
import type { Extension, Name } from '@peculiar/asn1-x509';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { OpenUmError } from '../errors.js';
import { formatSubject, typeForOid } from './subject.js';
import type { CertificateInfo, RequestInfo, SubjectAttribute } from './types.js';

/** PKCS#9 extensionRequest (RFC 2985 §5.4.2) and Microsoft's older equivalent, same syntax. */
const EXTENSION_REQUEST_OIDS = ['1.2.840.113549.1.9.14', '1.3.6.1.4.1.311.2.1.14'];

/** "*.contoso.com" style names (RFC 6125 §6.4.3: the wildcard is the whole left-most label). */
export function isWildcardName(name: string): boolean {
  return name.startsWith('*.');
}

/**
 * Runs a reader and turns any parse failure that is not already a coded error into
 * UNRECOGNISED_CERTIFICATE_FILE: malformed input never escapes as a bare Error.
 */
function unrecognised<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (cause) {
    if (cause instanceof OpenUmError) throw cause;
    throw new OpenUmError('UNRECOGNISED_CERTIFICATE_FILE', `the data is not a DER-encoded ${what}`, { cause });
  }
}

export function describeCertificate(der: Buffer): CertificateInfo {
  return unrecognised('X.509 certificate', () => readCertificate(der));
}

export function describeRequest(der: Buffer): RequestInfo {
  return unrecognised('PKCS#10 certificate request', () => readRequest(der));
}

function readCertificate(der: Buffer): CertificateInfo {
  checkSingleDer(der);
  const asn = AsnConvert.parse(der, Certificate);
  const cert = new X509Certificate(der);
  const tbs = asn.tbsCertificate;
  const subjectAttrs = readName(tbs.subject);
  const publicKey = readPublicKey(() => cert.publicKey);
  const key = keyDetails(publicKey);
  const extensions = tbs.extensions ?? [];
  const domains = sanNames(extensions);
  const commonName = lastCn(subjectAttrs);
  const sameName = Buffer.from(AsnConvert.serialize(tbs.subject)).equals(Buffer.from(AsnConvert.serialize(tbs.issuer)));
  const verifies = sameName && verifiesWith(cert, publicKey);
  const bc = findExtension(extensions, id_ce_basicConstraints);
  return {
    thumbprint: sha1(der),
    subject: formatSubject(subjectAttrs),
    issuer: formatSubject(readName(tbs.issuer)),
    commonName,
    domains,
    serialNumber: cert.serialNumber.toUpperCase(),
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    selfSigned: verifies,
    isCa: bc ? AsnConvert.parse(bc.extnValue.buffer, BasicConstraints).cA : false,
    keyAlgorithm: key.algorithm,
    keySize: key.size,
    publicKeySpki: key.spki,
    wildcard: isWildcardName(commonName) || domains.some(isWildcardName),
  };
}

function readRequest(der: Buffer): RequestInfo {
  checkSingleDer(der);
  const asn = AsnConvert.parse(der, CertificationRequest);
  const info = asn.certificationRequestInfo;
  const subjectAttrs = readName(info.subject);
  const spki = Buffer.from(AsnConvert.serialize(info.subjectPKInfo));
  const publicKey = readPublicKey(() => createPublicKey({ key: spki, format: 'der', type: 'spki' }));
  const key = keyDetails(publicKey);
  const extensions: Extension[] = [];
  for (const attr of info.attributes ?? []) {
    if (!EXTENSION_REQUEST_OIDS.includes(attr.type)) continue;
    for (const value of attr.values) extensions.push(...AsnConvert.parse(value, Extensions));
  }
  const domains = sanNames(extensions);
  const commonName = lastCn(subjectAttrs);
  return {
    thumbprint: sha1(der),
    subject: formatSubject(subjectAttrs),
    commonName,
    domains,
    keyAlgorithm: key.algorithm,
    keySize: key.size,
    publicKeySpki: key.spki,
    wildcard: isWildcardName(commonName) || domains.some(isWildcardName),
  };
}

function sha1(der: Buffer): string {
  return createHash('sha1').update(der).digest('hex').toUpperCase();
}

/**
 * The buffer must be exactly one DER SEQUENCE: a parser that stops at the first object would let
 * trailing bytes change the thumbprint without changing what is described.
 */
function checkSingleDer(der: Buffer): void {
  if (der.length < 2 || der[0] !== 0x30) throw new Error('not a DER SEQUENCE');
  const first = der[1] as number;
  let length = first;
  let header = 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4 || der.length < 2 + count) throw new Error('bad DER length');
    length = der.readUIntBE(2, count);
    header += count;
  }
  if (header + length !== der.length) throw new Error('DER length does not match the data');
}

/** Attributes in DER order (most significant first); a multi-valued RDN is flattened. */
function readName(name: Name): SubjectAttribute[] {
  const attrs: SubjectAttribute[] = [];
  for (const rdn of name) {
    for (const atv of rdn) {
      // RFC 4514 §2.4: a value of an unknown string type is shown as '#' and its BER in hex.
      const value = atv.value.anyValue ? `#${Buffer.from(atv.value.anyValue).toString('hex')}` : atv.value.toString();
      attrs.push({ type: typeForOid(atv.type), value });
    }
  }
  return attrs;
}

/** RFC 6125 §6.4.4: when there are several CNs, the most specific (last in DER order) counts. */
function lastCn(attrs: readonly SubjectAttribute[]): string {
  return attrs.filter((a) => a.type === 'CN').at(-1)?.value ?? '';
}

function findExtension(extensions: readonly Extension[], oid: string): Extension | undefined {
  return extensions.find((e) => e.extnID === oid);
}

/** dNSName entries in order, then iPAddress entries as text (RFC 5280 §4.2.1.6). */
function sanNames(extensions: readonly Extension[]): string[] {
  const ext = findExtension(extensions, id_ce_subjectAltName);
  if (!ext) return [];
  const names = AsnConvert.parse(ext.extnValue.buffer, SubjectAlternativeName);
  const dns = names.flatMap((n) => (n.dNSName !== undefined ? [n.dNSName] : []));
  const ips = names.flatMap((n) => (n.iPAddress !== undefined ? [n.iPAddress] : []));
  return [...dns, ...ips];
}

// Named curves Node reports, with their field size in bits.
const CURVE_BITS: Readonly<Record<string, number>> = {
  prime256v1: 256, secp256k1: 256, secp384r1: 384, secp521r1: 521, secp224r1: 224, prime192v1: 192,
};

/** An algorithm OpenSSL cannot check is not proof of self-signing, so a throw counts as false. */
function verifiesWith(cert: X509Certificate, key: KeyObject): boolean {
  try {
    return cert.verify(key);
  } catch {
    return false;
  }
}

/** A key OpenSSL cannot load at all is an unsupported key, not an unreadable file. */
function readPublicKey(load: () => KeyObject): KeyObject {
  try {
    return load();
  } catch (cause) {
    throw new OpenUmError('UNSUPPORTED_KEY', 'the public key cannot be read: use RSA or EC (P-256, P-384, P-521)', { cause });
  }
}

function keyDetails(key: KeyObject): { algorithm: 'RSA' | 'EC'; size: number; spki: Buffer } {
  const spki = key.export({ type: 'spki', format: 'der' });
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' && details.modulusLength !== undefined) {
    return { algorithm: 'RSA', size: details.modulusLength, spki };
  }
  if (key.asymmetricKeyType === 'ec' && details.namedCurve !== undefined) {
    const bits = CURVE_BITS[details.namedCurve] ?? Number(/(\d{3})/.exec(details.namedCurve)?.[1] ?? NaN);
    if (Number.isFinite(bits)) return { algorithm: 'EC', size: bits, spki };
  }
  const what = key.asymmetricKeyType === 'ec' ? `EC curve ${details.namedCurve ?? '(unnamed)'}` : `${key.asymmetricKeyType ?? 'unknown'} key`;
  throw new OpenUmError('UNSUPPORTED_KEY', `the ${what} is not supported: use RSA or EC (P-256, P-384, P-521)`);
}
