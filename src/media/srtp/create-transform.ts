// The one place that picks the SRTP implementation for a call's media (media-channel.ts, in the
// media thread). In order of preference:
//  1. 'openssl': our RFC 3711 transform (srtp-session.ts) with each packet's AES-CM and HMAC-SHA1
//     done by native/srtpcrypto over the OpenSSL inside the node binary (native-crypto.ts). It
//     needs only the C compiler of `npm install`, and its cost per packet does not grow with the
//     calls in the process;
//  2. 'libsrtp2' through native/srtp, while the process holds fewer than NATIVE_MAX_LIVE libsrtp
//     sessions, for the replay windows it takes;
//  3. 'node:crypto': the same transform as 1 with node:crypto's per-packet objects.
// All keep the same counters, typed errors and replay/ROC behaviour (native-transform.ts lists
// where libsrtp2 differs and why), and each call's transform is independent, so calls on any of
// them can run side by side. OPENUM_NATIVE=0 forces node:crypto; OPENUM_SRTP names one of the
// three to prefer (for measurements; one that is not available falls back down the list).
//
// Why this order (bench/README.md, "SRTP: node:crypto vs libsrtp2" and "SRTP through Node's
// OpenSSL"): Debian's libsrtp2 runs on NSS, which spends most of its instructions in its PKCS#11
// layer and whose time per packet grows with the libsrtp sessions alive in the process (hence
// the bound); node:crypto makes a cipher and an HMAC object per packet. OpenSSL with keyed state
// made once per stream is cheaper than both, with 2 calls or 1,000.
import { opensslCrypto } from './native-crypto.js';
import { srtpAddon, type SrtpAddon } from './native-binding.js';
import { NATIVE_MAX_WINDOW, NativeSrtpTransform } from './native-transform.js';
import { SrtpTransform, type PacketTransform, type SrtpStats, type SrtpTransformOptions } from './srtp-session.js';
import { NODE_CRYPTO } from './stream-crypto.js';
import type { SrtpSuite } from './suites.js';

export type SrtpImplementation = 'openssl' | 'node:crypto' | 'libsrtp2';

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

/** libsrtp sessions (two per call) past which new calls do not use libsrtp2: 512 calls a process. */
export const NATIVE_MAX_LIVE = 1024;

/**
 * The one choice, for createSrtpTransform() and preferredSrtpImplementation(): OPENUM_SRTP's
 * preference, then the order above. `libsrtpTakes` says whether libsrtp2 may take this call.
 */
function choose(libsrtpTakes: (addon: SrtpAddon) => boolean): SrtpImplementation {
  const prefer = process.env.OPENUM_SRTP;
  if (prefer === 'node:crypto') return 'node:crypto';
  const openssl = opensslCrypto() !== undefined;
  if (openssl && prefer !== 'libsrtp2') return 'openssl';
  const addon = srtpAddon();
  if (addon && libsrtpTakes(addon)) return 'libsrtp2';
  return openssl ? 'openssl' : 'node:crypto';
}

/** What a new Secured call gets here (OPENUM_SRTP and the addons; libsrtp2's bound aside). */
export function preferredSrtpImplementation(): SrtpImplementation {
  return choose(() => true);
}

export function createSrtpTransform(options: SrtpTransformOptions, maxLive: number = NATIVE_MAX_LIVE): SrtpStream {
  // Both suites of suites.ts are libsrtp policies (srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80/_32).
  const which = choose((addon) => (options.replayWindow ?? 0) <= NATIVE_MAX_WINDOW && addon.live() + 2 <= maxLive);
  const addon = srtpAddon();
  const openssl = opensslCrypto();
  if (which === 'libsrtp2' && addon) return new NativeSrtpTransform(addon, options);
  return new SrtpTransform(options, which === 'openssl' && openssl ? openssl : NODE_CRYPTO);
}
