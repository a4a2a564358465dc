// RTP data packet codec (RFC 3550 §5.1, §5.3.1). Every read is bounded: deSerialize() checks the
// fixed header, the CSRC list, the header extension and the padding against the buffer length
// before touching them, and throws MediaPacketError (never RangeError) on anything malformed.
// Unlike werift's RtpHeader.deSerialize, which reads past the end of short buffers.
import { MediaPacketError, checkUint } from './errors.js';

export const RTP_HEADER_SIZE = 12;
const MAX_CSRCS = 15;

/** RFC 3550 §5.3.1 header extension: 16-bit profile-defined word and 32-bit-word aligned data. */
export interface RtpExtension {
  profile: number;
  data: Buffer;
}

export interface RtpPacketInit {
  marker?: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrcs?: number[];
  extension?: RtpExtension;
  payload: Buffer;
  /** Number of padding octets to append (0 = P bit clear), 1..255. */
  padding?: number;
}

/** The fields a media path needs, read without building a packet (see peekRtp). */
export interface RtpPeek {
  payloadType: number;
  seq: number;
  ts: number;
  ssrc: number;
  marker: boolean;
}

/*
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      defined by profile       |           length              |  (X = 1, §5.3.1)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        header extension                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     payload ...   | padding ... | pad count   |  (P = 1)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export class RtpPacket {
  /** Always 2 (RFC 3550 §5.1); deSerialize() rejects anything else. */
  readonly version = 2;
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrcs: number[];
  /** Present iff the X bit is set. */
  extension: RtpExtension | undefined;
  /** Padding octet count including the count octet itself; 0 iff the P bit is clear. */
  padding: number;
  /** On a deSerialized packet, a view into the received buffer (not a copy). */
  payload: Buffer;

  constructor(init: RtpPacketInit) {
    this.marker = init.marker ?? false;
    this.payloadType = init.payloadType;
    this.sequenceNumber = init.sequenceNumber;
    this.timestamp = init.timestamp;
    this.ssrc = init.ssrc;
    this.csrcs = init.csrcs ?? [];
    this.extension = init.extension;
    this.padding = init.padding ?? 0;
    this.payload = init.payload;
  }

  get hasExtension(): boolean {
    return this.extension !== undefined;
  }

  get hasPadding(): boolean {
    return this.padding > 0;
  }

  /** Header length in octets: fixed part, CSRCs and extension. */
  get headerSize(): number {
    return RTP_HEADER_SIZE + 4 * this.csrcs.length + (this.extension ? 4 + this.extension.data.length : 0);
  }

  get size(): number {
    return this.headerSize + this.payload.length + this.padding;
  }

  static deSerialize(buf: Buffer): RtpPacket {
    if (buf.length < RTP_HEADER_SIZE) throw new MediaPacketError('truncated header', `${buf.length} octets`);
    const b0 = buf[0]!;
    const b1 = buf[1]!;
    if (b0 >> 6 !== 2) throw new MediaPacketError('bad version', `version ${b0 >> 6}`);
    const cc = b0 & 0x0f;
    let offset = RTP_HEADER_SIZE + 4 * cc;
    if (offset > buf.length) throw new MediaPacketError('csrc count overflow', `${cc} CSRCs in ${buf.length} octets`);
    const csrcs: number[] = new Array<number>(cc);
    for (let i = 0; i < cc; i++) csrcs[i] = buf.readUInt32BE(RTP_HEADER_SIZE + 4 * i);

    let extension: RtpExtension | undefined;
    if (b0 & 0x10) {
      if (offset + 4 > buf.length) throw new MediaPacketError('extension length overflow', 'no room for the extension header');
      const profile = buf.readUInt16BE(offset);
      const words = buf.readUInt16BE(offset + 2);
      const end = offset + 4 + 4 * words;
      if (end > buf.length) throw new MediaPacketError('extension length overflow', `${words} words in ${buf.length - offset - 4} octets`);
      extension = { profile, data: buf.subarray(offset + 4, end) };
      offset = end;
    }

    let padding = 0;
    if (b0 & 0x20) {
      // §5.1: the last octet counts the padding octets, itself included; the count must fit in
      // what follows the header (padding after an empty payload is legal, e.g. for SRTP).
      if (buf.length === offset) throw new MediaPacketError('padding longer than payload', 'no octet for the padding count');
      padding = buf[buf.length - 1]!;
      if (padding === 0) throw new MediaPacketError('bad padding', 'padding count 0');
      if (padding > buf.length - offset) throw new MediaPacketError('padding longer than payload', `${padding} > ${buf.length - offset}`);
    }

    return new RtpPacket({
      marker: (b1 & 0x80) !== 0,
      payloadType: b1 & 0x7f,
      sequenceNumber: buf.readUInt16BE(2),
      timestamp: buf.readUInt32BE(4),
      ssrc: buf.readUInt32BE(8),
      csrcs,
      extension,
      padding,
      payload: buf.subarray(offset, buf.length - padding),
    });
  }

  serialize(): Buffer {
    checkUint('payloadType', this.payloadType, 0x7f);
    checkUint('sequenceNumber', this.sequenceNumber, 0xffff);
    checkUint('timestamp', this.timestamp, 0xffffffff);
    checkUint('ssrc', this.ssrc, 0xffffffff);
    checkUint('padding', this.padding, 0xff);
    if (this.csrcs.length > MAX_CSRCS) throw new MediaPacketError('invalid field', `${this.csrcs.length} CSRCs (at most ${MAX_CSRCS})`);
    const ext = this.extension;
    if (ext) {
      checkUint('extension.profile', ext.profile, 0xffff);
      if (ext.data.length % 4 !== 0 || ext.data.length / 4 > 0xffff) {
        throw new MediaPacketError('invalid field', `extension data of ${ext.data.length} octets is not a whole number of 32-bit words`);
      }
    }

    // From the pool and not zeroed: every octet is written below (the padding explicitly).
    const buf = Buffer.allocUnsafe(this.size);
    buf[0] = 0x80 | (this.padding ? 0x20 : 0) | (ext ? 0x10 : 0) | this.csrcs.length;
    buf[1] = (this.marker ? 0x80 : 0) | this.payloadType;
    buf.writeUInt16BE(this.sequenceNumber, 2);
    buf.writeUInt32BE(this.timestamp, 4);
    buf.writeUInt32BE(this.ssrc, 8);
    let offset = RTP_HEADER_SIZE;
    for (const csrc of this.csrcs) {
      checkUint('csrc', csrc, 0xffffffff);
      buf.writeUInt32BE(csrc, offset);
      offset += 4;
    }
    if (ext) {
      buf.writeUInt16BE(ext.profile, offset);
      buf.writeUInt16BE(ext.data.length / 4, offset + 2);
      ext.data.copy(buf, offset + 4);
      offset += 4 + ext.data.length;
    }
    this.payload.copy(buf, offset);
    if (this.padding) {
      buf.fill(0, buf.length - this.padding, buf.length - 1); // §5.1: padding octets are zero...
      buf[buf.length - 1] = this.padding; // ...but the last, which counts them
    }
    return buf;
  }
}

/** peekRtp(buf) !== undefined, without building the fields: 12+ octets and version 2. */
export function isPlausibleRtp(buf: Uint8Array): boolean {
  return buf.length >= RTP_HEADER_SIZE && buf[0]! >> 6 === 2;
}

/**
 * Fast path for demultiplexing and SRTP: the fixed-header fields of a plausible RTP packet, or
 * undefined when the buffer is shorter than 12 octets or not version 2. It does not validate the
 * CSRC list, extension or padding; use RtpPacket.deSerialize() before trusting the payload.
 */
export function peekRtp(buf: Buffer): RtpPeek | undefined {
  if (buf.length < RTP_HEADER_SIZE || buf[0]! >> 6 !== 2) return undefined;
  const b1 = buf[1]!;
  return {
    payloadType: b1 & 0x7f,
    seq: buf.readUInt16BE(2),
    ts: buf.readUInt32BE(4),
    ssrc: buf.readUInt32BE(8),
    marker: (b1 & 0x80) !== 0,
  };
}

/** Throws MediaPacketError('invalid field') unless octets [offset, offset + length) are inside `octets`. */
export function checkRange(octets: Uint8Array, offset: number, length: number): void {
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > octets.length) {
    throw new MediaPacketError('invalid field', `octets ${offset}..${offset + length} are not inside ${octets.length}`);
  }
}

/**
 * Copies octets [offset, offset + length) of `from` to `to` at `at` (both ranges checked by the
 * caller), with no view object: a payload is copied per packet, 25,000 times a second on a media thread.
 */
export function copyOctets(from: Uint8Array, offset: number, length: number, to: Uint8Array, at: number): void {
  for (let i = 0; i < length; i++) to[at + i] = from[offset + i]!;
}
