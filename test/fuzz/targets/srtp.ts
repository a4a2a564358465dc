// SRTP/SRTCP unprotect (src/media/srtp, RFC 3711) on random datagrams and on genuine protected
// packets, some altered (bits flipped, cut) and some delivered twice. unprotect() must return the
// plaintext or undefined and never throw; it catches internally and counts, so the target calls
// the inner unprotectRtp/unprotectSrtcp to see what that catch would hide. A crash: an exception
// there, an altered packet accepted (§3.3: authentication covers every byte), a replayed packet
// accepted (§3.3.2), or a genuine one whose plaintext differs from what was protected.
import fc from 'fast-check';
import { SrtpError } from '../../../src/media/srtp/errors.js';
import { SrtpTransform } from '../../../src/media/srtp/srtp-session.js';
import type { SrtpSuite } from '../../../src/media/srtp/suites.js';
import { check, fromJson, toJson, type FuzzTarget } from '../target.js';
import { rtcpCompound, rtpPacket } from './packets.js';

export interface SrtpItem {
  rtcp: boolean;
  /** A datagram sent as is (no protect); else `plain` is protected first. */
  raw?: Buffer;
  plain?: Buffer;
  /** [position, xor] pairs applied to the protected packet; xor 0 is skipped. */
  flips: Array<[number, number]>;
  /** Keep only this many bytes of the protected packet. */
  cut?: number;
  twice: boolean;
}

export interface SrtpInput {
  suite: 0 | 1;
  items: SrtpItem[];
}

interface Inner {
  unprotectRtp(b: Buffer): Buffer | undefined;
  unprotectSrtcp(b: Buffer): Buffer | undefined;
}

export const SUITES: SrtpSuite[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'];
export const K1 = Buffer.alloc(30, 0x11);
export const K2 = Buffer.alloc(30, 0x22);

export function alter(p: Buffer, item: SrtpItem): Buffer {
  let out = Buffer.from(p);
  for (const [pos, x] of item.flips) if (x !== 0 && out.length > 0) out[pos % out.length]! ^= x;
  if (item.cut !== undefined) out = out.subarray(0, item.cut % (out.length + 1));
  return out;
}

const item: fc.Arbitrary<SrtpItem> = fc.oneof(
  fc.record({ rtcp: fc.boolean(), raw: fc.uint8Array({ maxLength: 120 }).map((a) => Buffer.from(a)), flips: fc.constant([] as Array<[number, number]>), twice: fc.boolean() }),
  fc.record({
    rtcp: fc.constant(false), plain: rtpPacket, twice: fc.boolean(),
    flips: fc.array(fc.tuple(fc.nat({ max: 400 }), fc.nat({ max: 255 })), { maxLength: 3 }),
    cut: fc.option(fc.nat({ max: 400 }), { nil: undefined, freq: 4 }),
  }),
  fc.record({
    rtcp: fc.constant(true), plain: rtcpCompound, twice: fc.boolean(),
    flips: fc.array(fc.tuple(fc.nat({ max: 400 }), fc.nat({ max: 255 })), { maxLength: 3 }),
    cut: fc.option(fc.nat({ max: 400 }), { nil: undefined, freq: 4 }),
  }),
);

export const srtpInput: fc.Arbitrary<SrtpInput> = fc.record({
  suite: fc.constantFrom(0 as const, 1 as const),
  items: fc.array(item, { minLength: 1, maxLength: 6 }),
});

export const srtpTarget: FuzzTarget<SrtpInput> = {
  name: 'srtp',
  describe: 'SrtpTransform unprotect/unprotectRtcp on random, genuine, altered and replayed packets (both suites)',
  weight: 10,
  hangMs: 1000,
  ext: 'json',
  arbitrary: () => srtpInput,
  run: ({ suite, items }) => {
    const sender = new SrtpTransform({ suite: SUITES[suite]!, localKey: K1, remoteKey: K2 });
    const receiver = new SrtpTransform({ suite: SUITES[suite]!, localKey: K2, remoteKey: K1 });
    const inner = receiver as unknown as Inner;
    const open = (rtcp: boolean, b: Buffer) => (rtcp ? inner.unprotectSrtcp(b) : inner.unprotectRtp(b));
    for (const it of items) {
      if (it.raw) {
        open(it.rtcp, it.raw);
        if (it.twice) open(!it.rtcp, it.raw);
        continue;
      }
      let sealed: Buffer;
      try {
        sealed = it.rtcp ? sender.protectRtcp(it.plain!) : sender.protect(it.plain!);
      } catch (e) {
        if (e instanceof SrtpError) continue; // BAD_INDEX: a sequence number before the first sent
        throw e;
      }
      const sent = alter(sealed, it);
      const got = open(it.rtcp, sent);
      if (!sent.equals(sealed)) check(got === undefined, 'an altered packet was accepted');
      else if (got) check(got.equals(it.plain!), 'the plaintext differs from what was protected');
      if (it.twice) check(open(it.rtcp, sent) === undefined, 'a replayed packet was accepted');
    }
  },
  encode: (i) => toJson(i),
  decode: (b) => fromJson<SrtpInput>(b),
};
