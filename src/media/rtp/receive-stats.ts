// Per-source reception statistics (RFC 3550 appendix A): sequence tracking with wrap-around and
// restart detection (A.1), expected/lost packets and fraction lost (A.3), interarrival jitter
// (A.8). Pure state: arrival times come from the caller, so tests drive it with a fake clock.
import type { RtcpReportBlock } from './rtcp-reports.js';

const RTP_SEQ_MOD = 0x10000;
const MAX_DROPOUT = 3000; // A.1 recommended values
const MAX_MISORDER = 100;
const TS_MOD = 2 ** 32;

export interface LastSenderReport {
  /** Middle 32 bits of the SR's NTP timestamp (ntpMiddle). */
  middle: number;
  /** Arrival time on the same clock as reportBlock()'s nowMs. */
  arrivalMs: number;
}

export type SeqVerdict = 'ok' | 'duplicate-or-late' | 'jump';

export class ReceiveStats {
  readonly ssrc: number;
  readonly clockRate: number;
  #maxSeq = 0;
  #cycles = 0; // shifted count of sequence number cycles (multiple of 65536)
  #baseSeq = 0;
  #badSeq = RTP_SEQ_MOD + 1; // "not a valid sequence number" (A.1)
  #received = 0;
  #expectedPrior = 0;
  #receivedPrior = 0;
  // NaN until the first packet (a number from the start, so each packet's store needs no new box).
  #transit = Number.NaN;
  #jitter = 0; // in timestamp units, unscaled floating point (A.8 first form)

  constructor(ssrc: number, firstSeq: number, clockRate: number) {
    this.ssrc = ssrc;
    this.clockRate = clockRate;
    this.#initSeq(firstSeq);
    this.#received = 1; // the packet that created the source
  }

  #initSeq(seq: number): void {
    this.#baseSeq = seq;
    this.#maxSeq = seq;
    this.#badSeq = RTP_SEQ_MOD + 1;
    this.#cycles = 0;
    this.#received = 0;
    this.#receivedPrior = 0;
    this.#expectedPrior = 0;
  }

  /**
   * A.1 update_seq without probation (the session has already latched on one source), for every
   * packet after the one that created the source.
   * 'jump' = a sequence number far from the expected one: the packet is not valid, unless the next
   * packet follows it, which means the sender restarted and the statistics start over.
   */
  updateSeq(seq: number): SeqVerdict {
    const udelta = (seq - this.#maxSeq + RTP_SEQ_MOD) % RTP_SEQ_MOD;
    if (udelta === 0) {
      this.#received++; // A.1 counts duplicates, which can make the loss negative (§6.4.1)
      return 'duplicate-or-late';
    }
    if (udelta < MAX_DROPOUT) {
      if (seq < this.#maxSeq) this.#cycles += RTP_SEQ_MOD; // wrapped
      this.#maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      if (seq !== this.#badSeq) {
        this.#badSeq = (seq + 1) % RTP_SEQ_MOD;
        return 'jump';
      }
      this.#initSeq(seq); // two sequential packets: the source restarted
    } else {
      this.#received++;
      return 'duplicate-or-late';
    }
    this.#received++;
    return 'ok';
  }

  /** A.8: `arrivalMs` on any monotonic clock; `rtpTimestamp` from the packet. */
  updateJitter(arrivalMs: number, rtpTimestamp: number): void {
    const arrival = (arrivalMs * this.clockRate) / 1000;
    const transit = arrival - rtpTimestamp;
    if (!Number.isNaN(this.#transit)) {
      // Differences are taken modulo 2^32 so a timestamp wrap is not a 2^32 jump.
      let d = (transit - this.#transit) % TS_MOD;
      if (d > TS_MOD / 2) d -= TS_MOD;
      if (d < -TS_MOD / 2) d += TS_MOD;
      this.#jitter += (Math.abs(d) - this.#jitter) / 16;
    }
    this.#transit = transit;
  }

  get received(): number {
    return this.#received;
  }

  get extendedMax(): number {
    return this.#cycles + this.#maxSeq;
  }

  get expected(): number {
    return this.extendedMax - this.#baseSeq + 1;
  }

  /** A.3 cumulative lost; negative when duplicates arrived. */
  get lost(): number {
    return this.expected - this.#received;
  }

  /** Jitter in RTP timestamp units. */
  get jitter(): number {
    return this.#jitter;
  }

  get jitterMs(): number {
    return (this.#jitter * 1000) / this.clockRate;
  }

  /**
   * A.3 fraction lost since the previous call (8-bit fixed point), then the interval starts over;
   * call once per report sent.
   */
  takeFractionLost(): number {
    const expected = this.expected;
    const expectedInterval = expected - this.#expectedPrior;
    this.#expectedPrior = expected;
    const receivedInterval = this.#received - this.#receivedPrior;
    this.#receivedPrior = this.#received;
    const lostInterval = expectedInterval - receivedInterval;
    if (expectedInterval === 0 || lostInterval <= 0) return 0;
    return Math.min(255, Math.floor((lostInterval * 256) / expectedInterval));
  }

  /**
   * The report block for this source (§6.4.1), closing the fraction-lost interval. `lastSr` is the
   * last SR received from this source: the middle 32 bits of its NTP time and when it arrived.
   */
  reportBlock(nowMs: number, lastSr?: LastSenderReport): RtcpReportBlock {
    const lsr = lastSr?.middle ?? 0;
    const dlsr = lastSr ? Math.min(0xffffffff, Math.max(0, Math.round(((nowMs - lastSr.arrivalMs) * 65536) / 1000))) : 0;
    return {
      ssrc: this.ssrc,
      fractionLost: this.takeFractionLost(),
      cumulativeLost: Math.max(-0x800000, Math.min(0x7fffff, this.lost)),
      highestSequence: this.extendedMax >>> 0,
      jitter: Math.min(0xffffffff, Math.floor(this.#jitter)),
      lsr,
      dlsr,
    };
  }
}

/**
 * A.1/A.8 bookkeeping for one received packet: a new SSRC (first packet, or the peer restarted its
 * stream) starts fresh statistics; `accepted` is false for a sequence jump to drop.
 */
export function trackPacket(
  current: ReceiveStats | undefined,
  packet: { ssrc: number; sequenceNumber: number; timestamp: number },
  clockRate: number,
  nowMs: number,
): { source: ReceiveStats; accepted: boolean } {
  const source = trackFields(current, packet.ssrc, packet.sequenceNumber, packet.timestamp, clockRate, nowMs);
  return source ? { source, accepted: true } : { source: current!, accepted: false };
}

/**
 * trackPacket() with no object for its answer (the media path, per packet): the statistics to keep
 * from now on, or null for a sequence jump to drop (then `current` stays as it was).
 */
export function trackFields(current: ReceiveStats | undefined, ssrc: number, sequenceNumber: number, timestamp: number, clockRate: number, nowMs: number): ReceiveStats | null {
  let source = current;
  if (!source || source.ssrc !== ssrc) {
    source = new ReceiveStats(ssrc, sequenceNumber, clockRate);
  } else if (source.updateSeq(sequenceNumber) === 'jump') {
    return null;
  }
  source.updateJitter(nowMs, timestamp);
  return source;
}
