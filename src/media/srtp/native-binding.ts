// The shape of native/srtp (libsrtp2 through N-API, native/srtp/srtp_addon.c) and its loader.
import { loadNative } from '../native/load-native.js';

/**
 * One libsrtp session for one direction. Each call writes its result into `out` (allocated by
 * the caller, from Node's pool) and returns its length, or a negative NATIVE_STATUS.
 */
export interface SrtpAddonContext {
  protect(packet: Buffer, out: Buffer): number;
  unprotect(packet: Buffer, out: Buffer): number;
  protectRtcp(packet: Buffer, out: Buffer): number;
  unprotectRtcp(packet: Buffer, out: Buffer): number;
  close(): void;
}

export interface SrtpAddon {
  Context: new (tagBits: 80 | 32, master: Buffer, outbound: boolean, window: number, maxSsrcs: number) => SrtpAddonContext;
  /** Copies packet into out and returns the length: the N-API crossing alone (bench/srtp.mjs). */
  echo(packet: Buffer, out: Buffer): number;
  version(): string;
  /** libsrtp sessions alive in the process (all threads): two per NativeSrtpTransform. */
  live(): number;
}

/** -1..-999: minus libsrtp's srtp_err_status_t (srtp2/srtp.h); below: the addon's own. */
export const NATIVE_STATUS = Object.freeze({
  BAD_PARAM: -2,
  AUTH_FAIL: -7,
  REPLAY_FAIL: -9,
  REPLAY_OLD: -10,
  KEY_EXPIRED: -15,
  BAD_INDEX: -1001, // protect(): SEQ before the first packet sent (negative index, §3.3.1)
  TOO_LONG: -1002,
  TOO_SHORT: -1003,
  OUT_TOO_SMALL: -1004,
});

export const SRTP_ADDON = { dir: 'srtp', target: 'openum_srtp' } as const;

/** The addon, or undefined (not built, OPENUM_NATIVE=0, or libsrtp2 missing at run time). */
export function srtpAddon(): SrtpAddon | undefined {
  return loadNative(SRTP_ADDON.dir, SRTP_ADDON.target).addon as SrtpAddon | undefined;
}
