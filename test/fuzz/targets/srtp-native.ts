// Differential SRTP fuzzing: the srtp target's inputs (random, genuine, altered, replayed
// datagrams) protected by the node:crypto transform and fed to two receivers, node:crypto and
// libsrtp2 (src/media/srtp/native-transform.ts). A crash: the two disagree (one accepts what the
// other drops, or they give different plaintexts), libsrtp2 accepts an altered or replayed packet,
// or its unprotect throws. Without the addon (not built, OPENUM_NATIVE=0) each input is a no-op.
import { SrtpError } from '../../../src/media/srtp/errors.js';
import { srtpAddon } from '../../../src/media/srtp/native-binding.js';
import { NativeSrtpTransform } from '../../../src/media/srtp/native-transform.js';
import { SrtpTransform } from '../../../src/media/srtp/srtp-session.js';
import { check, fromJson, toJson, type FuzzTarget } from '../target.js';
import { alter, K1, K2, srtpInput, SUITES, type SrtpInput } from './srtp.js';

const same = (a: Buffer | undefined, b: Buffer | undefined) => (a === undefined ? b === undefined : b !== undefined && a.equals(b));

export const srtpNativeTarget: FuzzTarget<SrtpInput> = {
  name: 'srtp-native',
  describe: 'node:crypto protect, then node:crypto and libsrtp2 unprotect of the srtp inputs must agree (skipped without the addon)',
  weight: 5,
  hangMs: 1000,
  ext: 'json',
  arbitrary: () => srtpInput,
  run: ({ suite, items }) => {
    const addon = srtpAddon();
    if (!addon) return;
    const options = { suite: SUITES[suite]!, localKey: K2, remoteKey: K1 };
    const sender = new SrtpTransform({ ...options, localKey: K1, remoteKey: K2 });
    const js = new SrtpTransform(options);
    const native = new NativeSrtpTransform(addon, options);
    const both = (rtcp: boolean, b: Buffer) => {
      const a = rtcp ? js.unprotectRtcp(b) : js.unprotect(b);
      const n = rtcp ? native.unprotectRtcp(b) : native.unprotect(b);
      check(same(a, n), () => `node:crypto ${a ? 'accepted' : 'dropped'} and libsrtp2 ${n ? 'accepted' : 'dropped'} ${b.toString('hex')}`);
      return n;
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
        if (!sent.equals(sealed)) check(got === undefined, 'libsrtp2 accepted an altered packet');
        else if (got) check(got.equals(it.plain!), 'libsrtp2 gave a plaintext that differs from what was protected');
        if (it.twice) check(both(it.rtcp, sent) === undefined, 'libsrtp2 accepted a replayed packet');
      }
    } finally {
      native.close();
    }
  },
  encode: (i) => toJson(i),
  decode: (b) => fromJson<SrtpInput>(b),
};
