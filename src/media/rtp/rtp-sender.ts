// Outgoing stream state (RFC 3550 §5.1): random initial SSRC, sequence number and timestamp,
// sequence numbers wrapping at 2^16 and timestamps at 2^32, and the counts an SR reports (§6.4.1).
import { randomBytes } from 'node:crypto';
import { RTP_HEADER_SIZE, RtpPacket, checkRange, copyOctets } from './rtp-packet.js';
import { MediaPacketError, checkUint } from './errors.js';

export interface RtpSendOptions {
  payloadType: number;
  marker?: boolean;
  /** Timestamp units to advance after this packet (160 for 20 ms of 8 kHz audio; 0 keeps it, as RFC 4733 events do). */
  timestampStep: number;
}

export interface RtpSenderInit {
  /** For tests and SSRC collision handling; random otherwise (§5.1, §8.1). */
  ssrc?: number;
  sequence?: number;
  timestamp?: number;
}

const TS_MOD = 2 ** 32;

function random32(): number {
  return randomBytes(4).readUInt32BE(0);
}

/** Throws MediaPacketError('invalid field') for a payload type or timestamp step out of range. */
export function checkSendOptions(opts: RtpSendOptions): void {
  checkUint('payloadType', opts.payloadType, 0x7f);
  checkUint('timestampStep', opts.timestampStep, 0xffffffff);
}

export class RtpSender {
  readonly ssrc: number;
  readonly clockRate: number;
  #seq: number;
  // The timestamp as a signed 32-bit integer (`| 0`; read with `>>> 0`): a uint32 above 2^31 is
  // not a small integer to V8, and storing one allocated a number per packet.
  #ts: number;
  #packetCount = 0;
  #octetCount = 0;
  // The last packet's timestamp and when it went (for SRs); two fields, not an object a packet.
  #lastTs = 0;
  #lastAtMs = Number.NaN;
  /** Set by every packet; cleared by the RTCP reporter once per report interval. */
  sentSinceReport = false;

  constructor(clockRate: number, init: RtpSenderInit = {}) {
    this.clockRate = clockRate;
    this.ssrc = init.ssrc ?? random32();
    this.#seq = init.sequence ?? random32() & 0xffff;
    const ts = init.timestamp ?? random32();
    checkUint('ssrc', this.ssrc, 0xffffffff);
    checkUint('sequence', this.#seq, 0xffff);
    checkUint('timestamp', ts, 0xffffffff);
    this.#ts = ts | 0;
  }

  get packetCount(): number {
    return this.#packetCount;
  }

  /** Payload octets sent (not headers or padding, §6.4.1). */
  get octetCount(): number {
    return this.#octetCount;
  }

  /** The next packet; the packet carries the current timestamp, then it advances by timestampStep. */
  next(payload: Buffer, opts: RtpSendOptions, nowMs: number): RtpPacket {
    checkSendOptions(opts);
    const packet = new RtpPacket({
      marker: opts.marker ?? false,
      payloadType: opts.payloadType,
      sequenceNumber: this.#seq,
      timestamp: this.#ts >>> 0,
      ssrc: this.ssrc,
      payload,
    });
    this.#advance(payload.length, opts.timestampStep, nowMs);
    return packet;
  }

  /**
   * next() without a packet object: writes the 12-octet fixed header (RFC 3550 §5.1; no CSRC, no
   * extension, no padding) of the next packet into `out` at `offset`, for a payload of
   * `payloadLength` octets the caller puts right after it, and advances as next() does.
   */
  writeNextHeader(out: Uint8Array, offset: number, payloadLength: number, opts: RtpSendOptions, nowMs: number): void {
    checkSendOptions(opts);
    if (out.length < offset + RTP_HEADER_SIZE) throw new MediaPacketError('invalid field', `no room for an RTP header at ${offset} of ${out.length} octets`);
    const seq = this.#seq;
    const ts = this.#ts;
    const ssrc = this.ssrc;
    out[offset] = 0x80;
    out[offset + 1] = (opts.marker ? 0x80 : 0) | opts.payloadType;
    out[offset + 2] = seq >>> 8;
    out[offset + 3] = seq & 0xff;
    out[offset + 4] = ts >>> 24;
    out[offset + 5] = (ts >>> 16) & 0xff;
    out[offset + 6] = (ts >>> 8) & 0xff;
    out[offset + 7] = ts & 0xff;
    out[offset + 8] = ssrc >>> 24;
    out[offset + 9] = (ssrc >>> 16) & 0xff;
    out[offset + 10] = (ssrc >>> 8) & 0xff;
    out[offset + 11] = ssrc & 0xff;
    this.#advance(payloadLength, opts.timestampStep, nowMs);
  }

  /** writeNextHeader(), then octets [offset, offset + length) of `payload` right after the header. */
  writeNext(out: Uint8Array, at: number, payload: Uint8Array, offset: number, length: number, opts: RtpSendOptions, nowMs: number): void {
    checkRange(payload, offset, length);
    if (out.length < at + RTP_HEADER_SIZE + length) throw new MediaPacketError('invalid field', `no room for ${length} payload octets at ${at} of ${out.length}`);
    this.writeNextHeader(out, at, length, opts, nowMs);
    copyOctets(payload, offset, length, out, at + RTP_HEADER_SIZE);
  }

  #advance(payloadLength: number, timestampStep: number, nowMs: number): void {
    this.#lastTs = this.#ts;
    this.#lastAtMs = nowMs;
    this.#seq = (this.#seq + 1) & 0xffff;
    this.#ts = (this.#ts + timestampStep) | 0;
    this.#packetCount++;
    this.#octetCount += payloadLength;
    this.sentSinceReport = true;
  }

  /** Advance the clock without sending (nothing to send to yet): no sequence number is used up. */
  skip(timestampStep: number): void {
    checkUint('timestampStep', timestampStep, 0xffffffff);
    this.#ts = (this.#ts + timestampStep) | 0;
  }

  /** The RTP timestamp matching `nowMs`, for an SR (§6.4.1: same instant as the NTP timestamp). */
  rtpTimestampAt(nowMs: number): number {
    if (Number.isNaN(this.#lastAtMs)) return this.#ts >>> 0;
    const elapsed = Math.round(((nowMs - this.#lastAtMs) * this.clockRate) / 1000);
    return ((((this.#lastTs >>> 0) + elapsed) % TS_MOD) + TS_MOD) % TS_MOD;
  }
}
