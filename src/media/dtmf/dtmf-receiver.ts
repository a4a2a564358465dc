// Turns telephone-event RTP packets (RFC 4733) into DTMF digits, each exactly once.
//
// The sender repeats an event: a start packet (marker bit), updates every packet interval with a
// growing duration, and the end packet three times (§2.5.1.2-§2.5.1.4), all with the RTP
// timestamp of the event's start. So the RTP timestamp names the event (§2.5.2.2), and:
//   - a digit is reported on the first end packet of its timestamp; later packets of that
//     timestamp (the end retransmissions, late updates) are dropped;
//   - when all end packets are lost, the digit is reported when a packet of a newer timestamp
//     arrives (§2.5.2.1: "a new event... implies the end of the previous one"), or on flush();
//   - when the start packet is lost, the first packet seen (an update or even an end) starts
//     the event: the marker bit is a hint, never required (§2.5.2.1);
//   - a packet of an older timestamp that was never seen is a whole event delayed behind a newer
//     one: it is reported at once rather than lost;
//   - long events split into segments (§2.5.1.5: new timestamp, no marker, same event, previous
//     segment near 0xFFFF units, not ended) are joined into one digit.
// Malformed payloads and non-DTMF events are counted and dropped: network input never throws.
import { TelephoneEvent, eventToDigit, MAX_DURATION } from './telephone-event.js';

export interface TelephoneEventPacket {
  payload: Buffer;
  /** RTP timestamp (32-bit, wraps). */
  timestamp: number;
  /** RTP marker bit: set on the first packet of an event. */
  marker: boolean;
}

export type DigitHandler = (digit: string, durationMs: number) => void;

export interface DtmfReceiverOptions {
  /** RTP clock rate of the telephone-event payload type (a=rtpmap), 8000 by default. */
  clockRate?: number;
  /** Called when a digit handler throws; the receiver carries on either way. */
  onListenerError?: (err: unknown) => void;
}

export interface DtmfReceiverStats {
  packets: number;
  digits: number;
  malformed: number;
  ignored: number;
  duplicates: number;
}

interface CurrentEvent {
  timestamp: number;
  event: number;
  /** Duration of earlier segments of a long event (§2.5.1.5), in timestamp units. */
  earlier: number;
  duration: number;
}

// How many reported event timestamps to remember, to drop their late retransmissions.
const DONE_MEMORY = 32;
// A segment ending within this many units of 0xFFFF may be continued by the next (§2.5.1.5).
const SEGMENT_SLACK = 0x1000;

/** Signed distance a - b between two 32-bit RTP timestamps (RFC 3550 serial arithmetic). */
function tsDiff(a: number, b: number): number {
  return ((a - b) | 0);
}

export class DtmfReceiver {
  readonly #clockRate: number;
  readonly #onListenerError: ((err: unknown) => void) | undefined;
  readonly #handlers = new Set<DigitHandler>();
  readonly #done: number[] = [];
  #current: CurrentEvent | null = null;
  readonly #stats: DtmfReceiverStats = { packets: 0, digits: 0, malformed: 0, ignored: 0, duplicates: 0 };

  constructor(options: DtmfReceiverOptions = {}) {
    this.#clockRate = options.clockRate ?? 8000;
    this.#onListenerError = options.onListenerError;
  }

  /** Registers a digit handler; returns a function that removes it. */
  onDigit(handler: DigitHandler): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  get stats(): Readonly<DtmfReceiverStats> {
    return { ...this.#stats };
  }

  push(packet: TelephoneEventPacket): void {
    this.#stats.packets++;
    let ev: TelephoneEvent;
    try {
      ev = TelephoneEvent.deSerialize(packet.payload);
    } catch {
      this.#stats.malformed++;
      return;
    }
    if (eventToDigit(ev.event) === undefined) {
      this.#stats.ignored++;
      return;
    }
    const ts = packet.timestamp >>> 0;
    if (this.#done.includes(ts)) {
      this.#stats.duplicates++;
      return;
    }
    const cur = this.#current;
    if (cur && cur.timestamp !== ts) {
      if (tsDiff(ts, cur.timestamp) < 0) {
        // A never-seen older event, delayed behind a newer one: report it rather than lose it.
        this.#report(ts, ev.event, ev.duration);
        return;
      }
      if (this.#continues(cur, ev, packet.marker, ts)) {
        cur.earlier += tsDiff(ts, cur.timestamp);
        cur.timestamp = ts;
        cur.duration = 0;
      } else {
        this.#finishCurrent();
      }
    }
    const now = this.#current ?? (this.#current = { timestamp: ts, event: ev.event, earlier: 0, duration: 0 });
    now.duration = Math.max(now.duration, ev.duration);
    if (ev.end) {
      this.#current = null;
      this.#report(ts, now.event, now.earlier + now.duration);
    }
  }

  /** Reports the event in progress, if any (e.g. when the call ends before its end packet). */
  flush(): void {
    this.#finishCurrent();
  }

  #continues(cur: CurrentEvent, ev: TelephoneEvent, marker: boolean, ts: number): boolean {
    return !marker && ev.event === cur.event
      && cur.duration >= MAX_DURATION - SEGMENT_SLACK
      && Math.abs(tsDiff(ts, cur.timestamp) - cur.duration) <= SEGMENT_SLACK;
  }

  #finishCurrent(): void {
    const cur = this.#current;
    if (!cur) return;
    this.#current = null;
    this.#report(cur.timestamp, cur.event, cur.earlier + cur.duration);
  }

  #report(timestamp: number, event: number, units: number): void {
    this.#done.push(timestamp);
    if (this.#done.length > DONE_MEMORY) this.#done.shift();
    const digit = eventToDigit(event);
    if (digit === undefined) return;
    this.#stats.digits++;
    const durationMs = (units * 1000) / this.#clockRate;
    for (const handler of [...this.#handlers]) {
      try {
        handler(digit, durationMs);
      } catch (err) {
        this.#onListenerError?.(err);
      }
    }
  }
}
