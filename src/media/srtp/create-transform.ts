// The one place that picks the SRTP implementation for a call's media (media-channel.ts, in the
// media thread): libsrtp2 through native/srtp when the addon is built and loads and the options
// are ones it takes, else the JavaScript transform on node:crypto. Both keep the same counters,
// typed errors and replay/ROC behaviour (native-transform.ts lists where they differ and why);
// bench/README.md, "SRTP: node:crypto vs libsrtp2", has the figures behind the preference.
// OPENUM_NATIVE=0 forces JavaScript (src/media/native/load.ts).
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

export function createSrtpTransform(options: SrtpTransformOptions): SrtpStream {
  const addon = srtpAddon();
  // Both suites of suites.ts are libsrtp policies (srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80/_32).
  if (addon && (options.replayWindow ?? 0) <= NATIVE_MAX_WINDOW) return new NativeSrtpTransform(addon, options);
  return new SrtpTransform(options);
}
