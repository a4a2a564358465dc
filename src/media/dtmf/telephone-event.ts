// RFC 4733 §2.3 telephone-event payload: one named event per RTP packet, 4 bytes.
// Event codes for DTMF (RFC 4733 §3.2, Table 7): 0-9 are the digits, 10 is *, 11 is #, 12-15
// are A-D. Other codes (16 flash, 32+ modem/fax tones, RFC 4734) are valid payloads but not
// DTMF digits: eventToDigit() returns undefined for them.
import { DtmfError } from './dtmf-error.js';

const DIGITS = '0123456789*#ABCD';
export const TELEPHONE_EVENT_LENGTH = 4;
export const MAX_VOLUME = 63;
export const MAX_DURATION = 0xffff;

/** '0'-'9', '*', '#', 'A'-'D' for event codes 0-15; undefined for any other code. */
export function eventToDigit(event: number): string | undefined {
  return Number.isInteger(event) && event >= 0 && event < DIGITS.length ? DIGITS[event] : undefined;
}

/** Event code for a DTMF digit (lower-case a-d accepted); throws DtmfError BAD_DIGIT otherwise. */
export function digitToEvent(digit: string): number {
  const i = digit.length === 1 ? DIGITS.indexOf(digit.toUpperCase()) : -1;
  if (i < 0) throw new DtmfError('BAD_DIGIT', `not a DTMF digit: ${JSON.stringify(digit.slice(0, 8))}`);
  return i;
}

function checkField(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new DtmfError('BAD_EVENT_FIELD', `telephone-event ${name} ${value} is outside 0-${max}`);
  }
}

/*
 * RFC 4733 §2.3, Figure 1: Payload Format for Named Events
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |     event     |E|R| volume    |          duration             |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * E: end of event. R: reserved, sent as 0 and ignored on receipt (§2.3.3).
 * volume: power level in -dBm0, 0-63 (§2.3.4). duration: in RTP timestamp units (§2.3.5).
 */
export class TelephoneEvent {
  constructor(
    readonly event: number,
    readonly end: boolean,
    readonly volume: number,
    readonly duration: number,
  ) {
    checkField('event', event, 0xff);
    checkField('volume', volume, MAX_VOLUME);
    checkField('duration', duration, MAX_DURATION);
  }

  /** The DTMF digit of this event, or undefined for a non-DTMF event. */
  get digit(): string | undefined {
    return eventToDigit(this.event);
  }

  /**
   * Reads the first 4 bytes. A payload shorter than 4 bytes throws DtmfError TRUNCATED_EVENT;
   * bytes after the first 4 are ignored (a telephone-event payload carries one event; RTP
   * padding is removed by the RTP layer before this).
   */
  static deSerialize(buf: Uint8Array): TelephoneEvent {
    if (buf.length < TELEPHONE_EVENT_LENGTH) {
      throw new DtmfError('TRUNCATED_EVENT', `telephone-event payload has ${buf.length} bytes, needs ${TELEPHONE_EVENT_LENGTH}`);
    }
    const b0 = buf[0] as number;
    const b1 = buf[1] as number;
    const duration = ((buf[2] as number) << 8) | (buf[3] as number);
    return new TelephoneEvent(b0, (b1 & 0x80) !== 0, b1 & 0x3f, duration);
  }

  serialize(): Buffer {
    const out = Buffer.alloc(TELEPHONE_EVENT_LENGTH);
    out[0] = this.event;
    out[1] = (this.end ? 0x80 : 0) | this.volume;
    out.writeUInt16BE(this.duration, 2);
    return out;
  }
}
