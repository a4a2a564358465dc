// The one place that picks the SRTP implementation for a call's media (media-channel.ts, in the
// media thread): libsrtp2 through native/srtp when the addon is built and loads, the options are
// ones it takes, and the process holds fewer than NATIVE_MAX_LIVE libsrtp sessions; else the
// JavaScript transform on node:crypto. Both keep the same counters, typed errors and replay/ROC
// behaviour (native-transform.ts lists where they differ and why), and each call's transform is
// independent, so calls on either can run side by side. OPENUM_NATIVE=0 forces JavaScript.
//
// Why a bound (bench/README.md, "SRTP: node:crypto vs libsrtp2"): Debian's libsrtp2 runs on NSS,
// whose time per packet grows with the libsrtp sessions alive in the process. The addon now
// initializes NSS with large hash tables (native/srtp/srtp_addon.c), which took one pair with 500
// others alive from 44-76 us to 8.7 us, but the growth is not gone: in the micro-benchmark
// libsrtp2 needs 2.1x less CPU than node:crypto with 2 calls' worth of sessions and 1.3x less with
// 1,000. Through the whole media path (bench/media-path.mjs MP_SRTP=1) it saved ~45 % of SRTP's
// cost with 40 calls and was level with node:crypto at 100 and 250. Past the bound, new calls go
// to node:crypto.
import { srtpAddon } from './native-binding.js';
import { NATIVE_MAX_WINDOW, NativeSrtpTransform } from './native-transform.js';
import { SrtpTransform, type PacketTransform, type SrtpStats, type SrtpTransformOptions } from './srtp-session.js';
import type { SrtpSuite } from './suites.js';

export type SrtpImplementation = 'node:crypto' | 'libsrtp2';

/** What a media channel holds: the RTP session's hook plus counters and an explicit close. */
export interface SrtpStream extends PacketTransform {
  readonly suite: SrtpSuite;
  readonly implementation: SrtpImplementation;
  stats(): SrtpStats;
  close(): void;
}

/** True when the libsrtp2 addon is loaded in this thread. */
export function nativeSrtpAvailable(): boolean {
  return srtpAddon() !== undefined;
}

/** libsrtp sessions (two per call) past which new calls use node:crypto: 512 calls a process. */
export const NATIVE_MAX_LIVE = 1024;

export function createSrtpTransform(options: SrtpTransformOptions, maxLive: number = NATIVE_MAX_LIVE): SrtpStream {
  const addon = srtpAddon();
  // Both suites of suites.ts are libsrtp policies (srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80/_32).
  if (addon && (options.replayWindow ?? 0) <= NATIVE_MAX_WINDOW && addon.live() + 2 <= maxLive) {
    return new NativeSrtpTransform(addon, options);
  }
  return new SrtpTransform(options);
}
