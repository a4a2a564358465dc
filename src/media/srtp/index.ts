// SRTP for Secured dial plans: SDES key exchange (RFC 4568) and the SRTP/SRTCP transform
// (RFC 3711) that the RTP session calls through its protect/unprotect hook.
export { SrtpError, type SrtpErrorCode } from './errors.js';
export { chooseCrypto, cryptoLines, evaluateCrypto, generateCrypto, parseCryptoLine } from './sdes.js';
export type { ChosenCrypto, CryptoAttribute, CryptoOffer, CryptoVerdict, GeneratedCrypto } from './sdes.js';
export { SrtpTransform, type PacketTransform, type SrtpStats, type SrtpTransformOptions } from './srtp-session.js';
export { SUITES, isSupportedSuite, type SrtpSuite } from './suites.js';
export { createSrtpTransform, nativeSrtpAvailable, preferredSrtpImplementation, type SrtpImplementation, type SrtpStream } from './create-transform.js';
export { NativeSrtpTransform } from './native-transform.js';
