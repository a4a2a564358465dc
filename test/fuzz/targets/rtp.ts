// RTP decoding (src/media/rtp): RtpPacket.deSerialize, peekRtp, and the receive statistics a
// session keeps (trackPacket, RFC 3550 A.1/A.8), over a few packets in a row. Allowed: a packet
// or MediaPacketError. A crash: any other exception, a parsed packet whose payload is not inside
// the datagram, one that does not survive serialize → deSerialize, or statistics gone non-finite.
import fc from 'fast-check';
import { isMediaPacketError } from '../../../src/media/rtp/errors.js';
import { trackPacket, type ReceiveStats } from '../../../src/media/rtp/receive-stats.js';
import { peekRtp, RtpPacket } from '../../../src/media/rtp/rtp-packet.js';
import { mutated } from '../mutate.js';
import { check, fromJson, toJson, type FuzzTarget } from '../target.js';
import { rtpPacket, rtpSeeds } from './packets.js';

const fields = (p: RtpPacket) => JSON.stringify([p.marker, p.payloadType, p.sequenceNumber, p.timestamp, p.ssrc, p.csrcs, p.extension?.profile,
  p.extension?.data.toString('hex'), p.padding, p.payload.toString('hex')]);

export function decodeRtp(buf: Buffer): RtpPacket | undefined {
  peekRtp(buf);
  let p: RtpPacket;
  try {
    p = RtpPacket.deSerialize(buf);
  } catch (e) {
    if (isMediaPacketError(e)) return undefined;
    throw e;
  }
  check(p.payload.byteOffset >= buf.byteOffset && p.payload.byteOffset + p.payload.length <= buf.byteOffset + buf.length, 'payload outside the datagram');
  check(p.size === buf.length, () => `size ${p.size} != ${buf.length}`);
  check(fields(RtpPacket.deSerialize(p.serialize())) === fields(p), 'serialize → deSerialize changed the packet');
  return p;
}

export const rtpTarget: FuzzTarget<Buffer[]> = {
  name: 'rtp',
  describe: 'RtpPacket.deSerialize, peekRtp, round trip and receive statistics on 1-6 random, valid or mutated packets',
  weight: 10,
  hangMs: 1000,
  ext: 'json',
  arbitrary: () => fc.array(fc.oneof(
    fc.uint8Array({ maxLength: 80 }).map((a) => Buffer.from(a)),
    rtpPacket,
    mutated(rtpSeeds(), { text: false }),
  ), { minLength: 1, maxLength: 6 }),
  run: (packets) => {
    let source: ReceiveStats | undefined;
    let now = 0;
    for (const buf of packets) {
      const p = decodeRtp(buf);
      now += 20;
      if (!p) continue;
      source = trackPacket(source, p, 8000, now).source;
      check(Number.isFinite(source.jitter) && Number.isFinite(source.lost), 'receive statistics not finite');
      const block = source.reportBlock(now);
      check(Object.values(block).every((v) => Number.isInteger(v)), 'a report block field is not an integer');
    }
  },
  encode: (i) => toJson(i),
  decode: (b) => fromJson<Buffer[]>(b),
};
