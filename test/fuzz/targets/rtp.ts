// RTP decoding (src/media/rtp): RtpPacket.deSerialize, the media path's in-place RtpHeaderView,
// peekRtp, and the receive statistics a session keeps (trackPacket, RFC 3550 A.1/A.8), over a few
// packets in a row. Allowed: a packet or MediaPacketError. A crash: any other exception, a parsed
// packet whose payload is not inside the datagram, one that does not survive serialize →
// deSerialize, RtpHeaderView accepting or reading other than deSerialize, or statistics gone
// non-finite.
import fc from 'fast-check';
import { isMediaPacketError } from '../../../src/media/rtp/errors.js';
import { trackPacket, type ReceiveStats } from '../../../src/media/rtp/receive-stats.js';
import { RtpHeaderView } from '../../../src/media/rtp/rtp-header-view.js';
import { peekRtp, RtpPacket } from '../../../src/media/rtp/rtp-packet.js';
import { mutated } from '../mutate.js';
import { check, fromJson, toJson, type FuzzTarget } from '../target.js';
import { rtpPacket, rtpSeeds } from './packets.js';

const fields = (p: RtpPacket) => JSON.stringify([p.marker, p.payloadType, p.sequenceNumber, p.timestamp, p.ssrc, p.csrcs, p.extension?.profile,
  p.extension?.data.toString('hex'), p.padding, p.payload.toString('hex')]);

const view = new RtpHeaderView();

/** What RtpHeaderView reads of `buf`, as `fields` gives it for a packet (payload only), or undefined when it refuses. */
function viewed(buf: Buffer): string | undefined {
  try {
    view.read(buf);
  } catch (e) {
    if (isMediaPacketError(e)) return undefined;
    throw e;
  }
  const payload = buf.subarray(view.payloadOffset, view.payloadOffset + view.payloadLength);
  const got = JSON.stringify([view.marker, view.payloadType, view.sequenceNumber, view.timestamp, view.ssrc, payload.toString('hex')]);
  // The same datagram inside a receive arena, between other datagrams' octets: read in place alike.
  const arena = Buffer.concat([Buffer.alloc(3, 0xbf), buf, Buffer.alloc(2, 0xa1)]);
  view.read(arena, 3, buf.length);
  const inArena = arena.subarray(view.payloadOffset, view.payloadOffset + view.payloadLength);
  check(JSON.stringify([view.marker, view.payloadType, view.sequenceNumber, view.timestamp, view.ssrc, inArena.toString('hex')]) === got,
    'RtpHeaderView read the datagram otherwise inside an arena');
  return got;
}

export function decodeRtp(buf: Buffer): RtpPacket | undefined {
  peekRtp(buf);
  const inPlace = viewed(buf);
  let p: RtpPacket;
  try {
    p = RtpPacket.deSerialize(buf);
  } catch (e) {
    if (isMediaPacketError(e)) {
      check(inPlace === undefined, 'RtpHeaderView read a packet deSerialize refuses');
      return undefined;
    }
    throw e;
  }
  check(inPlace === JSON.stringify([p.marker, p.payloadType, p.sequenceNumber, p.timestamp, p.ssrc, p.payload.toString('hex')]),
    () => `RtpHeaderView read ${inPlace} where deSerialize read ${fields(p)}`);
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
