// Reads PKCS#12/PFX files (RFC 7292). node-forge supplies the ASN.1 parser and the ciphers: the
// legacy RC2-40/3DES PKCS#12 PBE schemes (which OpenSSL 3, and so Node's TLS, only load with the
// legacy provider) and PBES2 (RFC 8018). The rest is done here rather than by
// forge.pkcs12.pkcs12FromAsn1, for three reasons:
//  - the MAC is checked first with node:crypto, so a wrong password is reported before anything
//    is decrypted, and an empty password can be tried in both of its encodings;
//  - forge re-encodes the certificates it parses, which can change their bytes (and thumbprint),
//    while the cert bags here are cut out exactly as stored;
//  - forge hands one password string to every cipher, but PBES2 wants UTF-8 octets and the
//    PKCS#12 KDF wants characters, so a non-ASCII password would fail one or the other.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import type forge from 'node-forge';
import { OpenUmError } from '../errors.js';

export interface PfxContents {
  certificates: Buffer[];
  /** PKCS#8 PrivateKeyInfo DER as stored in the key bag (decrypted), any key type. */
  privateKey?: Buffer;
  friendlyName?: string;
}

/** Digests the MAC may use, by OID, with the block size the RFC 7292 Appendix B KDF needs. */
export const PFX_MAC_DIGESTS: Record<string, { name: string; blockSize: number }> = {
  '1.3.14.3.2.26': { name: 'sha1', blockSize: 64 },
  '2.16.840.1.101.3.4.2.4': { name: 'sha224', blockSize: 64 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', blockSize: 64 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', blockSize: 128 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', blockSize: 128 },
};

/**
 * RFC 7292 Appendix B.1: the KDF takes the password as a NUL-terminated BMPString (UTF-16BE).
 * `null` is the "no password" of B.1 (zero bytes), which some tools use for an empty password.
 */
export function bmpPassword(password: string | null): Buffer {
  if (password === null) return Buffer.alloc(0);
  const le = Buffer.from(`${password}\0`, 'utf16le');
  return Buffer.from(le.swap16());
}

/** RFC 7292 Appendix B.2 key derivation; `id` 3 makes a MAC key (1 and 2 are for legacy PBE). */
export function pkcs12Kdf(digest: string, blockSize: number, password: Buffer, salt: Buffer, id: number, iterations: number, size: number): Buffer {
  const v = blockSize;
  const repeat = (src: Buffer): Buffer => {
    const out = Buffer.alloc(v * Math.ceil(src.length / v));
    for (let i = 0; i < out.length; i++) out[i] = src[i % src.length] ?? 0;
    return out;
  };
  const I = Buffer.concat([repeat(salt), repeat(password)]);
  const D = Buffer.alloc(v, id);
  const parts: Buffer[] = [];
  for (let produced = 0; produced < size;) {
    let A = Buffer.concat([D, I]);
    // Step 6a: A_i = H^r(D || I), a plain hash iterated r times.
    for (let r = 0; r < iterations; r++) A = createHash(digest).update(A).digest();
    parts.push(A);
    produced += A.length;
    // Steps 6b-6c: B = A repeated to v bytes; each v-byte block of I becomes (I_j + B + 1) mod 2^(8v).
    const B = repeat(A).subarray(0, v);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = (I[j + k] ?? 0) + (B[k] ?? 0) + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(parts).subarray(0, size);
}

/** More MAC iterations than any tool writes; a bound so a hostile file cannot stall the server. */
const MAX_ITERATIONS = 10_000_000;

/** HMAC of the AuthenticatedSafe octets as RFC 7292 §5 describes (key length = digest length). */
export function pfxMac(oid: string, password: string | null, salt: Buffer, iterations: number, authSafe: Buffer): Buffer {
  const d = PFX_MAC_DIGESTS[oid];
  if (!d) throw new OpenUmError('UNRECOGNISED_CERTIFICATE_FILE', `the PFX file's MAC uses an unknown digest (${oid}): re-export it with SHA-256 or SHA-1`);
  if (!(iterations >= 1 && iterations <= MAX_ITERATIONS)) throw notPfx(`its MAC iteration count ${iterations} is out of range`);
  const size = createHash(d.name).digest().length;
  const key = pkcs12Kdf(d.name, d.blockSize, bmpPassword(password), salt, 3, iterations, size);
  return createHmac(d.name, key).update(authSafe).digest();
}

// node-forge (one large bundle) is loaded on the first PFX read, not by every process that
// imports pki/ (every CLI command and server process).
let forgeLib: typeof forge | undefined;
const lib = (): typeof forge => (forgeLib ??= createRequire(import.meta.url)('node-forge') as typeof forge);

type Asn1 = forge.asn1.Asn1;
interface ForgeCipher { update(data: forge.util.ByteBuffer): void; finish(): boolean; output: forge.util.ByteBuffer }
// forge's typings omit pki.pbe; getCipher picks PBES2 (RFC 8018) or the RFC 7292 Appendix C PBE schemes.
const pbe = (): { getCipher(oid: string, params: Asn1, password: string | undefined): ForgeCipher } =>
  (lib().pki as unknown as { pbe: { getCipher(oid: string, params: Asn1, password: string | undefined): ForgeCipher } }).pbe;

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  pbes2: '1.2.840.113549.1.5.13',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
} as const;

const kids = (n: Asn1 | undefined): Asn1[] => (n && Array.isArray(n.value) ? n.value : []);
const oidOf = (n: Asn1 | undefined): string => (n && typeof n.value === 'string' && n.type === lib().asn1.Type.OID ? lib().asn1.derToOid(n.value) : '');
// BER lets an OCTET STRING be sent in constructed chunks (Windows does this), so concatenate them.
const octets = (n: Asn1 | undefined): Buffer =>
  !n ? Buffer.alloc(0) : Array.isArray(n.value) ? Buffer.concat(n.value.map(octets)) : Buffer.from(n.value, 'binary');
const der = (n: Asn1): Buffer => Buffer.from(lib().asn1.toDer(n).getBytes(), 'binary');

function fromBer(bytes: Buffer): Asn1 {
  return lib().asn1.fromDer(lib().util.createBuffer(bytes.toString('binary')), false);
}

function notPfx(why: string): OpenUmError {
  return new OpenUmError('UNRECOGNISED_CERTIFICATE_FILE', `the file is not a readable PKCS#12/PFX file (${why}): export it again as PEM, DER, PKCS#7 or PFX`);
}
/** A cipher's padding check failed: the password is wrong (or the file damaged). */
class DecryptFailed extends Error {}

/** Password as the cipher expects it: PBES2 (RFC 8018) takes UTF-8 octets, the PKCS#12 PBE KDF takes characters. */
function pbePassword(algOid: string, password: string | null): string | undefined {
  if (algOid === OID.pbes2) return lib().util.encodeUtf8(password ?? '');
  return password ?? undefined;
}

function decrypt(alg: Asn1 | undefined, encrypted: Buffer, password: string | null): Buffer {
  const algOid = oidOf(kids(alg)[0]);
  const params = kids(alg)[1];
  if (!params) throw notPfx(`encryption algorithm ${algOid} has no parameters`);
  let cipher: ForgeCipher;
  try {
    cipher = pbe().getCipher(algOid, params, pbePassword(algOid, password));
  } catch (e) {
    throw notPfx(`node-forge cannot decrypt ${algOid || 'an unknown algorithm'}: ${(e as Error).message}`);
  }
  cipher.update(lib().util.createBuffer(encrypted.toString('binary')));
  if (!cipher.finish()) throw new DecryptFailed();
  return Buffer.from(cipher.output.getBytes(), 'binary');
}

interface Bag { type: string; value: Buffer; friendlyName?: string; localKeyId?: string }

/** Walks a SafeContents (RFC 7292 §4.2), decrypting shrouded keys and descending into nested bags. */
function readSafeContents(bytes: Buffer, password: string | null, out: Bag[]): void {
  let root: Asn1;
  try { root = fromBer(bytes); } catch { throw new DecryptFailed(); }
  for (const bag of kids(root)) {
    const [idNode, wrapper, attrs] = kids(bag);
    const type = oidOf(idNode);
    const value = kids(wrapper)[0];
    if (!value) continue;
    const found: Bag = { type, value: Buffer.alloc(0) };
    for (const attr of kids(attrs)) {
      const [attrId, values] = kids(attr);
      const first = kids(values)[0];
      if (oidOf(attrId) === OID.friendlyName && typeof first?.value === 'string') found.friendlyName = first.value;
      if (oidOf(attrId) === OID.localKeyId && first) found.localKeyId = octets(first).toString('hex');
    }
    if (type === OID.keyBag) found.value = der(value);
    else if (type === OID.shroudedKeyBag) {
      const [alg, data] = kids(value);
      found.value = decrypt(alg, octets(data), password);
      // Without a MAC a wrong password can still pass the padding check (1 time in 256): the
      // result is then not a PrivateKeyInfo SEQUENCE.
      try { fromBer(found.value); } catch { throw new DecryptFailed(); }
    } else if (type === OID.certBag) {
      const [certId, certWrap] = kids(value);
      if (oidOf(certId) !== OID.x509Certificate) continue; // SDSI certificates are not X.509: skip them.
      found.value = octets(kids(certWrap)[0]);
    } else if (type === OID.safeContentsBag) {
      readSafeContents(der(value), password, out);
      continue;
    } else continue; // CRL and secret bags carry nothing an import needs.
    out.push(found);
  }
}

/** Opens the AuthenticatedSafe (RFC 7292 §4.1): each ContentInfo is plain Data or password EncryptedData. */
function readAuthSafe(authSafe: Buffer, password: string | null): Bag[] {
  const bags: Bag[] = [];
  let root: Asn1;
  try { root = fromBer(authSafe); } catch { throw notPfx('the AuthenticatedSafe is not valid ASN.1'); }
  for (const info of kids(root)) {
    const [typeNode, explicit] = kids(info);
    const type = oidOf(typeNode);
    const content = kids(explicit)[0];
    if (type === OID.data) readSafeContents(octets(content), password, bags);
    else if (type === OID.encryptedData) {
      // EncryptedData (RFC 5652 §8): version, EncryptedContentInfo { contentType, algorithm, [0] IMPLICIT content }.
      const [, eci] = kids(content);
      const [, alg, encrypted] = kids(eci);
      readSafeContents(decrypt(alg, octets(encrypted), password), password, bags);
    } else throw notPfx('part of it is protected with a public key (EnvelopedData), which is not supported');
  }
  return bags;
}

interface Outer { authSafe: Buffer; mac?: { oid: string; digest: Buffer; salt: Buffer; iterations: number } }

/** PFX ::= SEQUENCE { version 3, authSafe ContentInfo (Data), macData MacData OPTIONAL } (RFC 7292 §4). */
function readOuter(data: Buffer): Outer {
  let root: Asn1;
  try { root = fromBer(data); } catch { throw notPfx('it is not valid ASN.1'); }
  const [version, authSafe, macData] = kids(root);
  if (version?.type !== lib().asn1.Type.INTEGER || !authSafe) throw notPfx('it does not have the PFX structure');
  const [typeNode, explicit] = kids(authSafe);
  if (oidOf(typeNode) !== OID.data) throw notPfx('it uses public-key integrity mode, only password integrity is supported');
  const outer: Outer = { authSafe: octets(kids(explicit)[0]) };
  if (macData) {
    const [digestInfo, salt, iterations] = kids(macData);
    const [alg, digest] = kids(digestInfo);
    const iterHex = typeof iterations?.value === 'string' ? lib().util.bytesToHex(iterations.value) : '01';
    outer.mac = { oid: oidOf(kids(alg)[0]), digest: octets(digest), salt: octets(salt), iterations: parseInt(iterHex, 16) };
  }
  return outer;
}

/**
 * Reads certificates, the private key (PKCS#8 DER) and its friendly name from a PFX.
 * Certificates are returned byte for byte as stored, in file order.
 */
export function readPfx(data: Buffer, password: string | undefined): PfxContents {
  const { authSafe, mac } = readOuter(data);
  // RFC 7292 B.1 lets an empty password be encoded as an empty BMPString (two NUL bytes) or as
  // nothing at all; tools differ, so both are tried, and a file with an empty password opens without one.
  let candidates: (string | null)[] = password === undefined || password === '' ? ['', null] : [password];
  if (mac) {
    const { oid, digest, salt, iterations } = mac;
    const matches = (p: string | null): boolean => {
      const computed = pfxMac(oid, p, salt, iterations, authSafe);
      return computed.length === digest.length && timingSafeEqual(computed, digest);
    };
    const good = candidates.find(matches);
    if (good === undefined) {
      if (password === undefined) throw new OpenUmError('PASSWORD_REQUIRED', 'the PFX file is password-protected', { cli: ': give its password with --password', api: ': give it in password' });
      throw new OpenUmError('BAD_PASSWORD', "the PFX password is wrong (could not verify the file's MAC)", { cli: ': check the password given with --password', api: ': check password' });
    }
    candidates = [good];
  }
  let bags: Bag[] | undefined;
  for (const p of candidates) {
    try {
      bags = readAuthSafe(authSafe, p);
      break;
    } catch (e) {
      if (!(e instanceof DecryptFailed)) throw e;
    }
  }
  if (!bags) {
    if (mac) throw notPfx('its MAC verifies but its contents do not decrypt with the same password');
    if (password === undefined) throw new OpenUmError('PASSWORD_REQUIRED', 'the PFX file is password-protected', { cli: ': give its password with --password', api: ': give it in password' });
    throw new OpenUmError('BAD_PASSWORD', 'the PFX password is wrong (its contents do not decrypt)', { cli: ': check the password given with --password', api: ': check password' });
  }
  return collect(bags);
}

function collect(bags: Bag[]): PfxContents {
  const key = bags.find((b) => b.type === OID.keyBag || b.type === OID.shroudedKeyBag);
  const certs = bags.filter((b) => b.type === OID.certBag);
  // The friendly name is on the key bag and the leaf's cert bag (`openssl pkcs12 -name`); CA
  // certificates may carry their own (`-caname`), which is not the bundle's name.
  const leafBag = key?.localKeyId ? certs.find((c) => c.localKeyId === key.localKeyId) : certs.length === 1 ? certs[0] : undefined;
  const friendlyName = key?.friendlyName ?? leafBag?.friendlyName;
  const result: PfxContents = { certificates: certs.map((c) => c.value) };
  if (key) result.privateKey = key.value;
  if (friendlyName !== undefined) result.friendlyName = friendlyName;
  return result;
}
