// RTCP decoding (src/media/rtp): RtcpCompound.deSerialize, isRtcp, and what a session does with a
// peer's report (RtcpState.absorb, then building and serializing our next report). Allowed: a
// compound or MediaPacketError. A crash: any other exception, or our next report cannot be sent
// after absorbing the peer's (serialize throws).
import fc from 'fast-check';
import { isMediaPacketError } from '../../../src/media/rtp/errors.js';
import { isRtcp, RtcpCompound } from '../../../src/media/rtp/rtcp-packet.js';
import { RtcpState } from '../../../src/media/rtp/rtcp-reporter.js';
import { ReceiveStats } from '../../../src/media/rtp/receive-stats.js';
import { RtpSender } from '../../../src/media/rtp/rtp-sender.js';
import { mutated } from '../mutate.js';
import type { FuzzTarget } from '../target.js';
import { rtcpCompound, rtcpSeeds } from './packets.js';

export function decodeRtcp(buf: Buffer): void {
  isRtcp(buf);
  let compound: RtcpCompound;
  try {
    compound = RtcpCompound.deSerialize(buf);
  } catch (e) {
    if (isMediaPacketError(e)) return;
    throw e;
  }
  const sender = new RtpSender(8000, { ssrc: 0x1234, sequence: 1, timestamp: 1 });
  const reporter = new RtcpState(sender, 'fuzz@openum', 8000);
  reporter.absorb(compound, 1000, Date.UTC(2026, 0, 1));
  const source = new ReceiveStats(0x5678, 1, 8000);
  reporter.build(source, 6000, Date.UTC(2026, 0, 1, 0, 0, 5)).serialize();
}

export const rtcpTarget: FuzzTarget<Buffer> = {
  name: 'rtcp',
  describe: 'RtcpCompound.deSerialize, isRtcp, RtcpState.absorb + next report on random, valid or mutated compounds',
  weight: 10,
  hangMs: 1000,
  ext: 'bin',
  arbitrary: () => fc.oneof(
    fc.uint8Array({ maxLength: 120 }).map((a) => Buffer.from(a)),
    rtcpCompound,
    mutated(rtcpSeeds(), { text: false }),
  ),
  run: decodeRtcp,
  encode: (b) => b,
  decode: (b) => b,
};
