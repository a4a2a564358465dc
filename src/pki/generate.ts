// New self-signed certificates and PKCS#10 requests, as Exchange's New-ExchangeCertificate makes
// them: an RSA key, SHA-256, the subject as written, and SANs with the CN first.
import { randomBytes } from 'node:crypto';
import { OpenUmError } from '../errors.js';
import { exportPkcs8, generateRsaKeyPair, x509 } from './keys.js';
import type { CryptoKey } from './keys.js';
import { commonNameOf, toNameParams, validateDomain } from './subject.js';
import type { KeySize, SubjectAttribute } from './types.js';

export interface SelfSignedOptions {
  subject: SubjectAttribute[];
  domains: string[];
  keySize: KeySize;
  /** Validity in years from `now` (default 5, as Exchange's self-signed certificates). */
  years?: number;
  now?: Date;
}

export interface RequestOptions {
  subject: SubjectAttribute[];
  domains: string[];
  keySize: KeySize;
}

/** Clock skew allowance: a peer whose clock is a little behind still accepts the certificate. */
const BACKDATE_MS = 5 * 60 * 1000;

/** An @peculiar/x509 Name in the order written (that order is the DER RDNSequence order). */
export function toX509Name(subject: readonly SubjectAttribute[]): x509.Name {
  return new x509.Name(toNameParams(subject));
}

/**
 * The dNSName list for the SAN extension: the CN first when it is a DNS name (RFC 6125 §6.4.4:
 * clients that find a SAN ignore the CN, so the CN must be repeated there), then each domain,
 * lower-cased and without case-insensitive duplicates. Throws BAD_DOMAIN for a bad domain.
 */
export function sanList(subject: readonly SubjectAttribute[], domains: readonly string[]): string[] {
  const names: string[] = [];
  const cn = commonNameOf(subject);
  if (cn !== '') {
    try {
      names.push(validateDomain(cn));
    } catch {
      // A CN such as "Contoso UM" is not a host name; it simply stays out of the SAN.
    }
  }
  for (const d of domains) {
    const name = validateDomain(d);
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** Extensions both the certificate and the request carry (RFC 5280 §4.2.1.3, §4.2.1.6, §4.2.1.12). */
function usageExtensions(names: readonly string[]): x509.Extension[] {
  const extensions: x509.Extension[] = [
    // digitalSignature for (EC)DHE key exchange, keyEncipherment for RSA key transport in TLS.
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    // A UM certificate serves both ends of mutual TLS (SIP/TLS between UM servers and gateways).
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
  ];
  // RFC 5280 §4.2.1.6: an empty SAN is not allowed, so it is left out when no name qualifies.
  if (names.length > 0) {
    extensions.unshift(new x509.SubjectAlternativeNameExtension(names.map((value) => ({ type: 'dns' as const, value }))));
  }
  return extensions;
}

/** A random positive 16-byte serial (RFC 5280 §4.1.2.2: positive, at most 20 octets, unpredictable
 * per CA/Browser Forum BR §7.1). The top bit is cleared and the next set so DER keeps 16 bytes. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] as number) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

function addYears(date: Date, years: number): Date {
  const d = new Date(date.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

/** A self-signed X.509 v3 certificate and its PKCS#8 private key, both DER. */
export async function createSelfSigned(opts: SelfSignedOptions): Promise<{ certificate: Buffer; privateKey: Buffer }> {
  const years = opts.years ?? 5;
  if (!Number.isInteger(years) || years < 1 || years > 100) {
    throw new OpenUmError('BAD_ARGUMENT', `bad validity of ${years} years: use a whole number from 1 to 100`);
  }
  const name = toX509Name(opts.subject);
  const names = sanList(opts.subject, opts.domains);
  const keys = await generateRsaKeyPair(opts.keySize);
  // Whole seconds: UTCTime/GeneralizedTime in DER carry no fractions (RFC 5280 §4.1.2.5.1/.2).
  const now = new Date(Math.floor((opts.now ?? new Date()).getTime() / 1000) * 1000);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: addYears(now, years),
    keys,
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    extensions: [
      ...usageExtensions(names),
      // RFC 5280 §4.2.1.9: an end-entity certificate; critical so no one treats it as a CA.
      new x509.BasicConstraintsExtension(false, undefined, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as CryptoKey),
      // Self-signed, so the authority key is its own (RFC 5280 §4.2.1.1).
      await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey as CryptoKey),
    ],
  });
  return { certificate: Buffer.from(certificate.rawData), privateKey: await exportPkcs8(keys.privateKey) };
}

/**
 * A PKCS#10 request (RFC 2986) signed with SHA-256, whose extensionRequest attribute (RFC 2985
 * §5.4.2) asks for the same SANs, keyUsage and extendedKeyUsage as a self-signed certificate.
 */
export async function createRequest(opts: RequestOptions): Promise<{ request: Buffer; privateKey: Buffer }> {
  const name = toX509Name(opts.subject);
  const names = sanList(opts.subject, opts.domains);
  const keys = await generateRsaKeyPair(opts.keySize);
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name,
    keys,
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    extensions: usageExtensions(names),
  });
  return { request: Buffer.from(request.rawData), privateKey: await exportPkcs8(keys.privateKey) };
}
