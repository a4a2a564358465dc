// RTCP source description (RFC 3550 §6.5) and goodbye (§6.6) packets, bounds-checked against the
// packet end the compound parser hands in.
import { MediaPacketError, checkUint } from './errors.js';
import { writeRtcpHeader } from './rtcp-reports.js';

export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const SDES_END = 0;
export const SDES_CNAME = 1;
const MAX_COUNT = 31;

/*
 * SDES (§6.5):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    SC   |  PT=SDES=202  |             length            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                          SSRC/CSRC_1                          |  chunk 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    type=1     |     length    | user and domain name (CNAME) ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ... items, then 1-4 null octets to the next 32-bit boundary  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 */
export interface SdesItem {
  /** SDES item type: 1 CNAME, 2 NAME, 3 EMAIL, ... 8 PRIV (§6.5). */
  type: number;
  /** UTF-8 text, at most 255 octets. */
  text: string;
}

export interface SdesChunk {
  source: number;
  items: SdesItem[];
}

export interface RtcpSdes {
  kind: 'sdes';
  chunks: SdesChunk[];
}

/*
 * BYE (§6.6):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    SC   |   PT=BYE=203  |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           SSRC/CSRC                           |
 * :                              ...                              :
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     length    |               reason for leaving            ... (opt)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export interface RtcpBye {
  kind: 'bye';
  sources: number[];
  reason?: string;
}

export function parseSdes(buf: Buffer, start: number, end: number, count: number): RtcpSdes {
  const chunks: SdesChunk[] = [];
  let offset = start;
  for (let c = 0; c < count; c++) {
    if (offset + 4 > end) throw new MediaPacketError('rtcp length overflow', `SDES chunk ${c + 1} of ${count} missing`);
    const source = buf.readUInt32BE(offset);
    offset += 4;
    const items: SdesItem[] = [];
    for (;;) {
      if (offset >= end) throw new MediaPacketError('bad rtcp', 'SDES chunk without an end item');
      const type = buf[offset]!;
      if (type === SDES_END) {
        // The chunk ends with null octets up to the next 32-bit boundary (from the packet start).
        offset = start + Math.ceil((offset + 1 - start) / 4) * 4;
        break;
      }
      if (offset + 2 > end) throw new MediaPacketError('rtcp length overflow', 'SDES item header cut off');
      const length = buf[offset + 1]!;
      if (offset + 2 + length > end) throw new MediaPacketError('rtcp length overflow', `SDES item of ${length} octets`);
      items.push({ type, text: buf.toString('utf8', offset + 2, offset + 2 + length) });
      offset += 2 + length;
    }
    if (offset > end) throw new MediaPacketError('rtcp length overflow', 'SDES chunk padding cut off');
    chunks.push({ source, items });
  }
  return { kind: 'sdes', chunks };
}

export function serializeSdes(p: RtcpSdes): Buffer {
  if (p.chunks.length > MAX_COUNT) throw new MediaPacketError('invalid field', `${p.chunks.length} SDES chunks (at most ${MAX_COUNT})`);
  const parts: Buffer[] = [];
  for (const chunk of p.chunks) {
    checkUint('sdes.source', chunk.source, 0xffffffff);
    const items = chunk.items.map((item) => {
      checkUint('sdes.type', item.type, 0xff);
      if (item.type === SDES_END) throw new MediaPacketError('invalid field', 'SDES item type 0 is the end marker');
      const text = Buffer.from(item.text, 'utf8');
      if (text.length > 0xff) throw new MediaPacketError('invalid field', `SDES item of ${text.length} octets (at most 255)`);
      return Buffer.concat([Buffer.from([item.type, text.length]), text]);
    });
    const itemsLen = items.reduce((n, b) => n + b.length, 0);
    const nulls = 4 - (itemsLen % 4); // 1..4 null octets: at least one end item (§6.5)
    const head = Buffer.alloc(4);
    head.writeUInt32BE(chunk.source);
    parts.push(head, ...items, Buffer.alloc(nulls));
  }
  const body = Buffer.concat(parts);
  const buf = Buffer.alloc(4 + body.length);
  writeRtcpHeader(buf, p.chunks.length, RTCP_SDES, buf.length);
  body.copy(buf, 4);
  return buf;
}

export function parseBye(buf: Buffer, start: number, end: number, count: number): RtcpBye {
  if (start + 4 * count > end) throw new MediaPacketError('rtcp length overflow', `${count} BYE sources do not fit`);
  const sources: number[] = [];
  for (let i = 0; i < count; i++) sources.push(buf.readUInt32BE(start + 4 * i));
  const at = start + 4 * count;
  if (at >= end) return { kind: 'bye', sources };
  const length = buf[at]!;
  if (at + 1 + length > end) throw new MediaPacketError('rtcp length overflow', `BYE reason of ${length} octets`);
  return { kind: 'bye', sources, reason: buf.toString('utf8', at + 1, at + 1 + length) };
}

export function serializeBye(p: RtcpBye): Buffer {
  if (p.sources.length > MAX_COUNT) throw new MediaPacketError('invalid field', `${p.sources.length} BYE sources (at most ${MAX_COUNT})`);
  const reason = p.reason !== undefined ? Buffer.from(p.reason, 'utf8') : undefined;
  if (reason && reason.length > 0xff) throw new MediaPacketError('invalid field', `BYE reason of ${reason.length} octets (at most 255)`);
  const reasonLen = reason ? Math.ceil((1 + reason.length) / 4) * 4 : 0;
  const buf = Buffer.alloc(4 + 4 * p.sources.length + reasonLen);
  writeRtcpHeader(buf, p.sources.length, RTCP_BYE, buf.length);
  p.sources.forEach((s, i) => {
    checkUint('bye.source', s, 0xffffffff);
    buf.writeUInt32BE(s, 4 + 4 * i);
  });
  if (reason) {
    const at = 4 + 4 * p.sources.length;
    buf[at] = reason.length;
    reason.copy(buf, at + 1);
  }
  return buf;
}
