// RTCP sender and receiver reports (RFC 3550 §6.4.1, §6.4.2) and their report blocks. Parsers get
// the packet's bounds from the compound parser (rtcp-packet.ts) and check every block against them.
import { MediaPacketError, checkUint } from './errors.js';

export const RTCP_SR = 200;
export const RTCP_RR = 201;
const REPORT_BLOCK_SIZE = 24;
const SENDER_INFO_SIZE = 20;
const MAX_COUNT = 31; // 5-bit RC field

/*
 * Report block (§6.4.1):
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 SSRC_1 (SSRC of first source)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | fraction lost |       cumulative number of packets lost       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           extended highest sequence number received           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      interarrival jitter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         last SR (LSR)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   delay since last SR (DLSR)                  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 */
export interface RtcpReportBlock {
  ssrc: number;
  /** Fraction lost since the previous report, as a fixed-point number with the point at the left (0..255). */
  fractionLost: number;
  /** Cumulative packets lost, a signed 24-bit value (negative with duplicates). */
  cumulativeLost: number;
  /** Extended highest sequence number: cycles << 16 | highest sequence number. */
  highestSequence: number;
  /** Interarrival jitter in RTP timestamp units (A.8). */
  jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received from this source, 0 if none. */
  lsr: number;
  /** Delay since that SR in units of 1/65536 s, 0 if none. */
  dlsr: number;
}

/*
 * Sender report (§6.4.1):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    RC   |   PT=SR=200   |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         SSRC of sender                        |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |              NTP timestamp, most significant word             |
 * |             NTP timestamp, least significant word             |
 * |                         RTP timestamp                         |
 * |                     sender's packet count                     |
 * |                      sender's octet count                     |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 report blocks (24 octets each)                |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                  profile-specific extensions                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * A receiver report (§6.4.2, PT=RR=201) is the same without the sender information.
 */
export interface RtcpSenderReport {
  kind: 'sr';
  ssrc: number;
  ntpSeconds: number;
  ntpFraction: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
  reports: RtcpReportBlock[];
  profileExtension?: Buffer;
}

export interface RtcpReceiverReport {
  kind: 'rr';
  ssrc: number;
  reports: RtcpReportBlock[];
  profileExtension?: Buffer;
}

function readBlocks(buf: Buffer, offset: number, count: number, end: number): RtcpReportBlock[] {
  if (offset + count * REPORT_BLOCK_SIZE > end) {
    throw new MediaPacketError('rtcp length overflow', `${count} report blocks do not fit`);
  }
  const blocks: RtcpReportBlock[] = [];
  for (let i = 0; i < count; i++, offset += REPORT_BLOCK_SIZE) {
    blocks.push({
      ssrc: buf.readUInt32BE(offset),
      fractionLost: buf[offset + 4]!,
      cumulativeLost: buf.readIntBE(offset + 5, 3),
      highestSequence: buf.readUInt32BE(offset + 8),
      jitter: buf.readUInt32BE(offset + 12),
      lsr: buf.readUInt32BE(offset + 16),
      dlsr: buf.readUInt32BE(offset + 20),
    });
  }
  return blocks;
}

/** `start` is just past the 4-octet common header; `end` excludes any padding. */
export function parseSenderReport(buf: Buffer, start: number, end: number, count: number): RtcpSenderReport {
  if (start + 4 + SENDER_INFO_SIZE > end) throw new MediaPacketError('rtcp length overflow', 'SR shorter than its sender information');
  const blocksAt = start + 4 + SENDER_INFO_SIZE;
  const reports = readBlocks(buf, blocksAt, count, end);
  const extAt = blocksAt + count * REPORT_BLOCK_SIZE;
  return {
    kind: 'sr',
    ssrc: buf.readUInt32BE(start),
    ntpSeconds: buf.readUInt32BE(start + 4),
    ntpFraction: buf.readUInt32BE(start + 8),
    rtpTimestamp: buf.readUInt32BE(start + 12),
    packetCount: buf.readUInt32BE(start + 16),
    octetCount: buf.readUInt32BE(start + 20),
    reports,
    ...(extAt < end ? { profileExtension: buf.subarray(extAt, end) } : {}),
  };
}

export function parseReceiverReport(buf: Buffer, start: number, end: number, count: number): RtcpReceiverReport {
  if (start + 4 > end) throw new MediaPacketError('rtcp length overflow', 'RR without an SSRC');
  const reports = readBlocks(buf, start + 4, count, end);
  const extAt = start + 4 + count * REPORT_BLOCK_SIZE;
  return {
    kind: 'rr',
    ssrc: buf.readUInt32BE(start),
    reports,
    ...(extAt < end ? { profileExtension: buf.subarray(extAt, end) } : {}),
  };
}

/** Writes the common header; `size` is the whole packet in octets (a multiple of 4). */
export function writeRtcpHeader(buf: Buffer, count: number, type: number, size: number): void {
  if (size % 4 !== 0 || size / 4 - 1 > 0xffff) throw new MediaPacketError('invalid field', `RTCP packet of ${size} octets`);
  buf[0] = 0x80 | count;
  buf[1] = type;
  buf.writeUInt16BE(size / 4 - 1, 2);
}

function checkExtension(ext: Buffer | undefined): number {
  if (!ext) return 0;
  if (ext.length % 4 !== 0) throw new MediaPacketError('invalid field', 'profile extension is not a whole number of 32-bit words');
  return ext.length;
}

function writeBlocks(buf: Buffer, offset: number, blocks: RtcpReportBlock[]): number {
  for (const b of blocks) {
    checkUint('report.ssrc', b.ssrc, 0xffffffff);
    checkUint('report.fractionLost', b.fractionLost, 0xff);
    checkUint('report.highestSequence', b.highestSequence, 0xffffffff);
    checkUint('report.jitter', b.jitter, 0xffffffff);
    checkUint('report.lsr', b.lsr, 0xffffffff);
    checkUint('report.dlsr', b.dlsr, 0xffffffff);
    // §6.4.1: cumulative lost is a signed 24-bit field; clamp rather than wrap.
    const lost = Math.max(-0x800000, Math.min(0x7fffff, Math.trunc(b.cumulativeLost)));
    buf.writeUInt32BE(b.ssrc, offset);
    buf[offset + 4] = b.fractionLost;
    buf.writeIntBE(lost, offset + 5, 3);
    buf.writeUInt32BE(b.highestSequence, offset + 8);
    buf.writeUInt32BE(b.jitter, offset + 12);
    buf.writeUInt32BE(b.lsr, offset + 16);
    buf.writeUInt32BE(b.dlsr, offset + 20);
    offset += REPORT_BLOCK_SIZE;
  }
  return offset;
}

export function serializeReport(p: RtcpSenderReport | RtcpReceiverReport): Buffer {
  if (p.reports.length > MAX_COUNT) throw new MediaPacketError('invalid field', `${p.reports.length} report blocks (at most ${MAX_COUNT})`);
  checkUint('ssrc', p.ssrc, 0xffffffff);
  const extLen = checkExtension(p.profileExtension);
  const infoLen = p.kind === 'sr' ? SENDER_INFO_SIZE : 0;
  const size = 8 + infoLen + p.reports.length * REPORT_BLOCK_SIZE + extLen;
  const buf = Buffer.alloc(size);
  writeRtcpHeader(buf, p.reports.length, p.kind === 'sr' ? RTCP_SR : RTCP_RR, size);
  buf.writeUInt32BE(p.ssrc, 4);
  if (p.kind === 'sr') {
    checkUint('ntpSeconds', p.ntpSeconds, 0xffffffff);
    checkUint('ntpFraction', p.ntpFraction, 0xffffffff);
    checkUint('rtpTimestamp', p.rtpTimestamp, 0xffffffff);
    buf.writeUInt32BE(p.ntpSeconds, 8);
    buf.writeUInt32BE(p.ntpFraction, 12);
    buf.writeUInt32BE(p.rtpTimestamp, 16);
    buf.writeUInt32BE(p.packetCount >>> 0, 20); // counts wrap modulo 2^32 (§6.4.1)
    buf.writeUInt32BE(p.octetCount >>> 0, 24);
  }
  const offset = writeBlocks(buf, 8 + infoLen, p.reports);
  p.profileExtension?.copy(buf, offset);
  return buf;
}
