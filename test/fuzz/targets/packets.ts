// Arbitraries for valid RTP and RTCP packets (serialized by our own codecs), the seeds that the
// binary mutation fuzzer starts from and the genuine packets the SRTP target protects.
import fc from 'fast-check';
import { RtcpCompound, type RtcpPacket } from '../../../src/media/rtp/rtcp-packet.js';
import { RtpPacket } from '../../../src/media/rtp/rtp-packet.js';

const u32 = fc.nat({ max: 0xffffffff });
const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
const words = (max: number) => fc.nat({ max }).chain((n) => fc.uint8Array({ minLength: 4 * n, maxLength: 4 * n })).map((a) => Buffer.from(a));

export const rtpPacket: fc.Arbitrary<Buffer> = fc.record({
  marker: fc.boolean(),
  payloadType: fc.oneof(fc.constantFrom(0, 8, 101), fc.nat({ max: 127 })),
  sequenceNumber: fc.nat({ max: 0xffff }),
  timestamp: u32,
  ssrc: u32,
  csrcs: fc.array(u32, { maxLength: 15 }),
  extension: fc.option(fc.record({ profile: fc.nat({ max: 0xffff }), data: words(4) }), { nil: undefined }),
  payload: fc.oneof(bytes(172), fc.constant(Buffer.from([1, 0x8a, 0x03, 0x20]))),
  padding: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 255 }) }),
}).map((init) => new RtpPacket(init).serialize());

const block = fc.record({
  ssrc: u32, fractionLost: fc.nat({ max: 255 }), cumulativeLost: fc.integer({ min: -0x800000, max: 0x7fffff }),
  highestSequence: u32, jitter: u32, lsr: u32, dlsr: u32,
});
const text = fc.string({ maxLength: 40 });
const rtcp: fc.Arbitrary<RtcpPacket> = fc.oneof(
  fc.record({ kind: fc.constant('sr' as const), ssrc: u32, ntpSeconds: u32, ntpFraction: u32, rtpTimestamp: u32, packetCount: u32, octetCount: u32, reports: fc.array(block, { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('rr' as const), ssrc: u32, reports: fc.array(block, { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('sdes' as const), chunks: fc.array(fc.record({ source: u32, items: fc.array(fc.record({ type: fc.integer({ min: 1, max: 8 }), text }), { maxLength: 3 }) }), { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('bye' as const), sources: fc.array(u32, { maxLength: 4 }), reason: fc.option(text, { nil: undefined }) }),
  fc.record({ kind: fc.constant('other' as const), packetType: fc.integer({ min: 192, max: 223 }), count: fc.nat({ max: 31 }), body: words(8) }),
);

export const rtcpCompound: fc.Arbitrary<Buffer> = fc.array(rtcp, { minLength: 1, maxLength: 4 }).map((ps) => {
  try {
    return new RtcpCompound(ps).serialize();
  } catch {
    return Buffer.from([0x80, 0xc9, 0x00, 0x01, 0, 0, 0, 1]); // an arbitrary we did not shape well: an empty RR
  }
});

/** Fixed samples of each, for the mutation fuzzer's seeds. */
export const rtpSeeds = (): Buffer[] => fc.sample(rtpPacket, { seed: 1, numRuns: 64 });
export const rtcpSeeds = (): Buffer[] => fc.sample(rtcpCompound, { seed: 2, numRuns: 64 });
