// native/srtpcrypto (native/srtpcrypto/srtp_crypto.c): the StreamCrypto primitives over the
// OpenSSL inside the node binary, with keyed state made once per stream. Its Keys objects are
// StreamCrypto as they are (the same seal/open/close); the addon checks every range itself.
import { loadNative, nativeStatus } from '../native/load-native.js';
import type { SessionKeys } from './kdf.js';
import type { StreamCrypto, StreamCryptoMaker } from './stream-crypto.js';

interface SrtpCryptoAddon {
  Keys: new (encryptionKey: Buffer, salt: Buffer, authKey: Buffer) => StreamCrypto;
  version(): string;
}

export const SRTP_CRYPTO_ADDON = { dir: 'srtpcrypto', target: 'openum_srtpcrypto' } as const;

function addon(): SrtpCryptoAddon | undefined {
  const a = loadNative(SRTP_CRYPTO_ADDON.dir, SRTP_CRYPTO_ADDON.target).addon;
  return a && typeof a.Keys === 'function' && typeof a.version === 'function' ? (a as unknown as SrtpCryptoAddon) : undefined;
}

/** The OpenSSL maker, or undefined (not built, did not load, OPENUM_NATIVE=0). */
export function opensslCrypto(): StreamCryptoMaker | undefined {
  const a = addon();
  if (!a) return undefined;
  return { name: 'openssl', make: (k: SessionKeys) => new a.Keys(k.encryptionKey, k.salt, k.authKey) };
}

/** Why the OpenSSL primitives are or are not in use ('loaded', not built, ...). */
export function opensslCryptoStatus(): string {
  addon();
  return nativeStatus(SRTP_CRYPTO_ADDON.dir, SRTP_CRYPTO_ADDON.target);
}

/** The OpenSSL version the addon runs on (the node binary's), or undefined. */
export function opensslCryptoVersion(): string | undefined {
  return addon()?.version();
}
