// Compound RTCP packets (RFC 3550 §6.1, §6.4) and RTP/RTCP demultiplexing on one port (RFC 5761
// §4). Each packet's length field is checked against the buffer before its body is parsed; types
// other than SR, RR, SDES and BYE are kept opaque (skipped by length). Errors: MediaPacketError.
import { MediaPacketError } from './errors.js';
import {
  RTCP_RR, RTCP_SR, parseReceiverReport, parseSenderReport, serializeReport, writeRtcpHeader,
  type RtcpReceiverReport, type RtcpSenderReport,
} from './rtcp-reports.js';
import { RTCP_BYE, RTCP_SDES, parseBye, parseSdes, serializeBye, serializeSdes, type RtcpBye, type RtcpSdes } from './rtcp-sdes-bye.js';

export { RTCP_SR, RTCP_RR, type RtcpReportBlock, type RtcpSenderReport, type RtcpReceiverReport } from './rtcp-reports.js';
export { RTCP_SDES, RTCP_BYE, SDES_CNAME, type RtcpSdes, type RtcpBye, type SdesChunk, type SdesItem } from './rtcp-sdes-bye.js';

/** A packet type this codec does not interpret (APP, RTPFB, PSFB, XR, ...), kept as its body. */
export interface RtcpOther {
  kind: 'other';
  packetType: number;
  /** The 5-bit count/format field. */
  count: number;
  /** Octets after the common header, padding removed. */
  body: Buffer;
}

export type RtcpPacket = RtcpSenderReport | RtcpReceiverReport | RtcpSdes | RtcpBye | RtcpOther;

const HEADER_SIZE = 4;

/*
 * Common header of every packet in a compound (§6.4.1):
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  count  |      PT       |  length (32-bit words - 1)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     packet-specific body ...                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * A compound packet is such packets back to back, filling the datagram exactly (§6.1).
 */
export class RtcpCompound {
  packets: RtcpPacket[];

  constructor(packets: RtcpPacket[]) {
    this.packets = packets;
  }

  static deSerialize(buf: Buffer): RtcpCompound {
    if (buf.length < HEADER_SIZE) throw new MediaPacketError('truncated rtcp', `${buf.length} octets`);
    const packets: RtcpPacket[] = [];
    let offset = 0;
    while (offset < buf.length) {
      if (offset + HEADER_SIZE > buf.length) throw new MediaPacketError('truncated rtcp', `${buf.length - offset} trailing octets`);
      const b0 = buf[offset]!;
      if (b0 >> 6 !== 2) throw new MediaPacketError('bad version', `RTCP version ${b0 >> 6}`);
      const count = b0 & 0x1f;
      const type = buf[offset + 1]!;
      const size = (buf.readUInt16BE(offset + 2) + 1) * 4;
      const end = offset + size;
      if (end > buf.length) throw new MediaPacketError('rtcp length overflow', `packet of ${size} octets in ${buf.length - offset}`);
      let contentEnd = end;
      if (b0 & 0x20) {
        const padding = buf[end - 1]!;
        if (padding === 0) throw new MediaPacketError('bad padding', 'RTCP padding count 0');
        if (padding > size - HEADER_SIZE) throw new MediaPacketError('padding longer than payload', `RTCP padding ${padding} > ${size - HEADER_SIZE}`);
        contentEnd = end - padding;
      }
      packets.push(parseOne(buf, type, count, offset + HEADER_SIZE, contentEnd));
      offset = end;
    }
    return new RtcpCompound(packets);
  }

  serialize(): Buffer {
    if (this.packets.length === 0) throw new MediaPacketError('invalid field', 'an RTCP compound packet needs at least one packet');
    return Buffer.concat(this.packets.map(serializeRtcpPacket));
  }
}

function parseOne(buf: Buffer, type: number, count: number, start: number, end: number): RtcpPacket {
  switch (type) {
    case RTCP_SR: return parseSenderReport(buf, start, end, count);
    case RTCP_RR: return parseReceiverReport(buf, start, end, count);
    case RTCP_SDES: return parseSdes(buf, start, end, count);
    case RTCP_BYE: return parseBye(buf, start, end, count);
    default: return { kind: 'other', packetType: type, count, body: buf.subarray(start, end) };
  }
}

export function serializeRtcpPacket(p: RtcpPacket): Buffer {
  switch (p.kind) {
    case 'sr':
    case 'rr':
      return serializeReport(p);
    case 'sdes':
      return serializeSdes(p);
    case 'bye':
      return serializeBye(p);
    case 'other': {
      if (p.body.length % 4 !== 0) throw new MediaPacketError('invalid field', 'RTCP body is not a whole number of 32-bit words');
      if (!Number.isInteger(p.count) || p.count < 0 || p.count > 31) throw new MediaPacketError('invalid field', `RTCP count ${p.count}`);
      const buf = Buffer.alloc(HEADER_SIZE + p.body.length);
      writeRtcpHeader(buf, p.count, p.packetType, buf.length);
      p.body.copy(buf, HEADER_SIZE);
      return buf;
    }
  }
}

/**
 * RFC 5761 §4: with RTP and RTCP on one port, a datagram is RTCP when its second octet, read as
 * an RTP marker bit and payload type, has a payload type in 64..95 (RTCP packet types 192..223);
 * RTP payload types 64..95 are not used on a multiplexed port for this reason.
 */
export function isRtcp(buf: Buffer): boolean {
  return isRtcpAt(buf, 0, buf.length);
}

/** isRtcp() of the datagram in octets [offset, offset + length) of `buf` (the receive arena). */
export function isRtcpAt(buf: Uint8Array, offset: number, length: number): boolean {
  if (length < HEADER_SIZE || offset < 0 || offset + length > buf.length || buf[offset]! >> 6 !== 2) return false;
  const pt = buf[offset + 1]! & 0x7f;
  return pt >= 64 && pt <= 95;
}
