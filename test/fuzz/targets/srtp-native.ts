// Differential SRTP fuzzing: the srtp target's inputs (random, genuine, altered, replayed
// datagrams) protected by the node:crypto transform and fed to the receivers of every
// implementation: node:crypto, libsrtp2 (src/media/srtp/native-transform.ts) and our transform on
// OpenSSL (native/srtpcrypto). A crash: one disagrees with node:crypto (accepts what it drops, or
// gives another plaintext), accepts an altered or replayed packet, or its unprotect throws.
// Without the addons (not built, OPENUM_NATIVE=0) each input is a no-op.
import { SrtpError } from '../../../src/media/srtp/errors.js';
import { srtpAddon } from '../../../src/media/srtp/native-binding.js';
import { opensslCrypto } from '../../../src/media/srtp/native-crypto.js';
import { NativeSrtpTransform } from '../../../src/media/srtp/native-transform.js';
import { SrtpTransform } from '../../../src/media/srtp/srtp-session.js';
import { check, fromJson, toJson, type FuzzTarget } from '../target.js';
import { alter, K1, K2, srtpInput, SUITES, type SrtpInput } from './srtp.js';

const same = (a: Buffer | undefined, b: Buffer | undefined) => (a === undefined ? b === undefined : b !== undefined && a.equals(b));

export const srtpNativeTarget: FuzzTarget<SrtpInput> = {
  name: 'srtp-native',
  describe: 'node:crypto protect, then node:crypto, libsrtp2 and OpenSSL unprotect of the srtp inputs must agree (skipped without the addons)',
  weight: 5,
  hangMs: 1000,
  ext: 'json',
  arbitrary: () => srtpInput,
  run: ({ suite, items }) => {
    const addon = srtpAddon();
    const openssl = opensslCrypto();
    if (!addon && !openssl) return;
    const options = { suite: SUITES[suite]!, localKey: K2, remoteKey: K1 };
    const sender = new SrtpTransform({ ...options, localKey: K1, remoteKey: K2 });
    const js = new SrtpTransform(options);
    const natives = [...(addon ? [new NativeSrtpTransform(addon, options)] : []), ...(openssl ? [new SrtpTransform(options, openssl)] : [])];
    // What node:crypto made of b, after every other receiver was checked to agree with it.
    const both = (rtcp: boolean, b: Buffer) => {
      const a = rtcp ? js.unprotectRtcp(b) : js.unprotect(b);
      for (const native of natives) {
        const n = rtcp ? native.unprotectRtcp(b) : native.unprotect(b);
        check(same(a, n), () => `node:crypto ${a ? 'accepted' : 'dropped'} and ${native.implementation} ${n ? 'accepted' : 'dropped'} ${b.toString('hex')}`);
      }
      return a;
    };
    try {
      for (const it of items) {
        if (it.raw) {
          both(it.rtcp, it.raw);
          if (it.twice) both(!it.rtcp, it.raw);
          continue;
        }
        let sealed: Buffer;
        try {
          sealed = it.rtcp ? sender.protectRtcp(it.plain!) : sender.protect(it.plain!);
        } catch (e) {
          if (e instanceof SrtpError) continue; // BAD_INDEX, as in the srtp target
          throw e;
        }
        const sent = alter(sealed, it);
        const got = both(it.rtcp, sent);
        if (!sent.equals(sealed)) check(got === undefined, 'an altered packet was accepted');
        else if (got) check(got.equals(it.plain!), 'a plaintext differs from what was protected');
        if (it.twice) check(both(it.rtcp, sent) === undefined, 'a replayed packet was accepted');
      }
    } finally {
      for (const native of natives) native.close();
    }
  },
  encode: (i) => toJson(i),
  decode: (b) => fromJson<SrtpInput>(b),
};
