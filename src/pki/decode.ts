// Works out what a file given to `import` holds (PEM, DER certificate, PKCS#7 .p7b or PKCS#12
// .pfx) and returns its certificates (leaf first, then the chain upward) and private key (PKCS#8
// DER). Certificates are kept byte for byte, since their SHA-1 is the thumbprint users compare.
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { OpenUmError } from '../errors.js';
import { pemBlocks, toPem } from './pem.js';
import type { PemBlock } from './pem.js';
import { readPfx } from './pfx-read.js';
import type { DecodedBundle } from './types.js';

const ACCEPTED = 'PEM (CERTIFICATE, PKCS7 and PRIVATE KEY blocks), a DER certificate, DER PKCS#7 (.p7b) or PKCS#12 (.pfx/.p12)';
const unrecognised = (what: string): OpenUmError =>
  new OpenUmError('UNRECOGNISED_CERTIFICATE_FILE', `${what}: give a certificate file in one of the accepted formats, ${ACCEPTED}`);

interface Found { format: DecodedBundle['format']; certificates: Buffer[]; key?: KeyObject; friendlyName?: string }

/** Decodes a certificate file, decrypting an encrypted key or a PFX with `password`. */
export function decodeCertificateFile(data: Buffer, password?: string): DecodedBundle {
  if (data.length === 0) throw unrecognised('the file is empty');
  const text = data.toString('latin1');
  let found: Found;
  if (text.includes('-----BEGIN ')) found = fromPem(text, password);
  else if (data[0] === 0x30) found = fromDer(data, password);
  else if (/^[A-Za-z0-9+/=\s]+$/.test(text) && text.trim().startsWith('MI')) {
    // Bare base64 is ambiguous (which label?), and RFC 7468 requires the armour, so it is refused.
    throw unrecognised('the file is base64 text without PEM armour (no -----BEGIN ...----- line)');
  } else throw unrecognised(looksLikeText(data) ? 'the file is text with no PEM block in it' : 'the file is not certificate data');
  return arrange(found);
}

function looksLikeText(data: Buffer): boolean {
  return !data.subarray(0, 4096).some((b) => b < 0x09 || (b > 0x0d && b < 0x20));
}

// ---- DER (X.690): just enough TLV reading to sniff the structure and cut out certificates exactly.

interface Tlv { tag: number; start: number; body: number; end: number }

/** Reads the TLV at `at`; returns undefined for anything that is not definite-length DER within `buf`. */
function tlv(buf: Buffer, at: number, limit = buf.length): Tlv | undefined {
  const tag = buf[at];
  let len = buf[at + 1];
  if (tag === undefined || len === undefined || (tag & 0x1f) === 0x1f) return undefined;
  let body = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[body++] ?? NaN);
  }
  const end = body + len;
  return Number.isNaN(end) || end > limit ? undefined : { tag, start: at, body, end };
}

function children(buf: Buffer, node: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = node.body; at < node.end;) {
    const child = tlv(buf, at, node.end);
    if (!child) return [];
    out.push(child);
    at = child.end;
  }
  return out;
}

/** First element inside the outer SEQUENCE; BER indefinite length is allowed here because some PFX writers use it. */
function firstInner(data: Buffer): Tlv | undefined {
  if (data[0] !== 0x30) return undefined;
  if (data[1] === 0x80) return tlv(data, 2);
  const outer = tlv(data, 0);
  return outer ? tlv(data, outer.body, outer.end) : undefined;
}

const SIGNED_DATA_OID = Buffer.from('06092a864886f70d010702', 'hex'); // 1.2.840.113549.1.7.2

/**
 * Certificates of a PKCS#7 SignedData (RFC 2315 §9.1, RFC 5652 §5.1): ContentInfo { contentType,
 * [0] EXPLICIT SignedData { version, digestAlgorithms, contentInfo, [0] IMPLICIT certificates, ... } }.
 * A .p7b is a "degenerate" SignedData with no signers; only the certificates matter.
 */
function pkcs7Certificates(data: Buffer): Buffer[] {
  const outer = tlv(data, 0);
  const [type, explicit] = outer ? children(data, outer) : [];
  if (!type || !explicit || !data.subarray(type.start, type.end).equals(SIGNED_DATA_OID)) {
    throw unrecognised('the file is PKCS#7 but not SignedData (a .p7b certificate bundle)');
  }
  const signedData = children(data, explicit)[0];
  const certSet = signedData ? children(data, signedData).find((c) => c.tag === 0xa0) : undefined;
  // CertificateChoices: a plain SEQUENCE is an X.509 certificate; older [1]..[3] choices are skipped.
  return certSet ? children(data, certSet).filter((c) => c.tag === 0x30).map((c) => Buffer.from(data.subarray(c.start, c.end))) : [];
}

function fromDer(data: Buffer, password: string | undefined): Found {
  const inner = firstInner(data);
  if (inner?.tag === 0x30) {
    if (tlv(data, 0)?.end !== data.length) throw unrecognised('the file looks like a DER certificate but has extra or missing bytes');
    return { format: 'DER', certificates: [data] };
  }
  if (inner?.tag === 0x06) return { format: 'PKCS7', certificates: pkcs7Certificates(data) };
  if (inner?.tag === 0x02) {
    // PFX version is 3 (RFC 7292 §4); PKCS#8, PKCS#1 and SEC1 keys start with 0 or 1.
    if (inner.end - inner.body === 1 && data[inner.body] === 3) {
      const pfx = readPfx(data, password);
      const found: Found = { format: 'PKCS12', certificates: pfx.certificates };
      if (pfx.privateKey) found.key = pkcs8Key(pfx.privateKey, 'the private key in the PFX file');
      if (pfx.friendlyName) found.friendlyName = pfx.friendlyName;
      return found;
    }
    if (derKey(data)) throw new OpenUmError('NO_CERTIFICATE_IN_FILE', 'the file holds only a DER private key and no certificate: import the certificate file (or a PFX holding both)');
  }
  throw unrecognised('the file is binary ASN.1 but not a certificate, PKCS#7 or PKCS#12 structure');
}

function derKey(data: Buffer): KeyObject | undefined {
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try { return createPrivateKey({ key: data, format: 'der', type }); } catch { /* try the next encoding */ }
  }
  return undefined;
}

// ---- PEM (RFC 7468)

const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
const KEY_LABELS = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']);

function fromPem(text: string, password: string | undefined): Found {
  const blocks = pemBlocks(text);
  const certificates: Buffer[] = [];
  const keys: PemBlock[] = [];
  let pkcs7Only = true;
  for (const b of blocks) {
    if (CERT_LABELS.has(b.label)) {
      // OpenSSL's TRUSTED CERTIFICATE appends trust settings after the certificate: keep the certificate.
      const cert = tlv(b.der, 0);
      if (cert) certificates.push(b.der.subarray(cert.start, cert.end));
      pkcs7Only = false;
    } else if (b.label === 'PKCS7') certificates.push(...pkcs7Certificates(b.der));
    else if (KEY_LABELS.has(b.label)) { keys.push(b); pkcs7Only = false; }
  }
  if (certificates.length === 0 && keys.length === 0) {
    const labels = [...new Set(blocks.map((b) => b.label))].join(', ');
    throw unrecognised(labels ? `the PEM file has no certificate or key blocks (only ${labels})` : 'the file has no complete PEM block');
  }
  if (keys.length > 1) throw unrecognised(`the PEM file holds ${keys.length} private keys, one is expected`);
  const found: Found = { format: pkcs7Only ? 'PKCS7' : 'PEM', certificates };
  if (keys[0]) found.key = pemKey(keys[0], password);
  return found;
}

function pemKey(block: PemBlock, password: string | undefined): KeyObject {
  const legacyEncrypted = (block.headers['Proc-Type'] ?? '').includes('ENCRYPTED');
  if (block.label === 'ENCRYPTED PRIVATE KEY' || legacyEncrypted) {
    if (password === undefined) throw new OpenUmError('PASSWORD_REQUIRED', `the ${block.label} block is encrypted`, { cli: ': give its password with --password', api: ': give it in password' });
    let key: KeyObject;
    try {
      key = block.label === 'ENCRYPTED PRIVATE KEY'
        ? createPrivateKey({ key: block.der, format: 'der', type: 'pkcs8', passphrase: password })
        : createPrivateKey({ key: withHeaders(block), format: 'pem', passphrase: password }); // RFC 1421 DEK-Info encryption
    } catch (e) {
      throw new OpenUmError('BAD_PASSWORD', `the password does not decrypt the ${block.label} block`, { cause: e, cli: ': check the password given with --password', api: ': check password' });
    }
    return supported(key);
  }
  const type = block.label === 'RSA PRIVATE KEY' ? 'pkcs1' : block.label === 'EC PRIVATE KEY' ? 'sec1' : 'pkcs8';
  try {
    return supported(createPrivateKey({ key: block.der, format: 'der', type }));
  } catch (e) {
    if (e instanceof OpenUmError) throw e;
    throw new OpenUmError('UNSUPPORTED_KEY', `the ${block.label} block cannot be read as a private key: give an RSA or EC key in PKCS#8 or traditional PEM`, { cause: e });
  }
}

function withHeaders(block: PemBlock): string {
  const [begin = '', ...rest] = toPem(block.label, block.der).split('\n');
  const headers = Object.entries(block.headers).map(([k, v]) => `${k}: ${v}`);
  return [begin, ...headers, '', ...rest].join('\n');
}

function pkcs8Key(der: Buffer, what: string): KeyObject {
  try {
    return supported(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
  } catch (e) {
    if (e instanceof OpenUmError) throw e;
    throw new OpenUmError('UNSUPPORTED_KEY', `${what} cannot be read as a PKCS#8 private key: export the key as RSA or EC`, { cause: e });
  }
}

function supported(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'ec') return key;
  throw new OpenUmError('UNSUPPORTED_KEY', `the private key is ${key.asymmetricKeyType ?? 'of an unknown type'}, which is not supported: use an RSA or EC key`);
}

// ---- ordering

function arrange(found: Found): DecodedBundle {
  const seen = new Set<string>();
  const certs: { der: Buffer; x509: X509Certificate }[] = [];
  for (const der of found.certificates) {
    const hex = der.toString('hex');
    if (seen.has(hex)) continue;
    seen.add(hex);
    try {
      certs.push({ der: Buffer.from(der), x509: new X509Certificate(der) });
    } catch (e) {
      throw new OpenUmError('UNRECOGNISED_CERTIFICATE_FILE', `a certificate in the file cannot be parsed (${(e as Error).message}): export the certificate again`, { cause: e });
    }
  }
  if (certs.length === 0) {
    throw new OpenUmError('NO_CERTIFICATE_IN_FILE', found.key
      ? 'the file holds a private key but no certificate: import a file that also contains the certificate (PEM with both blocks, or a PFX)'
      : 'the file holds no certificate: give the certificate file issued by the certification authority');
  }
  // A certificate issued another one in the file when the other names it as issuer (name and key
  // identifiers, as OpenSSL's X509_check_issued) and its signature verifies with this key.
  const issued = (child: X509Certificate, parent: X509Certificate): boolean => {
    if (child === parent || !child.checkIssued(parent)) return false;
    try { return child.verify(parent.publicKey); } catch { return false; }
  };
  let leaf: (typeof certs)[number] | undefined;
  let privateKey: Buffer | undefined;
  if (found.key) {
    const spki = createPublicKey(found.key).export({ type: 'spki', format: 'der' });
    leaf = certs.find((c) => c.x509.publicKey.export({ type: 'spki', format: 'der' }).equals(spki));
    if (!leaf) throw new OpenUmError('KEY_MISMATCH', 'the private key in the file does not belong to any certificate in it: put the matching key and certificate together');
    privateKey = found.key.export({ type: 'pkcs8', format: 'der' });
  } else {
    leaf = certs.find((c) => !certs.some((o) => issued(o.x509, c.x509))) ?? certs[0];
  }
  const ordered = [leaf];
  const rest = certs.filter((c) => c !== leaf);
  for (let current = leaf; current;) {
    const from: X509Certificate = current.x509;
    const parent = rest.find((c) => issued(from, c.x509));
    if (parent) { ordered.push(parent); rest.splice(rest.indexOf(parent), 1); }
    current = parent;
  }
  const bundle: DecodedBundle = { certificates: [...ordered, ...rest].flatMap((c) => (c ? [c.der] : [])), format: found.format };
  if (privateKey) bundle.privateKey = privateKey;
  if (found.friendlyName) bundle.friendlyName = found.friendlyName;
  return bundle;
}
