// The SDES crypto suites we implement (RFC 4568 §6.2): both are AES-128 in counter mode with
// HMAC-SHA1, a 128-bit master key and a 112-bit master salt. They differ only in the SRTP tag:
// _80 sends 80 bits, _32 sends 32 bits; SRTCP is always authenticated with the 80-bit tag
// (RFC 4568 §6.2.2, as libsrtp's aes_cm_128_hmac_sha1_32 policy does).

export type SrtpSuite = 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';

export interface SuiteParams {
  readonly keyLength: 16;
  readonly saltLength: 14;
  /** HMAC-SHA1 output truncated to this many bytes on SRTP packets (RFC 3711 §4.2.1). */
  readonly srtpTagLength: number;
  /** ... and on SRTCP packets. */
  readonly srtcpTagLength: 10;
}

export const SUITES: Readonly<Record<SrtpSuite, SuiteParams>> = Object.freeze({
  AES_CM_128_HMAC_SHA1_80: Object.freeze({ keyLength: 16, saltLength: 14, srtpTagLength: 10, srtcpTagLength: 10 }),
  AES_CM_128_HMAC_SHA1_32: Object.freeze({ keyLength: 16, saltLength: 14, srtpTagLength: 4, srtcpTagLength: 10 }),
});

/** Master key || master salt, as carried base64-encoded in an SDES inline: key parameter. */
export const MASTER_LENGTH = 30;

export function isSupportedSuite(name: string): name is SrtpSuite {
  return Object.prototype.hasOwnProperty.call(SUITES, name);
}
