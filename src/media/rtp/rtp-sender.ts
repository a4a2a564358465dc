// Outgoing stream state (RFC 3550 §5.1): random initial SSRC, sequence number and timestamp,
// sequence numbers wrapping at 2^16 and timestamps at 2^32, and the counts an SR reports (§6.4.1).
import { randomBytes } from 'node:crypto';
import { RtpPacket } from './rtp-packet.js';
import { checkUint } from './errors.js';

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

export class RtpSender {
  readonly ssrc: number;
  readonly clockRate: number;
  #seq: number;
  #ts: number;
  #packetCount = 0;
  #octetCount = 0;
  #last: { ts: number; atMs: number } | undefined;
  /** Set by every packet; cleared by the RTCP reporter once per report interval. */
  sentSinceReport = false;

  constructor(clockRate: number, init: RtpSenderInit = {}) {
    this.clockRate = clockRate;
    this.ssrc = init.ssrc ?? random32();
    this.#seq = init.sequence ?? random32() & 0xffff;
    this.#ts = init.timestamp ?? random32();
    checkUint('ssrc', this.ssrc, 0xffffffff);
    checkUint('sequence', this.#seq, 0xffff);
    checkUint('timestamp', this.#ts, 0xffffffff);
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
    checkUint('payloadType', opts.payloadType, 0x7f);
    checkUint('timestampStep', opts.timestampStep, 0xffffffff);
    const packet = new RtpPacket({
      marker: opts.marker ?? false,
      payloadType: opts.payloadType,
      sequenceNumber: this.#seq,
      timestamp: this.#ts,
      ssrc: this.ssrc,
      payload,
    });
    this.#last = { ts: this.#ts, atMs: nowMs };
    this.#seq = (this.#seq + 1) & 0xffff;
    this.#ts = (this.#ts + opts.timestampStep) % TS_MOD;
    this.#packetCount++;
    this.#octetCount += payload.length;
    this.sentSinceReport = true;
    return packet;
  }

  /** Advance the clock without sending (nothing to send to yet): no sequence number is used up. */
  skip(timestampStep: number): void {
    checkUint('timestampStep', timestampStep, 0xffffffff);
    this.#ts = (this.#ts + timestampStep) % TS_MOD;
  }

  /** The RTP timestamp matching `nowMs`, for an SR (§6.4.1: same instant as the NTP timestamp). */
  rtpTimestampAt(nowMs: number): number {
    if (!this.#last) return this.#ts;
    const elapsed = Math.round(((nowMs - this.#last.atMs) * this.clockRate) / 1000);
    return (((this.#last.ts + elapsed) % TS_MOD) + TS_MOD) % TS_MOD;
  }
}
