// Writes a PKCS#12/PFX file (RFC 7292) the way `openssl pkcs12 -export` does by default in
// OpenSSL 3: PBES2 (RFC 8018) with PBKDF2-HMAC-SHA256 and AES-256-CBC for both the shrouded key
// bag and the certificates' EncryptedData, and an HMAC-SHA256 MAC keyed with the RFC 7292
// Appendix B KDF. Such a file opens in OpenSSL 3, Node's TLS and Windows 10 1709+ without any
// legacy algorithm. node-forge is deliberately not used here: it only reads.
import { createCipheriv, createHash, pbkdf2Sync, randomBytes } from 'node:crypto';
import { AuthenticatedSafe, CertBag, MacData, PFX, PKCS12Attribute, PKCS8ShroudedKeyBag, SafeBag, SafeContents } from '@peculiar/asn1-pfx';
import { ContentInfo, EncryptedContent, EncryptedContentInfo } from '@peculiar/asn1-cms';
import { AsnConvert, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { pfxMac } from './pfx-read.js';

export interface WritePfxOptions {
  /** PKCS#8 DER. */
  privateKey: Buffer;
  /** DER certificates, leaf first. */
  certificates: Buffer[];
  password: string;
  friendlyName?: string;
}

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacWithSha256: '1.2.840.113549.2.9',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  sha256: '2.16.840.1.101.3.4.2.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
} as const;

/** PKCS12_DEFAULT_ITER in OpenSSL: used for PBKDF2 and for the MAC. */
const ITERATIONS = 2048;
const DER_NULL = new Uint8Array([0x05, 0x00]).buffer;

// The peculiar packages have no PBES2 or CMS EncryptedData classes. Their schema decorators are
// plain functions, so they are applied by hand (this project does not enable decorator syntax).

/** PBKDF2-params (RFC 8018 §A.2); keyLength is left out since AES-256 fixes it, as OpenSSL does. */
class Pbkdf2Params {
  salt = new OctetString();
  iterationCount = 0;
  prf = new AlgorithmIdentifier();
}
AsnProp({ type: OctetString })(Pbkdf2Params.prototype, 'salt');
AsnProp({ type: AsnPropTypes.Integer })(Pbkdf2Params.prototype, 'iterationCount');
AsnProp({ type: AlgorithmIdentifier })(Pbkdf2Params.prototype, 'prf');
AsnType({ type: AsnTypeTypes.Sequence })(Pbkdf2Params);

/** PBES2-params (RFC 8018 §A.4). */
class Pbes2Params {
  keyDerivationFunc = new AlgorithmIdentifier();
  encryptionScheme = new AlgorithmIdentifier();
}
AsnProp({ type: AlgorithmIdentifier })(Pbes2Params.prototype, 'keyDerivationFunc');
AsnProp({ type: AlgorithmIdentifier })(Pbes2Params.prototype, 'encryptionScheme');
AsnType({ type: AsnTypeTypes.Sequence })(Pbes2Params);

/** EncryptedData (RFC 5652 §8), version 0 since there are no unprotected attributes. */
class CmsEncryptedData {
  version = 0;
  encryptedContentInfo = new EncryptedContentInfo();
}
AsnProp({ type: AsnPropTypes.Integer })(CmsEncryptedData.prototype, 'version');
AsnProp({ type: EncryptedContentInfo })(CmsEncryptedData.prototype, 'encryptedContentInfo');
AsnType({ type: AsnTypeTypes.Sequence })(CmsEncryptedData);

const toBuffer = (ab: ArrayBuffer): Buffer => Buffer.from(ab);
const toArrayBuffer = (b: Buffer): ArrayBuffer => new Uint8Array(b).buffer;

/** PBES2 encryption with a fresh salt and IV; returns the AlgorithmIdentifier and ciphertext. */
function pbes2Encrypt(plain: Buffer, password: string): { algorithm: AlgorithmIdentifier; encrypted: Buffer } {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  // RFC 8018 leaves the password encoding open; OpenSSL (and so every reader that matters) uses UTF-8.
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, ITERATIONS, 32, 'sha256');
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const encrypted = Buffer.concat([cipher.update(plain), cipher.final()]);
  const kdf = new Pbkdf2Params();
  kdf.salt = new OctetString(salt);
  kdf.iterationCount = ITERATIONS;
  kdf.prf = new AlgorithmIdentifier({ algorithm: OID.hmacWithSha256, parameters: DER_NULL });
  const params = new Pbes2Params();
  params.keyDerivationFunc = new AlgorithmIdentifier({ algorithm: OID.pbkdf2, parameters: AsnConvert.serialize(kdf) });
  params.encryptionScheme = new AlgorithmIdentifier({ algorithm: OID.aes256Cbc, parameters: AsnConvert.serialize(new OctetString(iv)) });
  return { algorithm: new AlgorithmIdentifier({ algorithm: OID.pbes2, parameters: AsnConvert.serialize(params) }), encrypted };
}

/** Raw DER TLV for the few universal types the attributes need (lengths stay below 2^16). */
function derTlv(tag: number, body: Buffer): Buffer {
  const len = body.length < 0x80 ? [body.length] : body.length < 0x100 ? [0x81, body.length] : [0x82, body.length >> 8, body.length & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
}

function attribute(attrId: string, value: Buffer): PKCS12Attribute {
  // PKCS12Attribute's constructor ignores its argument, so the fields are set one by one.
  const attr = new PKCS12Attribute();
  attr.attrId = attrId;
  attr.attrValues = [toArrayBuffer(value)];
  return attr;
}

/** friendlyName is a BMPString (RFC 7292 §4.2, PKCS#9), localKeyId an OCTET STRING. */
function bagAttributes(localKeyId: Buffer, friendlyName: string | undefined): PKCS12Attribute[] {
  const attrs: PKCS12Attribute[] = [];
  if (friendlyName) attrs.push(attribute(OID.friendlyName, derTlv(0x1e, Buffer.from(friendlyName, 'utf16le').swap16())));
  attrs.push(attribute(OID.localKeyId, derTlv(0x04, localKeyId)));
  return attrs;
}

function safeBag(bagId: string, value: ArrayBuffer, attributes?: PKCS12Attribute[]): SafeBag {
  const bag = new SafeBag({ bagId, bagValue: value });
  if (attributes) bag.bagAttributes = attributes;
  return bag;
}

/** Builds a PFX holding the key and certificates, protected by `password`. */
export function writePfx(opts: WritePfxOptions): Buffer {
  const [leaf] = opts.certificates;
  if (!leaf) throw new Error('writePfx needs at least the leaf certificate');
  // OpenSSL's localKeyId is the SHA-1 of the leaf certificate; it pairs the key bag with its certificate.
  const localKeyId = createHash('sha1').update(leaf).digest();
  const friendlyName = opts.friendlyName || undefined;

  const certBags = opts.certificates.map((der, i) => {
    const certBag = new CertBag({ certId: OID.x509Certificate, certValue: AsnConvert.serialize(new OctetString(der)) });
    return safeBag(OID.certBag, AsnConvert.serialize(certBag), i === 0 ? bagAttributes(localKeyId, friendlyName) : undefined);
  });
  const certPlain = toBuffer(AsnConvert.serialize(new SafeContents(certBags)));
  const certEnc = pbes2Encrypt(certPlain, opts.password);
  const encryptedData = new CmsEncryptedData();
  encryptedData.encryptedContentInfo = new EncryptedContentInfo({
    contentType: OID.data,
    contentEncryptionAlgorithm: certEnc.algorithm,
    encryptedContent: new EncryptedContent({ value: new OctetString(certEnc.encrypted) }),
  });

  const keyEnc = pbes2Encrypt(opts.privateKey, opts.password);
  const shrouded = new PKCS8ShroudedKeyBag({ encryptionAlgorithm: keyEnc.algorithm, encryptedData: new OctetString(keyEnc.encrypted) });
  const keyContents = new SafeContents([safeBag(OID.shroudedKeyBag, AsnConvert.serialize(shrouded), bagAttributes(localKeyId, friendlyName))]);

  // Same order as OpenSSL: the encrypted certificates first, then the key in plain Data (the key bag is encrypted itself).
  const authSafe = toBuffer(AsnConvert.serialize(new AuthenticatedSafe([
    new ContentInfo({ contentType: OID.encryptedData, content: AsnConvert.serialize(encryptedData) }),
    new ContentInfo({ contentType: OID.data, content: AsnConvert.serialize(new OctetString(toBuffer(AsnConvert.serialize(keyContents)))) }),
  ])));

  const macSalt = randomBytes(16);
  const macData = new MacData({ macSalt: new OctetString(macSalt), iterations: ITERATIONS });
  macData.mac.digestAlgorithm = new AlgorithmIdentifier({ algorithm: OID.sha256, parameters: DER_NULL });
  macData.mac.digest = new OctetString(pfxMac(OID.sha256, opts.password, macSalt, ITERATIONS, authSafe));

  const pfx = new PFX({
    version: 3,
    authSafe: new ContentInfo({ contentType: OID.data, content: AsnConvert.serialize(new OctetString(authSafe)) }),
    macData,
  });
  return toBuffer(AsnConvert.serialize(pfx));
}
