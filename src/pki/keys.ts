// RSA key pairs for new certificates and requests, and the one place @peculiar/x509 is bound to
// Node's WebCrypto. Import `x509` from here rather than from '@peculiar/x509' so the provider is set
// and the Reflect polyfill its dependency injection (tsyringe) needs is loaded first.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { OpenUmError } from '../errors.js';
import type { KeySize } from './types.js';

// tsconfig has no DOM lib, so the WebCrypto types come from node:crypto's namespace.
export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto);

export { x509 };

/** Key sizes Exchange's New-ExchangeCertificate offers (-KeySize 1024, 2048, 4096). */
export const KEY_SIZES: readonly KeySize[] = [1024, 2048, 4096];

/** The algorithm new keys are made for: RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 §8.2, RFC 4055). */
export function rsaAlgorithm(modulusLength: KeySize): webcrypto.RsaHashedKeyGenParams {
  return {
    name: 'RSASSA-PKCS1-v1_5',
    modulusLength,
    publicExponent: new Uint8Array([0x01, 0x00, 0x01]), // 65537, RFC 8017 and every CA's expectation
    hash: 'SHA-256',
  };
}

/** Narrows a number to KeySize; throws BAD_KEY_SIZE otherwise. */
export function checkKeySize(size: number): KeySize {
  if (!(KEY_SIZES as readonly number[]).includes(size)) {
    throw new OpenUmError('BAD_KEY_SIZE', `bad key size ${size}: use 1024, 2048 or 4096 bits`);
  }
  return size as KeySize;
}

/** A new extractable RSA key pair able to sign (the certificate or the request itself). */
export async function generateRsaKeyPair(size: number): Promise<CryptoKeyPair> {
  const bits = checkKeySize(size);
  return (await webcrypto.subtle.generateKey(rsaAlgorithm(bits), true, ['sign', 'verify'])) as CryptoKeyPair;
}

/** PKCS#8 PrivateKeyInfo DER (RFC 5208), the form private keys are stored in. */
export async function exportPkcs8(key: CryptoKey): Promise<Buffer> {
  return Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
}

/** SubjectPublicKeyInfo DER (RFC 5280 §4.1.2.7). */
export async function exportSpki(key: CryptoKey): Promise<Buffer> {
  return Buffer.from(await webcrypto.subtle.exportKey('spki', key));
}

/** Imports a PKCS#8 RSA private key for signing with SHA-256 (e.g. a stored key renewing its request). */
export async function importRsaPkcs8(der: Buffer): Promise<CryptoKey> {
  try {
    return await webcrypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['sign']);
  } catch (e) {
    throw new OpenUmError('UNSUPPORTED_KEY', 'the private key is not an RSA PKCS#8 key', { cause: e });
  }
}
