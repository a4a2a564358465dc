// A received RTP packet read in place (RFC 3550 §5.1, §5.3.1), for the media path: the same checks
// as RtpPacket.deSerialize(), into one object a session reuses for every packet, and the payload
// as an offset and a length into the datagram instead of a view. deSerialize() made four objects a
// packet (the packet, its CSRC list, its payload view, and a view for the decoder); at 25,000
// packets a second they were what a media thread's young-generation collections were made of,
// and each collection stopped its 20 ms clock (bench/README.md, "Garbage per packet").
import { MediaPacketError } from './errors.js';
import { RTP_HEADER_SIZE } from './rtp-packet.js';

/** The fields of the last packet read; overwritten by the next read(): read them, do not keep them. */
export class RtpHeaderView {
  marker = false;
  payloadType = 0;
  sequenceNumber = 0;
  timestamp = 0;
  ssrc = 0;
  /** Where the payload starts in the datagram, after CSRCs and the header extension. */
  payloadOffset = 0;
  /** Payload octets, padding excluded. */
  payloadLength = 0;

  /**
   * Reads the header of the datagram in octets [start, start + length) of `buf` (all of it by
   * default); payloadOffset is then an offset in `buf`. Throws MediaPacketError where
   * deSerialize() would, and then changes nothing.
   */
  read(buf: Uint8Array, start = 0, length = buf.length - start): this {
    if (length < RTP_HEADER_SIZE) throw new MediaPacketError('truncated header', `${length} octets`);
    const end = start + length;
    if (start < 0 || end > buf.length) throw new MediaPacketError('invalid field', `octets ${start}..${end} are not inside ${buf.length}`);
    const b0 = buf[start]!;
    if (b0 >> 6 !== 2) throw new MediaPacketError('bad version', `version ${b0 >> 6}`);
    const cc = b0 & 0x0f;
    let offset = RTP_HEADER_SIZE + 4 * cc;
    if (offset > length) throw new MediaPacketError('csrc count overflow', `${cc} CSRCs in ${length} octets`);
    if (b0 & 0x10) {
      if (offset + 4 > length) throw new MediaPacketError('extension length overflow', 'no room for the extension header');
      const words = (buf[start + offset + 2]! << 8) | buf[start + offset + 3]!;
      const extEnd = offset + 4 + 4 * words;
      if (extEnd > length) throw new MediaPacketError('extension length overflow', `${words} words in ${length - offset - 4} octets`);
      offset = extEnd;
    }
    let padding = 0;
    if (b0 & 0x20) {
      if (length === offset) throw new MediaPacketError('padding longer than payload', 'no octet for the padding count');
      padding = buf[end - 1]!;
      if (padding === 0) throw new MediaPacketError('bad padding', 'padding count 0');
      if (padding > length - offset) throw new MediaPacketError('padding longer than payload', `${padding} > ${length - offset}`);
    }
    const b1 = buf[start + 1]!;
    this.marker = (b1 & 0x80) !== 0;
    this.payloadType = b1 & 0x7f;
    this.sequenceNumber = (buf[start + 2]! << 8) | buf[start + 3]!;
    this.timestamp = ((buf[start + 4]! << 24) | (buf[start + 5]! << 16) | (buf[start + 6]! << 8) | buf[start + 7]!) >>> 0;
    this.ssrc = ((buf[start + 8]! << 24) | (buf[start + 9]! << 16) | (buf[start + 10]! << 8) | buf[start + 11]!) >>> 0;
    this.payloadOffset = start + offset;
    this.payloadLength = length - offset - padding;
    return this;
  }
}
