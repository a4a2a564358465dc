// The packet sequence that sends one DTMF digit as telephone-events (RFC 4733 §2.5.1):
//   - §2.5.1.2: the first packet has the marker bit; every packet of the event carries the RTP
//     timestamp of its start, so timestampOffset is 0 for all of them (relative to the RTP
//     timestamp the caller's session would give a media packet sent at the event's start);
//   - §2.5.1.3: an update every packet interval, the duration growing by one interval of
//     timestamp units (160 at 8 kHz for 20 ms);
//   - §2.5.1.4: the end packet (E bit, final duration) sent three times.
// The caller sends one packet per tick of its 20 ms clock (sendAtMs) and, after the event,
// resumes audio at timestamp start + durationUnits; it also keeps a pause between digits
// (40 ms or more) so that the far end hears two tones.
import { DtmfError } from './dtmf-error.js';
import { TelephoneEvent, digitToEvent, MAX_DURATION } from './telephone-event.js';

export interface DtmfPacket {
  payload: Buffer;
  marker: boolean;
  /** Offset of the packet's RTP timestamp from the event's start: always 0 (§2.5.1.2). */
  timestampOffset: number;
  /** When to send it, in ms after the first packet. */
  sendAtMs: number;
}

export interface DtmfSendOptions {
  /** Tone length, 100 ms by default (Q.24 asks for ≥ 40 ms). */
  durationMs?: number;
  /** Power level in -dBm0, 0-63; 10 by default. */
  volume?: number;
  clockRate?: number;
  /** Packet interval, 20 ms by default. */
  packetMs?: number;
}

export const END_PACKET_COPIES = 3;

export function dtmfPackets(digit: string, options: DtmfSendOptions = {}): DtmfPacket[] {
  const event = digitToEvent(digit);
  const durationMs = options.durationMs ?? 100;
  const volume = options.volume ?? 10;
  const clockRate = options.clockRate ?? 8000;
  const packetMs = options.packetMs ?? 20;
  const total = Math.round((durationMs * clockRate) / 1000);
  const step = Math.round((packetMs * clockRate) / 1000);
  if (!Number.isFinite(total) || total <= 0 || total > MAX_DURATION || step <= 0) {
    throw new DtmfError('BAD_DURATION', `DTMF duration ${durationMs} ms does not fit one event at ${clockRate} Hz`);
  }
  const packets: DtmfPacket[] = [];
  const add = (end: boolean, duration: number): void => {
    packets.push({
      payload: new TelephoneEvent(event, end, volume, duration).serialize(),
      marker: packets.length === 0,
      timestampOffset: 0,
      sendAtMs: packets.length * packetMs,
    });
  };
  for (let d = step; d < total; d += step) add(false, d);
  for (let i = 0; i < END_PACKET_COPIES; i++) add(true, total);
  return packets;
}

/** Timestamp units the event occupies: the caller's audio resumes at start + this. */
export function dtmfDurationUnits(options: DtmfSendOptions = {}): number {
  return Math.round(((options.durationMs ?? 100) * (options.clockRate ?? 8000)) / 1000);
}
