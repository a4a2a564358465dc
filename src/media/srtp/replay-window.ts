// Packet-index estimation (RFC 3711 §3.3.1) and the replay list (§3.3.2).
//
// The replay list is a sliding window of `size` indices ending at the highest index accepted.
// Instead of a shifted bitmap it keeps, for each slot index % size, the last index accepted in
// that slot: index i (inside the window) was received iff slots[i % size] === i. A slot can only
// be overwritten by an index congruent to i modulo size, and any larger such index puts i outside
// the window, so the test is exact; moving the window costs nothing. Indices are at most 48 bits
// and stay exact in a Float64Array.

export const DEFAULT_WINDOW = 64; // RFC 3711 §3.3.2: "a minimum of 64 MUST be supported"

export type ReplayVerdict = 'new' | 'replay' | 'too-old';

export class ReplayWindow {
  readonly size: number;
  private readonly slots: Float64Array;
  private top = -1; // highest accepted index; -1 until the first packet

  constructor(size: number = DEFAULT_WINDOW) {
    if (!Number.isInteger(size) || size < DEFAULT_WINDOW || size > 32768) {
      throw new RangeError(`replay window size must be an integer in 64..32768, got ${size}`);
    }
    this.size = size;
    this.slots = new Float64Array(size).fill(-1);
  }

  /** Highest index accepted so far, or -1. */
  get highest(): number {
    return this.top;
  }

  /** Check only; call accept() once the packet has been authenticated (§3.3). */
  check(index: number): ReplayVerdict {
    if (index < 0) return 'too-old';
    if (index > this.top) return 'new';
    if (this.top - index >= this.size) return 'too-old';
    return this.slots[index % this.size] === index ? 'replay' : 'new';
  }

  accept(index: number): void {
    this.slots[index % this.size] = index;
    if (index > this.top) this.top = index;
  }
}

/**
 * The index ROC || SEQ of a received SRTP packet, estimated from the highest index seen so far
 * (RFC 3711 §3.3.1: s_l and ROC are that index's low 16 and high 32 bits). The result is
 * negative for a packet that would belong before the first roll-over, which the caller drops.
 * With no packet seen yet (highest < 0) the index is SEQ itself (ROC starts at 0).
 */
export function estimateIndex(highest: number, seq: number): number {
  if (highest < 0) return seq;
  const roc = Math.floor(highest / 0x10000);
  const sl = highest % 0x10000;
  let v = roc;
  if (sl < 0x8000) {
    if (seq - sl > 0x8000) v = roc - 1;
  } else if (sl - 0x8000 > seq) {
    v = roc + 1;
  }
  return v * 0x10000 + seq;
}

/** The largest packet index: ROC is 32 bits, SEQ 16 (RFC 3711 §3.3.1). */
export const MAX_SRTP_INDEX = 2 ** 48 - 1;
/** The largest SRTCP index: 31 bits (RFC 3711 §3.4). */
export const MAX_SRTCP_INDEX = 2 ** 31 - 1;
